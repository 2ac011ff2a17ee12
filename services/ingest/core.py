"""Pure admission of a submission: validate, normalise, give it a stable id, make a RawArticle."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import ValidationError

from newsflow_schemas import ArticleSubmission, RawArticle
from services.common.errors import MAX_PROBLEMS, RejectedInput

from .identity import article_id_for, find_canonical_url, url_problem
from .scrapers import MappedSubmission, ScraperFieldError, map_scraper_json


def submission_from_json(data: Any) -> ArticleSubmission:
    """Our own submission object, or the JSON a scraper wrote for one article (news-please, trafilatura,
    newspaper4k, Fundus, Scrapy items: services/ingest/scrapers.py); errors name the scraper's key."""
    if not isinstance(data, dict):
        raise RejectedInput(f"an article must be a JSON object, not {type(data).__name__}")
    if where := lone_surrogate_at(data):
        raise RejectedInput(f"{where}: a lone surrogate (\\ud800-\\udfff escape) is not a character")
    try:
        mapped = map_scraper_json(data)
    except ScraperFieldError as exc:
        raise RejectedInput(str(exc)) from exc
    try:
        return ArticleSubmission.model_validate(mapped.fields)
    except ValidationError as exc:
        raise RejectedInput(describe_scraper_error(exc, mapped)) from exc


def lone_surrogate_at(value: Any) -> str | None:
    """Where a string holds a lone surrogate, or None. JSON's "\\ud800" escape decodes to one; it has
    no UTF-8 encoding, so the article could never be written to Redis. Iterative: a body may nest as
    deep as json.loads allows."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if not _encodable(item):
                return path or "body"
            continue
        children = item.items() if isinstance(item, dict) else enumerate(item) if isinstance(item, list) else ()
        for key, child in children:
            if isinstance(key, str) and not _encodable(key):
                return f"{path}.{key!a}".lstrip(".")
            stack.append((child, f"{path}.{key}".lstrip(".")))
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def describe_scraper_error(exc: ValidationError, mapped: MappedSubmission) -> str:
    """describe_validation_error's wording, each problem under the key the sender used (`date_publish`,
    not our `published_at`)."""
    problems = []
    for error in exc.errors()[:MAX_PROBLEMS]:
        loc = [str(part) for part in error["loc"]]
        if loc:
            loc[0] = mapped.key_for(loc[0])
        problems.append(f"{'.'.join(loc) or 'body'}: {error['msg']}")
    return "; ".join(problems)


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
    if submission.url and (problem := url_problem(submission.url)):
        raise RejectedInput(f"`url` is not a valid URL: {problem}")
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
        description=submission.description,
        image_url=submission.image_url,
    )
    return raw.stamped("ingest", now)
