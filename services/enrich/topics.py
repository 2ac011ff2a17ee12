"""Topic labels from word lists: each label has stems; an article gets a label when enough of them occur.

Explainable by construction: a label's score is its matched words per 100 words of the article, and the
result lists the words that matched. A stem ending in "*" matches any word it begins ("terror*"
matches "terrorist" and "terrorism"); others match whole words only.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from newsflow_schemas import Topic

# A label needs this many matches per 100 words and this many different matched words: one passing
# mention of "election" in a sports story is not politics.
MIN_SCORE = 0.8
MIN_DISTINCT = 3
MAX_EVIDENCE = 8

TOPIC_STEMS: dict[str, tuple[str, ...]] = {
    "politics": (
        "election*", "elect", "elected", "vote*", "voter*", "voting", "parliament*", "congress*", "senat*",
        "lawmaker*", "legislat*", "government*", "minister*", "president*", "presidential", "party",
        "parties", "campaign*", "politic*", "democrat*", "republican*", "opposition", "cabinet", "policy",
        "policies", "governor*", "mayor*", "referendum*", "regime*", "administration",
    ),
    "diplomacy": (
        "diplomat*", "ambassador*", "embass*", "envoy*", "treaty", "treaties", "sanction*", "summit*",
        "bilateral", "foreign", "united nations", "un", "nato", "negotiat*", "talks", "accord*", "allies",
        "alliance*", "international", "countries",
    ),
    "conflict and terrorism": (
        "terror*", "war", "wars", "warfare", "militar*", "troop*", "soldier*", "army", "armed", "attack*",
        "bomb*", "missile*", "strike*", "airstrike*", "killing*", "killed", "assassinat*", "insurgen*",
        "militant*", "rebel*", "weapon*", "invasion", "ceasefire", "hostage*", "extremis*", "jihad*",
        "martyr*", "atrocit*", "violence", "violent", "conflict*",
    ),
    "human rights": (
        "human rights", "rights", "impunity", "refugee*", "asylum", "torture*", "detain*", "detention",
        "discriminat*", "persecut*", "freedom*", "civil liberties", "humanitarian", "abuse*", "genocide",
        "victim*", "accountab*", "activist*", "protest*",
    ),
    "crime and justice": (
        "police", "polic*", "arrest*", "crime*", "criminal*", "court*", "judge*", "trial*", "prosecut*",
        "convict*", "sentenc*", "jail*", "prison*", "lawsuit*", "indict*", "murder*", "fraud*", "suspect*",
        "investigat*", "charged", "guilty", "lawyer*", "attorney*",
    ),
    "economy and business": (
        "econom*", "market*", "stock*", "shares", "investor*", "invest*", "bank*", "inflation", "gdp",
        "trade", "tariff*", "company", "companies", "business*", "revenue*", "profit*", "earnings",
        "industry", "industries", "jobs", "employment", "unemployment", "price*", "billion", "million",
        "finance*", "financial", "budget*", "tax", "taxes", "debt", "ceo", "startup*", "customers",
    ),
    "technology": (
        "technolog*", "software", "app", "apps", "internet", "online", "digital", "computer*", "data",
        "algorithm*", "artificial intelligence", "ai", "robot*", "smartphone*", "iphone*", "google",
        "apple", "microsoft", "facebook", "twitter", "cyber*", "hack*", "device*", "users", "startup*",
        "platform*", "silicon",
    ),
    "science and health": (
        "scien*", "research*", "study", "studies", "health*", "medic*", "doctor*", "hospital*", "patient*",
        "disease*", "virus*", "vaccin*", "cancer", "drug*", "clinical", "species", "space", "nasa",
        "planet*", "universit*", "experiment*", "physic*", "biolog*", "brain", "cells", "genetic*",
    ),
    "environment": (
        "climate", "environment*", "emission*", "carbon", "pollut*", "warming", "fossil", "renewable*",
        "solar", "wind", "wildlife", "forest*", "ocean*", "drought*", "flood*", "wildfire*", "species",
        "conservation", "energy",
    ),
    "sports": (
        "game", "games", "season*", "team*", "coach*", "player*", "league*", "championship*", "tournament*",
        "match", "matches", "score*", "goal*", "win", "won", "victory", "cup", "olympic*", "football",
        "soccer", "basketball", "baseball", "tennis", "nfl", "nba", "quarterback*", "fans", "stadium*",
    ),
    "culture and entertainment": (
        "film*", "movie*", "music*", "album*", "song*", "singer*", "actor*", "actress*", "director*",
        "festival*", "museum*", "art", "artist*", "book*", "novel*", "theater*", "theatre*", "celebrit*",
        "television", "tv", "show", "shows", "star*", "award*", "hollywood", "netflix", "fashion",
    ),
}  # fmt: skip

_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")


@cache
def _matchers() -> list[tuple[str, re.Pattern[str]]]:
    matchers = []
    for label, stems in TOPIC_STEMS.items():
        alternatives = [re.escape(s[:-1]) + r"[a-z]*" if s.endswith("*") else re.escape(s) for s in stems]
        matchers.append((label, re.compile(rf"\b(?:{'|'.join(alternatives)})\b")))
    return matchers


def topics(title: str | None, body: str) -> list[Topic]:
    """The labels whose words are dense enough in the article, best first; the title counts twice."""
    text = f"{title or ''}\n{title or ''}\n{body}".lower().replace("’", "'")
    words = max(len(_WORD.findall(text)), 1)
    found = []
    for label, matcher in _matchers():
        hits = Counter(matcher.findall(text))
        score = 100 * sum(hits.values()) / words
        if score >= MIN_SCORE and len(hits) >= MIN_DISTINCT:
            evidence = [word for word, _ in hits.most_common(MAX_EVIDENCE)]
            found.append(Topic(label=label, score=round(score, 2), evidence=evidence))
    return sorted(found, key=lambda t: -t.score)
