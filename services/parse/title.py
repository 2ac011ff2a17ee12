"""The headline: the page's <h1> when it agrees with the title the metadata states, else that title."""

from __future__ import annotations

import unicodedata

import lxml.html

from .metadata import clean_title, one_line

MAX_HEADINGS = 5
# A lone <h1> that agrees with no stated title is still the headline if it is this long: shorter
# ones are logos and section names ("Games", "엔터 미디어").
MIN_LONE_HEADING_CHARS = 20
# Between a title and the site or section names pages add after it (as _plain spells them).
_SEGMENT_SEPARATORS = (" | ", " - ", " // ", " :: ", " · ", " » ", " _ ", "_", "ㅣ", "｜", " / ")
# Characters that join a title to the names around it ("Story-정치ㅣ한국일보", "Site » Story").
# Not a colon: before it stands a kicker ("Kicker: Story"), which some sites count as part of the title.
_NAME_MARKS = set("|-/·»«_ㅣ｜>")
# A name after a title's last separator is short; the title before it is not.
MAX_NAME_WORDS = 3
MIN_HEAD_WORDS = 3
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def headline(
    tree: lxml.html.HtmlElement, stated: list[str | None], site_name: str | None, host: str | None = None
) -> str | None:
    """The article's headline from its <h1>s and the titles its metadata states (best first)."""
    titles = [title for value in stated if (title := clean_title(value, site_name, host))]
    headings = [text for h1 in list(tree.iter("h1"))[:MAX_HEADINGS] if (text := one_line(h1.text_content()))]
    if headings and titles and _kicker_before(headings[0], titles[0]):
        return titles[0]  # "Neue Leipziger Schule: Judy Lybke, ..." where og:title is "Judy Lybke, ..."
    for heading in headings:
        if any(_agrees(heading, title) for title in titles):
            return _as_stated(heading, titles)
    lone = [h for h in headings if len(h) >= MIN_LONE_HEADING_CHARS and not _agrees(h, site_name or "")]
    if len(lone) == 1:
        return _as_stated(lone[0], titles)
    if not titles:
        return None
    title = _without_names(titles[0], titles)
    return _without_short_tail(title) if all(_plain(other) == _plain(title) for other in titles) else title


def _without_short_tail(title: str) -> str:
    """A title only the <title> (or one meta tag) states, without the short name after its last separator
    ("Lorem ipsum dolor sit amet – My website"): nothing else on the page names the site."""
    for separator in (" | ", " – ", " — ", " - "):
        head, _, tail = title.rpartition(separator)
        if head and len(tail.split()) <= MAX_NAME_WORDS and len(head.split()) >= MIN_HEAD_WORDS and _names(tail):
            return head
    return title


def _without_names(title: str, titles: list[str]) -> str:
    """The title without the site or section names it adds to another stated title: og:title "Story-정치ㅣ
    한국일보" where JSON-LD gives "Story", "Site » Section » Story" where <title> gives "Story"."""
    plain = _plain(title)
    for other in titles:
        short = _plain(other)
        if len(short.split()) >= 2 and short != plain:
            head, tail = plain.removesuffix(short), plain.removeprefix(short)
            if (tail != plain and tail.lstrip()[:1] in _NAME_MARKS) or (
                head != plain and head.rstrip()[-1:] in _NAME_MARKS
            ):
                return other
    return title


def _as_stated(heading: str, titles: list[str]) -> str:
    """The heading as a stated title spells it when they differ only in spaces and punctuation: an <h1>
    built from several elements loses the separator between them ("Ausschuss zur Ahrtal-Flut Zwei
    Rücktritte" for "Ausschuss zur Ahrtal-Flut: Zwei Rücktritte")."""
    key = _letters(heading)
    return next((title for title in titles if _letters(title) == key), heading)


def _names(text: str) -> bool:
    """`text` reads as a name: it starts with a capital (or a letter of a script without case), no figures."""
    return text[:1].isalpha() and not text[:1].islower() and not any(ch.isdigit() for ch in text)


def _letters(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


def _kicker_before(heading: str, title: str) -> bool:
    """The heading is the stated title with a kicker before it (a topic line inside the <h1>)."""
    a, b = _plain(heading), _plain(title)
    if len(b) < MIN_LONE_HEADING_CHARS or not a.endswith(b) or len(a) <= len(b) or a[-len(b) - 1].isalnum():
        return False
    kicker = a[: -len(b)].strip()
    # "Kultur :", "MSV-", "Premier League": a topic line, not an article ("The seven secrets").
    return bool(kicker) and (not kicker[-1].isalnum() or len(kicker.split()) >= 2)


def _agrees(heading: str, title: str) -> bool:
    """The heading is the stated title, or the title with a site name or section around it."""
    a, b = _plain(heading), _plain(title)
    if not a or not b:
        return False
    return a == b or (a in b and len(a) >= 0.5 * len(b)) or _first_segment(a, b)


def _first_segment(heading: str, title: str) -> bool:
    """The title is the heading, a separator and more ("About bugs – Vortex Cannon Entertainment"): a name
    after the title. A colon is not such a separator: before it stands a kicker ("Trump: ...")."""
    rest = title.removeprefix(heading)
    return rest != title and len(heading.split()) >= 2 and rest.startswith(_SEGMENT_SEPARATORS)


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    return " ".join(text.split()).strip(" .")
