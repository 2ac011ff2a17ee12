from __future__ import annotations

import json

import lxml.html

from services.parse.jsonld import MAX_BLOCK_CHARS, read_linked_data


def page(*blocks: object) -> lxml.html.HtmlElement:
    scripts = "".join(
        f'<script type="application/ld+json">{b if isinstance(b, str) else json.dumps(b)}</script>' for b in blocks
    )
    return lxml.html.document_fromstring(f"<html><head>{scripts}</head><body><p>x</p></body></html>")


def test_news_article_gives_headline_people_dates_and_image():
    found = read_linked_data(
        page(
            {
                "@type": "NewsArticle",
                "headline": "Chelsea pay &#163;71.6m",
                "author": [{"@type": "Person", "name": "Sarah E. Needleman"}, {"@type": "Organization", "name": "WSJ"}],
                "datePublished": "2019-11-19T13:03:00Z",
                "dateModified": "2019-11-19T14:00:00Z",
                "image": {"@type": "ImageObject", "url": "https://img.example/a.jpg"},
            }
        )
    )
    assert found.headline == "Chelsea pay £71.6m"
    assert found.authors == ["Sarah E. Needleman"]
    assert (found.published, found.modified) == ("2019-11-19T13:03:00Z", "2019-11-19T14:00:00Z")
    assert found.image == "https://img.example/a.jpg"


def test_author_referenced_by_id_in_a_graph_is_resolved():
    graph = {
        "@graph": [
            {"@type": "WebPage", "datePublished": "2018-01-01"},
            {"@type": "Article", "author": {"@id": "#p1"}, "datePublished": "2018-04-09"},
            {"@type": ["Person"], "@id": "#p1", "name": "Josh"},
        ]
    }
    found = read_linked_data(page(graph))
    assert found.authors == ["Josh"]
    assert found.published == "2018-04-09"  # the article, not the page around it


def test_broken_and_oversized_blocks_are_skipped():
    huge = json.dumps({"@type": "NewsArticle", "headline": "x" * MAX_BLOCK_CHARS})
    found = read_linked_data(page("{not json", huge, {"@type": "NewsArticle", "headline": "Kept"}))
    assert found.headline == "Kept"


def test_page_without_linked_data_gives_nothing():
    assert read_linked_data(page()).authors == []


def test_json_ld_in_a_cdata_wrapper_is_read():
    article = json.dumps({"@type": "NewsArticle", "headline": "Wrapped", "datePublished": "2024-12-06T22:00:40Z"})
    for wrapped in (f"\n  <![CDATA[\n  {article}\n  ]]>\n", f"//<![CDATA[\n{article}\n//]]>"):
        found = read_linked_data(page(wrapped))
        assert (found.headline, found.published) == ("Wrapped", "2024-12-06T22:00:40Z")
