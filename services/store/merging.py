"""Which recent stories are one event split by arrival order (pure; the database side is merge_pass.py).

Placement decides once, when an article arrives, against the stories that exist then: the first
articles of an event can start several stories before any of them is big enough to attract the rest.
The merge pass looks again at recent stories as wholes and rejoins such fragments.

Two stories are compared as vectors over entity names, each name weighing its type
(stories.TYPE_WEIGHTS), the share of the story's articles naming it, 1 + ln(mentions per naming
article), and its rarity among the stories of the pass (ln(1 + stories / stories naming it), counting
at least RARITY_FLOOR stories); plus their shared title words and keywords (binary cosine, TEXT_WEIGHT)
and their body words (the cosine of the sums of their members' TF-IDF vectors, as placement kept them,
BODY_WEIGHT): a one-article fragment told in other names ("the Albany teen's trial") still rejoins.
A pair scoring THRESHOLD or more is the same event unless something tells the two apart:

- their dates: both dated, and more than MAX_GAP between one's last article and the other's first;
- their main person: each story has one (its most mentioned PERSON name among those named in at
  least half its articles) and neither is named by the other story, under any type, inside a longer
  name or by surname. Two celebrities entering rehab share every word but the person. When both
  stories have SURE_ARTICLES (3) articles or more, one main person named by none of the other's articles
  is enough: a later event's articles recall the earlier one's protagonist, never the reverse.

- their protagonists: the person each story's articles lead with (stories.protagonist), when no article
  of either leads with the other's and one story never names the other's. The main-person rule needs
  three articles a side; two articles leading with one person are already sure of him.

So similar but different events stay apart by what distinguishes them, not by a high threshold. The
same rule can take main places (DISTINGUISHING); on the development stream it split more events than
it kept apart (the small NER model types many surnames as places), so it is off.

A one-article story that scores below the threshold with every story still joins its best match when
that is a story of several articles, scores at least LONE_SHARE of the threshold and LONE_MARGIN times
the next best, names an actor in common with it (a person, organisation or thing, not only a place
or nationality), and nothing tells them apart: an article of an event told in other words has one
clear match; an article of another event of the same kind has two close ones, or none.

Pairs are joined strongest first (union-find), lone articles last. Two groups join only when nothing
tells them apart taken as wholes (their summed profiles): a group's main person is surer than a
one-article story's.
Each group's biggest story (then the oldest, then the smallest id) survives; the others merge into it.

THRESHOLD 0.4 with BODY_WEIGHT 0.6 and the rules were chosen on the odd topics of
../shared/corpus/stories-dev (B-cubed, `python -m newsflow_harness.evaluation.story_merges --half
develop`): for each body weight the lowest threshold that makes no false merge on the labelled
extraction-dev pages (`--pages`: 0.2/0.35, 0.4/0.4, 0.6/0.4, 0.8/0.45, 1.0/0.5), then the best mean dev
F1 over the two layouts (0.6, 0.8 and 1.0 tie; the lightest kept). The even topics are the check half.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import combinations

from .stories import DEFAULT_TYPE_WEIGHT, TYPE_WEIGHTS, names_person, protagonist

THRESHOLD = 0.4
TEXT_WEIGHT = 0.3
BODY_WEIGHT = 0.6
MAX_GAP = timedelta(days=3)
MAIN_SHARE = 0.5  # a main person or place is named in at least this share of the story's articles
SURE_ARTICLES = 3  # a story of this many articles or more: its main person is sure (see apart)
LONE_SHARE = 0.5  # a lone article's best match must score this share of THRESHOLD (see _lone_links)
LONE_MARGIN = 1.5  # and this many times its next best
MAX_SHARED = 8  # names and words kept in a merge's `shared`
# A name or word in more than this share of the pass's stories links too many pairs to say anything.
COMMON_SHARE = 0.2
# Rarity counts as if the pass saw at least this many stories: among a handful, a name both share
# would otherwise count less than one only one names.
RARITY_FLOOR = 100
KINDS: Mapping[str, str] = {"PERSON": "person", "GPE": "place", "LOC": "place", "FAC": "place"}
_SETTING = frozenset({"GPE", "LOC", "NORP"})  # where and which nationality: the setting, not the actors
DISTINGUISHING = ("person",)  # the kinds whose main names tell events apart (see below for places)


@dataclass(frozen=True)
class Name:
    """One entity name in a story: its type, how many of the story's articles name it, how often."""

    type: str
    articles: int
    mentions: int

    @property
    def kind(self) -> str:
        return KINDS.get(self.type, "other")


