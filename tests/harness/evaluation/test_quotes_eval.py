"""The scoring of `newsflow eval quotes`: which attributions are quotes, matching and speakers."""

from __future__ import annotations

from newsflow_harness.evaluation.quotes import (
    FoundQuote,
    QuoteScore,
    QuotesDocument,
    gold_quotes,
    quote_kind,
    regex_quotes,
    score_document,
)

TEXT = 'Jane Doe said the plan was "a disaster for everyone." He said taxes would rise. Polls believe it.'
ANN = "\n".join(
    [
        "T1\tSource 0 8\tJane Doe",
        "T2\tCue 9 13\tsaid",
        'T3\tContent 14 53\tthe plan was "a disaster for everyone."',
        "E1\tAttribution:T2 Content:T3 Cue:T2 Source:T1",
        "T4\tSource 54 56\tHe",
        "T5\tCue 57 61\tsaid",
        "T6\tContent 62 79\ttaxes would rise.",
        "E2\tAttribution:T5 Content:T6 Cue:T5 Source:T4",
        "T7\tSource 80 85\tPolls",
        "T8\tCue 86 93\tbelieve",
        "T9\tContent 94 96\tit",
        "E3\tAttribution:T8 Content:T9 Cue:T8 Source:T7",
    ]
)


def test_quotes_are_quoted_content_or_a_verb_of_saying_by_kind() -> None:
    assert quote_kind('"We will win."', "said") == "direct"
    assert quote_kind('the plan was "a disaster"', "said") == "mixed"
    assert quote_kind("taxes would rise", "told reporters") == "indirect"
    assert quote_kind("it", "believe") is None


def test_gold_quotes_resolve_a_pronoun_source_to_the_earlier_name() -> None:
    gold = gold_quotes(TEXT, ANN)
    assert [(g.kind, g.source, g.source_name) for g in gold] == [
        ("mixed", "Jane Doe", "Jane Doe"),
        ("indirect", "He", "Jane Doe"),
    ]


def test_matching_needs_half_the_words_and_the_speaker_a_shared_name_word() -> None:
    document = QuotesDocument("d", TEXT, gold_quotes(TEXT, ANN))
    score = QuoteScore()
    found = [
        FoundQuote(27, 52, "Jane Doe"),  # "a disaster for everyone.": 4 of 7 words, Dice 0.73
        FoundQuote(62, 78, "Doe"),  # right quote, the pronoun's antecedent
        FoundQuote(94, 96, "Polls"),  # a belief, not a quote
    ]
    score_document(score, document, found)
    assert (score.found, score.gold, score.matched, score.right_speaker) == (3, 2, 2, 2)
    assert score.matched_by_kind == {"direct": 0, "mixed": 1, "indirect": 1}
    assert round(score.pair_f1, 3) == round(2 * (2 / 3) * 1 / (2 / 3 + 1), 3)
    wrong = QuoteScore()
    score_document(wrong, document, [FoundQuote(0, 20, "Smith"), FoundQuote(62, 78, "Smith")])
    assert (wrong.matched, wrong.right_speaker) == (1, 0)


def test_the_peer_takes_the_nearest_person_outside_the_quote() -> None:
    text = 'Ann Lee met Bob Ray. "We talked about it," Bob Ray said. "Yes," said Ann Lee.'
    found = regex_quotes(text, [(0, 7), (12, 19), (43, 50), (69, 76)])
    assert [(text[f.start : f.end], f.speaker) for f in found] == [("We talked about it,", "Bob Ray")]
