"""Pure enrichment: ParsedArticle -> EnrichedArticle.

Language, then - for a language the model reads - entities with roles, quotes, figures, keywords,
topics, countries and tone; for any language the fingerprint and word count.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from spacy.language import Language
from spacy.tokens import Doc

from newsflow_schemas import EnrichedArticle, Entity, ParsedArticle

from .entities import entities_from_doc
from .figures import figures
from .fingerprint import simhash
from .keywords import keywords
from .language import MIN_PROSE_LETTERS, connecting_words, detect_language, prose
from .model import Parser, sentence_parser
from .places import country_code, main_country
from .quotes import quotes
from .tone import tone
from .topics import topics

# The dateline city says where the story happened: it weighs as much as this many mentions.
DATELINE_WEIGHT = 2

# spaCy refuses texts over nlp.max_length (1,000,000 characters) and its memory grows with the text;
# a news article longer than this is almost always a scraping accident.
MAX_NER_CHARS = 100_000
# Texts nlp.pipe runs together: 8 is as fast as 32 on the dev pages and peaks 160 MB lower.
NLP_BATCH = 8
# ... and their characters: memory grows with the text, so 8 articles cut at MAX_NER_CHARS run in smaller
# batches (8 of 1 M characters once took 596 MB, over the 400 MB budget).
MAX_NLP_BATCH_CHARS = 200_000


class _Plan(NamedTuple):
    """What enrichment decided before running the model."""

    language: str | None
    confidence: float | None
    ner_text: str | None  # None: NER does not run
    warnings: list[str]


def enrich(
    article: ParsedArticle, nlp: Language, model_name: str, *, max_chars: int = MAX_NER_CHARS
) -> EnrichedArticle:
    """The article with its language, entities, fingerprint and word count."""
    plan = _plan(article, nlp.lang or "", max_chars)
    doc = nlp(plan.ner_text) if plan.ner_text is not None else None
    return _enriched(article, plan, doc, model_name, sentence_parser(nlp))


def enrich_many(
    articles: list[ParsedArticle],
    nlp: Language,
    model_name: str,
    *,
    max_chars: int = MAX_NER_CHARS,
    batch_size: int = NLP_BATCH,
) -> list[EnrichedArticle]:
    """The same as `enrich` on each article, with NER batched through `nlp.pipe`."""
    plans = [_plan(article, nlp.lang or "", max_chars) for article in articles]
    docs = _docs(nlp, [p.ner_text for p in plans if p.ner_text is not None], batch_size)
    parse = sentence_parser(nlp)
    return [
        _enriched(article, plan, next(docs) if plan.ner_text is not None else None, model_name, parse)
        for article, plan in zip(articles, plans, strict=True)
    ]


def _docs(nlp: Language, texts: list[str], batch_size: int) -> Iterator[Doc]:
    """nlp.pipe over `texts` in batches of at most `batch_size` texts and MAX_NLP_BATCH_CHARS characters;
    lazily, so only one batch's docs are alive at a time."""
    batch: list[str] = []
    for text in texts:
        if batch and (len(batch) == batch_size or sum(map(len, batch)) + len(text) > MAX_NLP_BATCH_CHARS):
            yield from nlp.pipe(batch, batch_size=len(batch))
            batch = []
        batch.append(text)
    if batch:
        yield from nlp.pipe(batch, batch_size=len(batch))


def _plan(article: ParsedArticle, model_language: str, max_chars: int) -> _Plan:
    warnings = list(article.warnings)
    whole = "\n".join(filter(None, [article.title, article.body]))
    # The language of the prose: a results table's names read as Pidgin or Dutch.
    sentences = prose(whole)
    language, confidence = detect_language(sentences)
    if sum(ch.isalpha() for ch in sentences) < MIN_PROSE_LETTERS:
        # Little prose (a results table, a list of prices): the few sentences and the table's connecting
        # words ("of", "first division", "not out") each give a guess, and the surer one counts.
        language, confidence = max(
            (language, confidence), detect_language(connecting_words(whole)), key=lambda reading: reading[1]
        )
    if language is None and not article.language:
        # Without any, the declared language; without one, the whole text.
        language, confidence = detect_language(whole)
    # The page's own claim counts only when the text is too short to judge.
    judged = language or _primary_subtag(article.language)
    if judged != model_language:
        reason = f"language {judged!r} not supported" if judged else "language unknown"
        # Every reader below NER (quotes, figures, keywords, topics, tone) is English-only too.
        warnings.append(f"ner, quotes, figures, keywords, topics and tone skipped: {reason}")
        return _Plan(language, confidence if language else None, None, warnings)
    text = article.body
    if len(text) > max_chars:
        # Cut at a space so that the last word is not half a name.
        boundary = max(text.rfind(" ", 0, max_chars), text.rfind("\n", 0, max_chars))
        text = text[: boundary if boundary > 0 else max_chars]
        warnings.append(f"ner truncated: read the first {len(text)} of {len(article.body)} characters")
    return _Plan(language, confidence if language else None, text, warnings)


def _enriched(
    article: ParsedArticle, plan: _Plan, doc: Doc | None, model_name: str, parse: Parser | None
) -> EnrichedArticle:
    fields = {
        **article.model_dump(),
        "detected_language": plan.language,
        "language_confidence": plan.confidence,
        "fingerprint": simhash(article.body),
        "word_count": count_words(article.body),
        "warnings": plan.warnings,
    }
    if doc is not None:
        # The text the model read: doc.text would join every token's text anew (3 ms on a long article).
        text = plan.ner_text if plan.ner_text is not None else doc.text
        entities = entities_from_doc(doc, text)
        codes = _country_weights(article, entities)
        fields |= {
            "entities": entities,
            "ner_model": model_name,
            "quotes": quotes(text, entities, parse),
            "figures": figures(text),
            "keywords": keywords(article.title, text),
            "topics": topics(article.title, text),
            # Ties in the order of first mention: a set's order changes with each process's hash seed, and a
            # redelivered article enriched by another process must come out the same (else "updated").
            "countries": sorted(
                dict.fromkeys(code for code, _ in codes), key=lambda c: -sum(w for k, w in codes if k == c)
            ),
            "main_country": main_country(codes),
            "tone": tone(text),
        }
    return EnrichedArticle.model_validate(fields)


def _country_weights(article: ParsedArticle, entities: list[Entity]) -> list[tuple[str, int]]:
    """(country code, weight) for every place and nationality named, and the dateline city."""
    weights = [(e.country, e.mentions) for e in entities if e.country]
    city = article.dateline.city if article.dateline else None
    code = country_code(city, "GPE") if city else None
    if code:
        weights.append((code, DATELINE_WEIGHT))
    return weights


def count_words(text: str) -> int:
    """Whitespace-separated words with at least one letter or digit ("12,000" is one, "–" none)."""
    return sum(1 for word in text.split() if any(ch.isalnum() for ch in word))


def _primary_subtag(tag: str | None) -> str | None:
    """The language part of a BCP 47 tag: en-US -> en."""
    if not tag:
        return None
    return tag.replace("_", "-").split("-")[0].lower() or None
