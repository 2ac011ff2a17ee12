from __future__ import annotations

import re

from services.enrich.fingerprint import hamming, shingles, simhash

from .conftest import seed_text


def test_identical_text_has_identical_fingerprint():
    text = seed_text("000")
    assert simhash(text) == simhash(str(text))
    assert re.fullmatch(r"[0-9a-f]{16}", simhash(text))


def test_fingerprint_is_stable_across_processes():
    # A fixed value: Python's salted hash() would change it from run to run.
    assert simhash("Iran urges countries to expel the MKO") == "86cabb81d421f612"


def test_lightly_edited_copy_is_a_few_bits_away():
    text = seed_text("000")
    edited = (
        text.replace("on Tuesday", "on Wednesday")
        .replace("notorious", "infamous")
        .replace("Every year", "Each year")
        .replace("All Content by Mehr News Agency", "All content by MNA")
    )
    assert edited != text
    assert hamming(simhash(text), simhash(edited)) < 10


def test_unrelated_seeds_are_far_apart():
    assert hamming(simhash(seed_text("000")), simhash(seed_text("003"))) > 20


def test_shingles_are_three_lower_cased_words():
    assert shingles("The MKO, the group.") == ["the mko the", "mko the group"]
    assert shingles("Two words") == ["two words"]
    assert simhash("") == simhash("  --  ") == "0000000000000000"


def test_hamming_counts_differing_bits():
    assert hamming("0000000000000000", "ffffffffffffffff") == 64
    assert hamming("00000000000000f0", "0000000000000010") == 3