@dataclass(frozen=True)
class StoryProfile:
    """A recent story as the merge pass sees it: summed over its articles."""

    story_id: str
    article_count: int
    first_seen: datetime
    last_seen: datetime
    dated: bool
    names: Mapping[str, Name]  # folded name -> Name
    terms: frozenset[str] = frozenset()  # title words and keywords
    words: Mapping[str, float] = field(default_factory=dict)  # its members' body words, summed unit vectors
    leads: tuple[str, ...] = ()  # the persons its articles lead with (stories.lead_person), where they do


@dataclass(frozen=True)
class Pair:
    """How alike two stories are, and what tells them apart (empty: nothing)."""

    score: float
    shared: tuple[str, ...]
    apart: str = ""


@dataclass(frozen=True)
class Merge:
    story_id: str  # merged away
    into_story_id: str  # the survivor
    score: float
    shared: tuple[str, ...] = field(default_factory=tuple)
    reason: str = ""


def plan(profiles: Sequence[StoryProfile], threshold: float = THRESHOLD) -> list[Merge]:
    """The merges that rejoin the fragments among `profiles`, survivors' ids in each; deterministic."""
    by_id = {p.story_id: p for p in sorted(profiles, key=lambda p: p.story_id)}
    rarity = _rarity(by_id.values())
    prepared = {story_id: _Prepared.of(p, rarity) for story_id, p in by_id.items()}
    pairs: dict[tuple[str, str], Pair] = {}
    lone: dict[str, list[tuple[float, str, tuple[str, ...]]]] = defaultdict(list)  # lone story -> scored others
    for a, b in candidate_pairs(by_id.values(), rarity):
        score, shared = _score(prepared[a], prepared[b])
        if score >= threshold:
            pairs[(a, b)] = Pair(score, shared, apart(by_id[a], by_id[b]))
        for one, other in ((a, b), (b, a)):
            if by_id[one].article_count == 1 and not _dates_apart(by_id[one], by_id[other]):
                lone[one].append((score, other, shared))
    lone_links = _lone_links(by_id, lone, threshold)
    groups = _group(by_id, pairs, lone_links)
    pairs = {**lone_links, **pairs}
    merges: list[Merge] = []
    for members in groups:
        survivor = min(members, key=lambda s: _seniority(by_id[s]))
        for story_id in sorted(members):
            if story_id == survivor:
                continue
            best = _best_link(story_id, members, pairs)
            merges.append(Merge(story_id, survivor, round(best.score, 4), best.shared, _reason(best, threshold)))
    return sorted(merges, key=lambda m: (m.into_story_id, m.story_id))


def _seniority(profile: StoryProfile) -> tuple[int, datetime, str]:
    """The survivor of a group sorts first: the most articles, then the earliest, then the smallest id."""
    return (-profile.article_count, profile.first_seen, profile.story_id)


def compare(a: StoryProfile, b: StoryProfile, rarity: Mapping[str, float] | None = None) -> Pair:
    """The pair's score (entity cosine + TEXT_WEIGHT * shared words) and what tells them apart."""
    score, shared = _score(_Prepared.of(a, rarity or {}), _Prepared.of(b, rarity or {}))
    return Pair(score, shared, apart(a, b))


