"""Bytes to text: a declared charset when it is usable, else UTF-8 with a Windows-1252 fallback."""

from __future__ import annotations

import codecs


def decode_text(data: bytes, charset: str | None = None) -> str:
    """`charset` is what the HTTP headers declared. A declared Latin-1 on bytes that are valid UTF-8 is
    the usual server misconfiguration, so UTF-8 wins there; an unknown charset is ignored."""
    if charset:
        try:
            codec = codecs.lookup(charset.strip().strip("\"'"))
        except LookupError:
            codec = None
        if codec and codec.name not in ("utf-8", "latin-1", "iso8859-1", "cp1252", "ascii"):
            return data.decode(codec.name, errors="replace")
    return data.decode("utf-8-sig", errors=_CP1252_FALLBACK)


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    # Bytes that are not UTF-8 are read as Windows-1252, so a page mixing the two keeps both halves readable.
    assert isinstance(error, UnicodeDecodeError)
    bad = error.object[error.start : error.end]
    return bytes(bad).decode("cp1252", errors="replace"), error.end


_CP1252_FALLBACK = "newsflow-cp1252-fallback"
codecs.register_error(_CP1252_FALLBACK, _cp1252_fallback)
