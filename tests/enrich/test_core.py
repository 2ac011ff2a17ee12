from __future__ import annotations

from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

from newsflow_schemas import EnrichedArticle, ParsedArticle
from services.enrich.core import MAX_NLP_BATCH_CHARS, count_words, enrich, enrich_many
from services.enrich.fingerprint import simhash

from .conftest import GERMAN, MODEL, article


def _by_name(enriched: EnrichedArticle) -> dict[tuple[str, str], int]:
    return {(e.type, e.name): e.mentions for e in enriched.entities}


def test_seed_000_names_its_people_and_the_mko(nlp, seed_000):
    enriched = enrich(seed_000, nlp, MODEL)

    assert enriched.detected_language == "en"
    assert enriched.ner_model == MODEL
    assert enriched.warnings == []
    found = _by_name(enriched)
    # Every use of the surname counts for the full name, also the one the small model misses.
    assert found[("PERSON", "Kazem Gharibabadi")] == seed_000.body.count("Gharibabadi") == 3
    assert found[("PERSON", "Antonio Guterres")] == 1
    assert found[("PERSON", "John Bolton")] == 1
    # "the United States" and "U.S." are one country, named as GeoNames names it.
    united_states = next(e for e in enriched.entities if e.name == "United States")
    assert (united_states.type, united_states.country, united_states.mentions) == ("GPE", "US", 3)
    assert set(united_states.surface_forms) == {"United States", "U.S."}
    mko = next(e for e in enriched.entities if e.name == "Mujahedin-e-Khalq Organization")
    assert mko.type == "ORG"
    assert mko.surface_forms[:2] == ["Mujahedin-e-Khalq Organization", "MKO"]
    # The organisation dominates the article, so "the group" and "the organization" mean it.
    nominal = [f for f in mko.surface_forms if f.lower().startswith("the")]
    assert "the group" in nominal and "the organization" in nominal
    assert mko.mentions == 1 + seed_000.body.count("MKO") + sum(seed_000.body.count(f) for f in nominal)


def test_seed_003_names_gharibabadi_the_mko_and_soleimani(nlp, seed_003):
    enriched = enrich(seed_003, nlp, MODEL)

    found = _by_name(enriched)
    assert found[("PERSON", "Kazem Gharibabadi")] == seed_003.body.count("Gharibabadi") == 4
    assert found[("PERSON", "Qassem Soleimani")] == 1
    assert found[("ORG", "Mujahedin-e-Khalq Organization")] == (
        1 + seed_003.body.count("MKO") + seed_003.body.count("the group")
    )


def test_each_entity_is_listed_once(nlp, seed_000, seed_003):
    for seed in (seed_000, seed_003):
        keys = [(e.type, e.name) for e in enrich(seed, nlp, MODEL).entities]
        assert len(keys) == len(set(keys))


def test_spans_are_character_offsets_into_the_body(nlp, seed_000, seed_003):
    for seed in (seed_000, seed_003):
        for entity in enrich(seed, nlp, MODEL).entities:
            assert entity.mentions == len(entity.spans)
            assert {span.text for span in entity.spans} == set(entity.surface_forms)
            for span in entity.spans:
                assert seed.body[span.start : span.end] == span.text


def test_german_article_gets_no_entities_and_a_warning(nlp):
    enriched = enrich(article(GERMAN, warnings=["from parse"]), nlp, MODEL)

    assert enriched.detected_language == "de"
    assert enriched.entities == []
    assert enriched.ner_model is None
    assert enriched.warnings == [
        "from parse",
        "ner, quotes, figures, keywords, topics and tone skipped: language 'de' not supported",
    ]
    assert enriched.fingerprint == simhash(GERMAN)


def test_short_text_falls_back_to_the_declared_language(nlp):
    declared_en = enrich(article("Angela Merkel spoke.", language="en-GB"), nlp, MODEL)
    declared_de = enrich(article("Angela Merkel sprach.", language="de"), nlp, MODEL)
    undeclared = enrich(article("Angela Merkel spoke."), nlp, MODEL)

    assert declared_en.detected_language is None
    assert declared_en.language_confidence is None
    assert declared_en.ner_model == MODEL
    assert declared_de.ner_model is None
    assert declared_de.warnings == [
        "ner, quotes, figures, keywords, topics and tone skipped: language 'de' not supported"
    ]
    assert undeclared.warnings == ["ner, quotes, figures, keywords, topics and tone skipped: language unknown"]


