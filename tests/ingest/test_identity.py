"""Article ids are stable: the same page or text always gets the same id."""

from services.ingest.identity import article_id_for, canonical_url, find_canonical_url


def test_tracking_parameters_fragment_and_case_do_not_change_the_url() -> None:
    assert canonical_url("HTTPS://Example.COM/news/story/?utm_source=x&b=2&a=1#top") == (
        "https://example.com/news/story?a=1&b=2"
    )


def test_the_same_url_gives_the_same_id_whatever_the_content() -> None:
    first = article_id_for("https://example.com/a?utm_medium=rss", "one version")
    assert first == article_id_for("https://example.com/a", "another version")
    assert len(first) == 32


def test_without_url_the_id_follows_the_normalised_content() -> None:
    assert article_id_for(None, "Tehran  said\n\nthis") == article_id_for(None, "tehran said this")
    assert article_id_for(None, "Tehran said this") != article_id_for(None, "Tehran said that")


def test_canonical_link_is_found_in_the_page_head() -> None:
    page = (
        '<html><head><meta property="og:url" content="https://b.example/x">'
        '<link href="https://a.example/story" rel="canonical"></head>'
    )
    assert find_canonical_url(page) == "https://a.example/story"
    assert find_canonical_url('<meta property="og:url" content="https://b.example/x">') == "https://b.example/x"
    assert find_canonical_url("<p>no head</p>") is None
