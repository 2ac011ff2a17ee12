from __future__ import annotations

from newsflow_schemas import Entity, Mention, Role
from services.enrich.core import enrich
from services.enrich.model import sentence_parser
from services.enrich.quotes import quotes

from .conftest import MODEL


def _person(text: str, name: str, *forms: str, roles: list[Role] | None = None) -> Entity:
    spans = []
    for form in (name, *forms):
        start = text.index(form)
        while start >= 0:
            spans.append(Mention(start=start, end=start + len(form), text=form))
            start = text.find(form, start + len(form))
    spans = sorted({(s.start, s.end): s for s in spans}.values(), key=lambda s: s.start)
    return Entity(
        name=name, type="PERSON", mentions=len(spans), surface_forms=[name, *forms], spans=spans, roles=roles or []
    )


def test_a_short_quoted_phrase_without_a_reporting_verb_is_a_scare_quote():
    text = "The West is “granting immunity” to the group."
    assert quotes(text, []) == []


def test_pronoun_speaker_is_the_subject_of_the_last_sentence_naming_a_person():
    text = "Jane Doe met John Roe on Monday. “We will not give up on this fight,” she said."
    found = quotes(text, [_person(text, "Jane Doe"), _person(text, "John Roe")])
    assert [(q.kind, q.speaker, q.cue, q.text) for q in found] == [
        ("direct", "Jane Doe", "said", "We will not give up on this fight")
    ]


def test_a_document_speaks_for_whoever_wrote_it():
    text = (
        "Jane Doe, a senator, wrote a letter to John Roe. "
        "“The decision must be reversed before the vote next week,” the letter read."
    )
    found = quotes(text, [_person(text, "Jane Doe"), _person(text, "John Roe")])
    assert [(q.speaker, q.speaker_text, q.cue) for q in found] == [("Jane Doe", "the letter", "read")]


def test_reported_speech_is_indirect_with_its_speaker():
    text = (
        "Jane Doe said that the budget would be cut by a third next year. "
        "The plan is fair and overdue, she said, adding that unions were consulted at length. "
        "According to Doe, the vote will be held in spring."
    )
    found = quotes(text, [_person(text, "Jane Doe", "Doe")])
    assert [(q.kind, q.speaker, q.text) for q in found] == [
        ("indirect", "Jane Doe", "the budget would be cut by a third next year"),
        ("indirect", "Jane Doe", "The plan is fair and overdue"),
        ("indirect", "Jane Doe", "unions were consulted at length"),
        ("indirect", "Jane Doe", "the vote will be held in spring"),
    ]
    for q in found:
        assert text[q.start : q.end] == q.text


def test_seed_000_quotes_from_the_letter_are_gharibabadis(nlp, seed_000):
    enriched = enrich(seed_000, nlp, MODEL)
    direct = [q for q in enriched.quotes if q.kind == "direct"]
    assert len(direct) == 4
    assert {q.speaker for q in direct} == {"Kazem Gharibabadi"}
    assert {q.speaker_text for q in direct} == {"the letter", "he"}
    assert "granting immunity" not in [q.text for q in enriched.quotes]


def test_several_sentences_in_one_pair_of_quotation_marks_are_one_quote_with_the_cue_after():
    text = "Jane Doe spoke on Monday. “We will win. The vote is ours,” Jane Doe said."
    found = quotes(text, [_person(text, "Jane Doe")])
    assert [(q.kind, q.speaker, q.text) for q in found] == [("direct", "Jane Doe", "We will win. The vote is ours")]


def test_a_quotation_standing_alone_after_a_cued_one_has_the_same_speaker():
    text = "“We will win,” Jane Doe said. “Yes.” John Roe met her. “No deal,” he wrote."
    found = quotes(text, [_person(text, "Jane Doe"), _person(text, "John Roe")])
    assert [(q.speaker, q.text) for q in found] == [
        ("Jane Doe", "We will win"),
        ("Jane Doe", "Yes"),
        ("John Roe", "No deal"),
    ]


def test_a_quotation_after_a_sentence_without_quotes_keeps_no_borrowed_speaker():
    text = "“We will win,” Jane Doe said. The vote is on Monday. “Nothing will stop the people of this state.”"
    found = quotes(text, [_person(text, "Jane Doe")])
    assert [(q.speaker, q.text) for q in found] == [
        ("Jane Doe", "We will win"),
        (None, "Nothing will stop the people of this state"),
    ]


def test_reported_speech_without_that_is_the_clause_after_a_named_speaker():
    text = "Jane Doe met voters in Ohio. Jane Doe said the new tax plan would hurt families. She said in an interview."
    found = quotes(text, [_person(text, "Jane Doe")])
    assert [(q.kind, q.speaker, q.cue, q.text) for q in found] == [
        ("indirect", "Jane Doe", "said", "the new tax plan would hurt families")
    ]