@dataclass(frozen=True)
class _Prepared:
    """What comparing a story needs, computed once per pass: its weighted name vector, the full person
    names by surname, and its one-word person names (a surname alone)."""

    profile: StoryProfile
    vector: dict[str, float]
    norm: float
    by_surname: dict[str, list[str]]
    surnames: frozenset[str]

    @classmethod
    def of(cls, profile: StoryProfile, rarity: Mapping[str, float]) -> _Prepared:
        vector = _vector(profile, rarity)
        by_surname: dict[str, list[str]] = defaultdict(list)
        for key, n in profile.names.items():
            if n.kind == "person" and " " in key:
                by_surname[key.split()[-1]].append(key)
        alone = frozenset(k for k in vector if " " not in k and profile.names[k].kind == "person")
        return cls(profile, vector, _norm(vector), dict(by_surname), alone)


def _score(a: _Prepared, b: _Prepared) -> tuple[float, tuple[str, ...]]:
    va, na = _surnames_as(a, b)
    vb, nb = _surnames_as(b, a)
    terms = {k: va[k] * vb[k] for k in va.keys() & vb.keys()}
    entity = sum(terms.values()) / (na * nb) if na and nb else 0.0
    ta, tb = a.profile.terms, b.profile.terms
    words = ta & tb
    text = len(words) / math.sqrt(len(ta) * len(tb)) if words else 0.0
    shared = [*sorted(terms, key=lambda k: (-terms[k], k)), *sorted(words - terms.keys())][:MAX_SHARED]
    body = _cosine(a.profile.words, b.profile.words) if BODY_WEIGHT else 0.0
    return entity + TEXT_WEIGHT * text + BODY_WEIGHT * body, tuple(shared)


def _cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    dot = sum(w * b.get(k, 0.0) for k, w in a.items())
    norms = _norm(a) * _norm(b)
    return dot / norms if norms else 0.0


def _norm(vector: Mapping[str, float]) -> float:
    return math.sqrt(sum(v * v for v in vector.values()))


def apart(a: StoryProfile, b: StoryProfile, kinds: Sequence[str] | None = None) -> str:
    """What tells two stories apart as events, or "" when nothing does; `kinds`: DISTINGUISHING."""
    if a.dated and b.dated:
        gap = max(a.first_seen, b.first_seen) - min(a.last_seen, b.last_seen)
        if gap > MAX_GAP:
            return f"dates {gap.days} days apart"
    lead_a, lead_b = protagonist(a.leads), protagonist(b.leads)
    if (
        lead_a
        and lead_b
        and not names_person(b.leads, lead_a)
        and not names_person(a.leads, lead_b)
        and (not names(b, lead_a, "person") or not names(a, lead_b, "person"))
    ):
        # Led by two people no article of the other leads with, and one of them never named there.
        return f"different protagonists: {lead_a} / {lead_b}"
    for kind in DISTINGUISHING if kinds is None else kinds:
        main_a, main_b = main_name(a, kind), main_name(b, kind)
        if not (main_a and main_b):
            continue
        unnamed = [not names(b, main_a, kind), not names(a, main_b, kind)]
        # Of two stories of several articles each, one's main person named by none of the other's
        # articles is enough: the other event's articles name the first one's protagonist in passing
        # ("the team's second arrest in a month"), never the reverse. (Not so for places: a city is
        # named inside a longer name of itself, "Santiago de Chile", one way only.)
        sure = kind == "person" and min(a.article_count, b.article_count) >= SURE_ARTICLES
        if all(unnamed) or (sure and any(unnamed)):
            return f"different main {kind}: {main_a} / {main_b}"
    return ""


def main_name(profile: StoryProfile, kind: str) -> str | None:
    """The story's most mentioned name of `kind` among those named in at least MAIN_SHARE of its
    articles: its protagonist, not a name every article drops once ("Deep Throat" in two Watergate
    figures' obituaries)."""
    found = [
        (key, n)
        for key, n in profile.names.items()
        if n.kind == kind and n.articles >= MAIN_SHARE * profile.article_count
    ]
    return max(found, key=lambda kn: (kn[1].mentions, kn[1].articles, kn[0]))[0] if found else None


