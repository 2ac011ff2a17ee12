"""Pure admission of a submission: validate, normalise, give it a stable id, make a RawArticle."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import ValidationError

from newsflow_schemas import ArticleSubmission, RawArticle
from services.common.errors import RejectedInput, describe_validation_error

from .identity import article_id_for, find_canonical_url

# Keys popular scrapers (news-please, newspaper, trafilatura JSON) use for our fields.
_SCRAPER_KEYS = {
    "html": ("html", "raw_html", "content_html"),
    "text": ("text", "maintext", "raw_text", "content", "body"),
    "url": ("url", "canonical_url", "link"),
    "title": ("title", "headline"),
    "published_at": ("published_at", "date_publish", "publish_date", "date", "datePublished"),
    "fetched_at": ("fetched_at", "date_download", "download_date"),
    "authors": ("authors", "author"),
    "source": ("source", "source_domain", "sitename", "hostname"),
    "language": ("language", "lang"),
}


def submission_from_json(data: Any) -> ArticleSubmission:
    """Our own submission object, or the JSON a popular scraper wrote for one article."""
    if not isinstance(data, dict):
        raise RejectedInput(f"an article must be a JSON object, not {type(data).__name__}")
    fields: dict[str, Any] = {}
    for field, keys in _SCRAPER_KEYS.items():
        value = next((data[k] for k in keys if data.get(k) not in (None, "", [])), None)
        if value is not None:
            fields[field] = value
    if isinstance(fields.get("authors"), str):
        fields["authors"] = [a.strip() for a in fields["authors"].split(";") if a.strip()]
    try:
        return ArticleSubmission.model_validate(fields)
    except ValidationError as exc:
        raise RejectedInput(describe_validation_error(exc)) from exc


def admit(submission: ArticleSubmission, trace_id: str, now: datetime, max_chars: int) -> RawArticle:
    """Turn an accepted submission into the raw message, or raise RejectedInput saying why not."""
    html = submission.html if submission.html and submission.html.strip() else None
    text = submission.text if submission.text and submission.text.strip() else None
    if html is None and text is None:
        raise RejectedInput("the article has no content: give `html` or `text` with something in it")
    content = html if html is not None else text
    assert content is not None
    if len(content) > max_chars:
        raise RejectedInput(f"the content has {len(content):,} characters; the limit is {max_chars:,}")
    if submission.url and not submission.url.startswith(("http://", "https://")):
        raise RejectedInput("`url` must be an absolute http(s) URL")
    url = submission.url or (find_canonical_url(content) if html is not None else None)
    raw = RawArticle(
        article_id=article_id_for(url, content),
        trace_id=trace_id,
        content=content,
        content_type="html" if html is not None else "text",
        url=url,
        source=submission.source,
        fetched_at=submission.fetched_at,
        title=submission.title,
        authors=submission.authors,
        published_at=submission.published_at,
        language=submission.language,
    )
    return raw.stamped("ingest", now)
