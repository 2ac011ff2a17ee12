"""Stable article ids: from the canonical URL when there is one, else from the normalised content."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only say how a reader arrived; they never change the article.
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ocid|cmpid|ref|ref_src|smid|sr_share)$", re.I)

# Bounded patterns (no nested quantifiers) run on at most the first 200 kB of the page.
_LINK_TAG = re.compile(r"<link\b[^>]{0,2000}>", re.I)
_META_TAG = re.compile(r"<meta\b[^>]{0,2000}>", re.I)
_ATTR = re.compile(r"""([a-zA-Z:-]{1,40})\s*=\s*("[^"]{0,2000}"|'[^']{0,2000}')""")
_HEAD_BYTES = 200_000


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no fragment, no tracking parameters, no trailing slash."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.port and not (
        (parts.scheme == "http" and parts.port == 80) or (parts.scheme == "https" and parts.port == 443)
    ):
        host = f"{host}:{parts.port}"
    query = urlencode(
        sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k))
    )
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), host, path, query, ""))


def url_problem(url: str) -> str | None:
    """Why `url` cannot be an article's URL (urlsplit refuses it: a port past 65535, an unclosed IPv6
    bracket), or None."""
    try:
        canonical_url(url)
    except ValueError as error:
        return str(error)
    return None


def _attributes(tag: str) -> dict[str, str]:
    return {name.lower(): value[1:-1].strip() for name, value in _ATTR.findall(tag)}


def find_canonical_url(html: str) -> str | None:
    """The page's own canonical URL (link rel=canonical, else og:url), if it declares one."""
    head = html[:_HEAD_BYTES]
    for tag in _LINK_TAG.findall(head):
        attrs = _attributes(tag)
        if attrs.get("rel", "").lower() == "canonical" and _usable(attrs.get("href", "")):
            return attrs["href"]
    for tag in _META_TAG.findall(head):
        attrs = _attributes(tag)
        if attrs.get("property", "").lower() == "og:url" and _usable(attrs.get("content", "")):
            return attrs["content"]
    return None


def _usable(url: str) -> bool:
    # A page's broken canonical URL is ignored (the id then comes from the content), not an error.
    return url.startswith(("http://", "https://")) and url_problem(url) is None


def normalised_content(content: str) -> str:
    return " ".join(content.split()).casefold()


def article_id_for(url: str | None, content: str) -> str:
    basis = f"url:{canonical_url(url)}" if url else f"content:{normalised_content(content)}"
    return hashlib.sha256(basis.encode("utf-8", errors="surrogatepass")).hexdigest()[:32]