# A results table: hardly any prose, and its club names read as Polish.
RESULTS_TABLE = """SOCCER - POLISH FIRST DIVISION RESULTS .
Results of Polish first division
soccer matches on Saturday :
Amica Wronki 3 Hutnik Krakow 0
Sokol Tychy 5 Lech Poznan 3
Rakow Czestochowa 1 Stomil Olsztyn 4
Wisla Krakow 1 Gornik Zabrze 0
Slask Wroclaw 1 Odra Wodzislaw 1
GKS Katowice 1 Polonia Warszawa 1"""
GERMAN_TABLE = """FUSSBALL - ERGEBNISSE DER BUNDESLIGA
Ergebnisse der Spiele vom Samstag :
Borussia Dortmund gegen Werder Bremen 3:1
Hansa Rostock gegen Hertha Berlin 0:0
Bayer Leverkusen gegen Eintracht Frankfurt 2:2 nach Verlaengerung
Karlsruher SC gegen Hamburger SV 1:0 wegen Regen abgebrochen"""


def test_a_results_table_reads_as_english_by_its_connecting_words(nlp):
    enriched = enrich(article(RESULTS_TABLE), nlp, MODEL)

    assert enriched.detected_language == "en"
    assert enriched.ner_model == MODEL
    assert enriched.warnings == []


def test_a_german_results_table_is_still_german(nlp):
    enriched = enrich(article(GERMAN_TABLE), nlp, MODEL)

    assert enriched.detected_language == "de"
    assert enriched.ner_model is None


def test_parsed_fields_are_carried_over(nlp, seed_003):
    parsed = seed_003.model_copy(update={"title": "Iran urges expulsion of MKO", "agency": "MNA"})
    enriched = enrich(parsed, nlp, MODEL)

    assert enriched.model_dump(include=set(ParsedArticle.model_fields)) == parsed.model_dump()


def test_long_body_is_cut_for_ner_with_a_warning(nlp, seed_000):
    enriched = enrich(seed_000, nlp, MODEL, max_chars=500)

    assert len(enriched.warnings) == 1
    assert enriched.warnings[0].startswith("ner truncated: read the first ")
    assert enriched.warnings[0].endswith(f" of {len(seed_000.body)} characters")
    assert all(span.end <= 500 for e in enriched.entities for span in e.spans)
    # The fingerprint and the word count still cover the whole body.
    assert enriched.fingerprint == enrich(seed_000, nlp, MODEL).fingerprint
    assert enriched.word_count == count_words(seed_000.body)


def test_enrich_many_equals_enrich_one_by_one(nlp, seed_000, seed_003):
    articles = [seed_000, article(GERMAN), seed_003, article("Angela Merkel spoke.", language="en"), seed_000]

    assert enrich_many(articles, nlp, MODEL, batch_size=2) == [enrich(a, nlp, MODEL) for a in articles]


def test_word_count_skips_pieces_without_letters_or_digits():
    assert count_words("Iran – and the U.S. agreed on 12,000 items.") == 8
    assert count_words("  \n ") == 0


class _BatchSizes:
    """A real spaCy component that records the characters of every batch nlp.pipe hands it."""

    def __init__(self) -> None:
        self.batches: list[int] = []

    def __call__(self, doc: Doc) -> Doc:
        self.batches.append(len(doc.text))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        for batch in minibatch(docs, size=batch_size):
            self.batches.append(sum(len(doc.text) for doc in batch))
            yield from batch


def test_ner_batches_are_bounded_by_characters_not_only_by_count() -> None:
    # 8 articles of 1 M characters once took 49 s and 596 MB in one batch: NER reads at most
    # MAX_NER_CHARS of each, and nlp.pipe holds at most MAX_NLP_BATCH_CHARS at once.
    recorder = _BatchSizes()
    nlp = spacy.blank("en")
    Language.component("batch_sizes", func=recorder)  # type: ignore[arg-type]
    nlp.add_pipe("batch_sizes")
    long = "The minister said the talks in Geneva would go on next week. " * 2_000  # 124,000 characters
    articles = [article(long, article_id=f"long-{i}") for i in range(4)]

    enriched = enrich_many(articles, nlp, "blank")

    assert len(enriched) == 4 and all(e.word_count == 24_000 for e in enriched)
    assert all(any("ner truncated" in w for w in e.warnings) for e in enriched)
    assert recorder.batches and max(recorder.batches) <= MAX_NLP_BATCH_CHARS
