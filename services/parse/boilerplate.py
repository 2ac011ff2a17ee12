"""Short notices that news pages put between and after the paragraphs: promotions, credits, licences."""

from __future__ import annotations

import re

# A notice is a line or two; a longer block that merely mentions a newsletter is part of the story.
MAX_NOTICE_WORDS = 40

_WORD = re.compile(r"\w+")

# Openings that introduce something other than the story: a link to another article, a call to
# sign up or follow, a credit line, a licence, a media player. English only: other languages keep
# their notices rather than risk dropping story text.
_NOTICE_OPENING = re.compile(
    r"""^\W*(?:
        read\ more | related\b | see\ more | see\ also | also\ on | also\ read | more:$
        | click\ here | follow\ us | get\ the\ latest | like\ this\ story | share\ this
        | advertisement$ | \(?reporting\ by | editing\ by | copyright | © | source:
        | filed\ under | popular\ on | most\ read | you\ may\ also\ like | don'?t\ miss
        | comments$ | tell\ us\ what\ you\ think | recommended | trending
        | watch: | listen: | download: | photo: | image: | picture: | credit:
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# Phrases that mark a short block as a notice wherever they stand in it.
_NOTICE_PHRASE = re.compile(
    r"newsletter|contributed\ (?:to\ this\ report|reporting)|all\ rights\ reserved"
    r"|follow\ (?:us|him|her|me)\ on|click\ here|\bcopyright\b|©",
    re.IGNORECASE | re.VERBOSE,
)


def is_notice(text: str) -> bool:
    """True for a short block that is a promotion, credit or licence line rather than story text."""
    if len(_WORD.findall(text)) > MAX_NOTICE_WORDS:
        return False
    return bool(_NOTICE_OPENING.search(text) or _NOTICE_PHRASE.search(text))
