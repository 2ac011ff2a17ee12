from __future__ import annotations

import lxml.html

from services.parse.title import headline


def page(body: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(f"<html><body>{body}<p>text</p></body></html>")


def test_h1_that_agrees_with_og_title_wins_over_its_section_prefix():
    tree = page("<h1>Republicans Are Following Trump to Nowhere</h1>")
    assert headline(tree, ["Opinion | Republicans Are Following Trump to Nowhere"], "NYTimes") == (
        "Republicans Are Following Trump to Nowhere"
    )


def test_site_name_before_or_after_the_title_is_removed():
    tree = page("<h1>Menu</h1>")
    assert headline(tree, ["LinkNaija | Kate Henshaw stuns"], "LinkNaija") == "Kate Henshaw stuns"
    assert headline(tree, ["Story of the day - Entermedia"], None, "entermedia.co.kr") == "Story of the day"


def test_logo_and_section_headings_are_not_the_headline():
    tree = page("<h1>Games</h1><h1>엔터 미디어</h1>")
    assert headline(tree, [None, "The real headline"], None) == "The real headline"


def test_a_single_long_h1_is_the_headline_when_the_metadata_gives_an_seo_title():
    tree = page("<h1>Homemade Spiced Honey Pear Jam for the Holidays</h1>")
    assert headline(tree, ["Spiced Honey Pear Jam Recipe"], None) == "Homemade Spiced Honey Pear Jam for the Holidays"


def test_no_heading_and_no_metadata_is_no_title():
    assert headline(page(""), [None, ""], None) is None


def test_an_h1_built_from_several_elements_is_spelled_as_the_stated_title():
    tree = page("<h1><span>Ausschuss zur Ahrtal-Flut</span><span>Zwei Rücktritte - und viele Fragen</span></h1>")
    stated = ["Ausschuss zur Ahrtal-Flut: Zwei Rücktritte - und viele Fragen | tagesschau.de"]
    assert headline(tree, stated, "tagesschau.de") == "Ausschuss zur Ahrtal-Flut: Zwei Rücktritte - und viele Fragen"
    # Other words are another title: the h1 stays as it is.
    assert headline(tree, ["Ausschuss zur Flut: Zwei Rücktritte"], None) == (
        "Ausschuss zur Ahrtal-FlutZwei Rücktritte - und viele Fragen"
    )


def test_a_short_h1_that_begins_the_stated_title_before_a_separator_is_the_headline():
    tree = page("<h1>About bugs</h1>")
    assert headline(tree, ["About bugs – Vortex Cannon Entertainment"], None) == "About bugs"
    # Before a colon stands a kicker, not the headline.
    tree = page("<h1>Climate talks</h1>")
    assert headline(tree, ["Climate talks: what the delegates agreed on"], None) == (
        "Climate talks: what the delegates agreed on"
    )


def test_a_stated_title_that_adds_names_to_another_is_that_other_title():
    stated = ["Party vote fails again-정치ㅣ한국일보", "Party vote fails again"]
    assert headline(page(""), stated, None) == "Party vote fails again"
    assert headline(page(""), ["Site » World » Party vote fails", "Party vote fails"], None) == "Party vote fails"
    # A longer title that goes on in words is not the shorter one with names.
    assert headline(page(""), ["Party vote fails again", "Party vote"], None) == "Party vote fails again"


def test_a_title_stated_once_loses_a_short_name_after_its_last_separator():
    assert headline(page(""), [None, "Lorem ipsum dolor sit amet – My website"], None) == "Lorem ipsum dolor sit amet"
    # Figures or a small letter after the separator continue the title.
    assert headline(page(""), ["Friday Facts #282 - 0.17 in sight"], None) == "Friday Facts #282 - 0.17 in sight"
    assert headline(page(""), ["Markets after the vote - again"], None) == "Markets after the vote - again"
    # Two sources that disagree: the names are not known to be names.
    stated = ["Lorem ipsum dolor sit amet – My website", "Lorem ipsum"]
    assert headline(page(""), stated, None) == "Lorem ipsum dolor sit amet – My website"
