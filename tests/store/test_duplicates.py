"""The near-duplicate core on the seeds: band keys, resemblance, the decision."""

from __future__ import annotations

import pytest

from newsflow_harness.corpus import CORPUS
from services.store.duplicates import BANDS, MIN_SHINGLES, band_keys, best_match, resemblance, word_shingles, words

SEEDS = CORPUS / "seeds"


@pytest.fixture(scope="module")
def seeds() -> list[str]:
    if not SEEDS.is_dir():
        pytest.skip(f"seed corpus not found at {SEEDS}")
    return [path.read_text() for path in sorted(SEEDS.glob("*.txt"))]


def test_band_keys_are_fixed_numbers_the_same_in_every_process():
    # Stored keys must match keys computed by another process or release: a fixed value.
    keys = band_keys(word_shingles("Iran urges countries to expel the MKO"))
    assert len(keys) == BANDS
    assert keys[:2] == [7531640758482465822, -1929353827880530901]
    assert all(-(2**63) <= key < 2**63 for key in keys)


def test_a_text_without_words_has_no_keys_and_resembles_nothing():
    assert band_keys(word_shingles(" -- ")) == []
    assert resemblance(word_shingles(""), word_shingles("Iran urges countries")) == 0.0


def test_a_trimmed_copy_with_a_footer_is_a_near_duplicate_of_its_seed(seeds):
    original = seeds[0]
    copy = original[: int(len(original) * 0.75)] + "\n\nSign up for our newsletter. Share this article."
    a, b = word_shingles(original), word_shingles(copy)
    assert resemblance(a, b) > 0.9
    assert set(band_keys(a)) & set(band_keys(b))  # found by index
    assert best_match(b, [("seed-000", original)]) is not None


def test_the_two_seeds_tell_one_story_in_different_words_and_are_not_duplicates(seeds):
    a, b = word_shingles(seeds[0]), word_shingles(seeds[1])
    assert resemblance(a, b) < 0.1
    assert not set(band_keys(a)) & set(band_keys(b))
    assert best_match(a, [("seed-003", seeds[1])]) is None


def test_a_short_sentence_found_inside_a_long_article_is_no_copy_of_it(seeds):
    sentence = "The MKO has a long history of killings and bombings against Iran's government and people."
    assert sentence in seeds[0]
    a, b = word_shingles(sentence), word_shingles(seeds[0])
    assert len(a) < MIN_SHINGLES
    assert resemblance(a, b) == len(a) / MIN_SHINGLES < 0.5
    assert resemblance(a, a) == 1.0  # but identical short texts are


def test_best_match_takes_the_closest_candidate(seeds):
    original = seeds[0]
    half = original[: len(original) // 2]
    shingles = word_shingles(half + " Follow us on Twitter.")
    match = best_match(shingles, [("seed-003", seeds[1]), ("half", half), ("whole", original)])
    assert match is not None
    assert match.article_id == "half"


def test_chinese_and_japanese_characters_are_words_of_their_own():
    assert words("商標法違反 iPhone") == ["商", "標", "法", "違", "反", "iphone"]
    assert words("류화영의 코스프레인가") == ["류화영의", "코스프레인가"]  # Korean writes spaces