def names(profile: StoryProfile, key: str, kind: str) -> bool:
    """Whether the story names `key`, under any type (the small NER model types "Palin" a place here and
    a person there): as it is, inside a longer name ("palin" in "sarah palin"), or a person by surname
    ("Lindsay Lohan" where the story says "Lohan" or "Dina Lohan")."""
    if key in profile.names:
        return True
    words = key.split()
    for other in profile.names:
        others = other.split()
        if set(words) <= set(others) or (kind == "person" and others[-1] == words[-1]):
            return True
    return False


def _vector(profile: StoryProfile, rarity: Mapping[str, float]) -> dict[str, float]:
    count = max(profile.article_count, 1)
    return {
        key: TYPE_WEIGHTS.get(n.type, DEFAULT_TYPE_WEIGHT)
        * min(n.articles / count, 1.0)
        * (1.0 + math.log(max(n.mentions / max(n.articles, 1), 1.0)))
        * rarity.get(key, 1.0)
        for key, n in profile.names.items()
        if TYPE_WEIGHTS.get(n.type, DEFAULT_TYPE_WEIGHT) > 0
    }


def _surnames_as(own: _Prepared, other: _Prepared) -> tuple[dict[str, float], float]:
    """`own`'s vector (and norm) with a one-word person name ("Lohan") keyed as the other story's full
    name for that surname ("lindsay lohan"), when it has exactly one: later articles use the surname."""
    renames = {
        key: full[0]
        for key in own.surnames
        if key not in other.profile.names and len(full := other.by_surname.get(key, [])) == 1
    }
    if not renames:
        return own.vector, own.norm
    renamed: dict[str, float] = {}
    for key, value in own.vector.items():
        target = renames.get(key, key)
        renamed[target] = renamed.get(target, 0.0) + value
    return renamed, _norm(renamed)


def _rarity(profiles: Iterable[StoryProfile]) -> dict[str, float]:
    """ln(1 + stories / stories naming it): a name of one event's fragments outweighs "United States"."""
    listed = list(profiles)
    naming: dict[str, int] = defaultdict(int)
    for profile in listed:
        for key in profile.names:
            naming[key] += 1
    total = max(len(listed), RARITY_FLOOR)
    return {key: math.log(1 + total / n) for key, n in naming.items()}


def candidate_pairs(profiles: Iterable[StoryProfile], rarity: Mapping[str, float]) -> list[tuple[str, str]]:
    """Pairs sharing a name or word that few stories of the pass share: the only ones that can score."""
    listed = list(profiles)
    common = int(COMMON_SHARE * max(len(listed), RARITY_FLOOR))
    holders: dict[str, list[str]] = defaultdict(list)
    for profile in listed:
        for key in {*profile.names, *(f"word:{t}" for t in profile.terms)}:
            holders[key].append(profile.story_id)
    pairs: set[tuple[str, str]] = set()
    for ids in holders.values():
        if 1 < len(ids) <= common:
            pairs.update(combinations(sorted(ids), 2))
    return sorted(pairs)


def _lone_links(
    by_id: Mapping[str, StoryProfile], scored: Mapping[str, list[tuple[float, str, tuple[str, ...]]]], threshold: float
) -> dict[tuple[str, str], Pair]:
    """A one-article story left below the threshold joins the story it scores best with when that is a
    story of several articles, scores LONE_SHARE of the threshold or more, and LONE_MARGIN times the
    next best: an article of an event told in other words has one clear match, an article of another
    event of the same kind two close ones, or none."""
    links = {}
    for story_id, others in scored.items():
        ranked = sorted(others, reverse=True)
        score, best, shared = ranked[0]
        runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
        if (
            LONE_SHARE * threshold <= score < threshold
            and score >= LONE_MARGIN * runner_up
            and by_id[best].article_count > 1
            and _share_an_actor(by_id[story_id], by_id[best])
        ):
            links[(min(story_id, best), max(story_id, best))] = Pair(score, shared, apart(by_id[story_id], by_id[best]))
    return links