def test_a_quotation_without_a_reporting_verb_is_given_to_the_person_who_introduced_it():
    text = "Ted Cruz hit back at the moderators: “The questions asked in this debate were unfair to all of us.”"
    found = quotes(text, [_person(text, "Ted Cruz")])
    assert [(q.speaker, q.cue, q.text) for q in found] == [
        ("Ted Cruz", None, "The questions asked in this debate were unfair to all of us")
    ]


def _parsed(nlp):
    parse = sentence_parser(nlp)
    assert parse is not None
    return parse


def test_the_parse_reads_plural_and_organisation_subjects_and_a_wider_verb_list(nlp):
    text = (
        "Officials warned the new rules would raise prices for most families. "
        "The campaign told reporters that the senator would not attend the debate. "
        "Jane Doe met voters on Monday."
    )
    found = quotes(text, [_person(text, "Jane Doe")], _parsed(nlp))
    assert [(q.kind, q.speaker_text, q.cue, q.text) for q in found] == [
        ("indirect", "Officials", "warned", "the new rules would raise prices for most families"),
        ("indirect", "The campaign", "told", "the senator would not attend the debate"),
    ]


def test_according_to_in_mid_sentence_gives_the_rest_of_the_clause(nlp):
    text = "The plan would cost about $5 billion over ten years, according to Jane Doe, who chairs the panel."
    found = quotes(text, [_person(text, "Jane Doe")], _parsed(nlp))
    assert [(q.speaker, q.cue, q.text) for q in found] == [
        ("Jane Doe", "according", "The plan would cost about $5 billion over ten years")
    ]


def test_a_quoted_fragment_inside_a_paraphrase_is_one_quote_of_the_clause_subject(nlp):
    text = "Jane Doe met voters. John Roe said the governor is “not smart enough to win” and should quit the race."
    people = [_person(text, "Jane Doe"), _person(text, "John Roe")]
    found = quotes(text, people, _parsed(nlp))
    assert [(q.kind, q.speaker) for q in found] == [("indirect", "John Roe")]
    assert found[0].text.startswith("the governor is “not smart enough to win”")


def test_without_the_parser_the_regular_expressions_still_read_reported_speech(nlp):
    text = (
        "Officials warned the new rules would raise prices for most families. "
        "Jane Doe said that taxes will rise next year."
    )
    found = quotes(text, [_person(text, "Jane Doe")])
    assert [(q.speaker, q.text) for q in found] == [("Jane Doe", "taxes will rise next year")]


def test_he_is_not_a_person_named_inside_the_quotation_before():
    text = "“Nobody will beat John Roe in the primary this year,” Jane Doe said. “He has the money,” she added."
    found = quotes(text, [_person(text, "Jane Doe"), _person(text, "John Roe")])
    assert [(q.speaker, q.speaker_text) for q in found] == [("Jane Doe", "Jane Doe"), ("Jane Doe", "she")]


def test_she_passes_over_a_person_the_text_shows_to_be_a_man():
    text = (
        "Kim Moss spoke for an hour and she took questions; she smiled. Mr. Lee Park met Kim Moss on Monday. "
        "“We will not give up on this fight,” she said."
    )
    found = quotes(text, [_person(text, "Lee Park"), _person(text, "Kim Moss")])
    assert [q.speaker for q in found] == ["Kim Moss"]


def test_a_speaker_named_with_a_place_in_front_is_the_person(nlp):
    text = "UK party leader Nigel Farage said the warning showed the president did not know the facts."
    people = [_person(text, "Nigel Farage")]
    uk = Entity(
        name="United Kingdom", type="GPE", mentions=1, surface_forms=["UK"], spans=[Mention(start=0, end=2, text="UK")]
    )
    found = quotes(text, [*people, uk], _parsed(nlp))
    assert [(q.speaker, q.speaker_text) for q in found] == [("Nigel Farage", "UK party leader Nigel Farage")]


def test_a_cue_after_the_quotation_may_put_words_before_the_name_or_an_aside_after_it():
    text = (
        "Jane Doe met voters. “The state was ready days before,” Snyder spokesman John Roe told the paper. "
        "“That is a legitimate concern for all of us,” Doe, 69, told reporters. “It is over,” Doe concludes."
    )
    found = quotes(text, [_person(text, "Jane Doe", "Doe"), _person(text, "John Roe")])
    assert [(q.speaker, q.cue) for q in found] == [
        ("John Roe", "told"),
        ("Jane Doe", "told"),
        ("Jane Doe", "concludes"),
    ]


def test_a_quotation_no_regex_cue_explains_goes_to_the_subject_of_the_verb_of_saying(nlp):
    text = (
        "Jane Doe met John Roe on Tuesday and later told reporters in a long call, “We have won the vote in the state.”"
    )
    people = [_person(text, "Jane Doe"), _person(text, "John Roe")]
    assert [q.speaker for q in quotes(text, people)] == ["John Roe"]  # the regexes: the person named last
    found = quotes(text, people, _parsed(nlp))
    assert [(q.kind, q.speaker, q.cue) for q in found] == [("direct", "Jane Doe", "told")]