def _share_an_actor(a: StoryProfile, b: StoryProfile) -> bool:
    """Whether both name someone or something that acts, not only where (Hong Kong) or who in general
    (Chinese): a listing in Hong Kong is not the city's protests."""
    shared = a.names.keys() & b.names.keys()
    return any(a.names[key].type not in _SETTING and b.names[key].type not in _SETTING for key in shared)


def _dates_apart(a: StoryProfile, b: StoryProfile) -> bool:
    return a.dated and b.dated and max(a.first_seen, b.first_seen) - min(a.last_seen, b.last_seen) > MAX_GAP


def _group(
    by_id: Mapping[str, StoryProfile],
    pairs: Mapping[tuple[str, str], Pair],
    lone: Mapping[tuple[str, str], Pair] | None = None,
) -> list[list[str]]:
    """Union-find over the pairs, strongest first; a join is refused when something tells the two groups
    apart, each group taken as one story (summed): a group's main person is surer than a one-article
    story's, so a stray name in one fragment does not keep an event split."""
    root = {s: s for s in by_id}
    members = {s: [s] for s in by_id}
    summed = dict(by_id)

    def find(s: str) -> str:
        while root[s] != s:
            root[s] = root[root[s]]
            s = root[s]
        return s

    def strongest_first(links: Mapping[tuple[str, str], Pair]) -> list[tuple[tuple[str, str], Pair]]:
        return sorted(links.items(), key=lambda item: (-item[1].score, item[0]))

    # Lone articles last, each to the group its best match is in by now.
    for (a, b), pair in [*strongest_first(pairs), *strongest_first(lone or {})]:
        ra, rb = find(a), find(b)
        if ra == rb or pair.apart or apart(summed[ra], summed[rb]):
            continue
        root[rb] = ra
        members[ra].extend(members.pop(rb))
        summed[ra] = combined(summed[ra], summed.pop(rb))
    return [sorted(group) for group in members.values() if len(group) > 1]


def combined(a: StoryProfile, b: StoryProfile) -> StoryProfile:
    """Two stories as one: names and articles summed, the time of the dated ones (both, if both are)."""
    names: dict[str, Name] = dict(a.names)
    for key, n in b.names.items():
        before = names.get(key)
        names[key] = (
            n if before is None else Name(before.type, before.articles + n.articles, before.mentions + n.mentions)
        )
    timed = [p for p in (a, b) if p.dated] or [a, b]
    return StoryProfile(
        story_id=a.story_id,
        article_count=a.article_count + b.article_count,
        first_seen=min(p.first_seen for p in timed),
        last_seen=max(p.last_seen for p in timed),
        dated=a.dated or b.dated,
        names=names,
        terms=a.terms | b.terms,
        words={k: a.words.get(k, 0.0) + b.words.get(k, 0.0) for k in a.words.keys() | b.words.keys()},
        leads=tuple(sorted(a.leads + b.leads)),
    )


def _best_link(story_id: str, members: list[str], pairs: Mapping[tuple[str, str], Pair]) -> Pair:
    links = [
        pairs[key]
        for other in members
        if other != story_id and (key := (min(story_id, other), max(story_id, other))) in pairs
    ]
    return max(links, key=lambda p: p.score)


def _reason(pair: Pair, threshold: float) -> str:
    if pair.score < threshold:
        return f"a lone article's clear best match: score {pair.score:.2f}, {LONE_MARGIN:g}x the next or more"
    return f"same event: score {pair.score:.2f} >= {threshold:.2f}; nothing tells them apart"
