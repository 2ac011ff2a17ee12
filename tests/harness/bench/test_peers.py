"""The pure parts of services/bench/peers.py: page cycling, the worker's result line, the report rows.

No venv is created and nothing is installed: the worker's output is faked as a string.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from newsflow_harness.bench import peers

ROW_KEYS = {
    "name",
    "version",
    "mode",
    "timed_call",
    "articles",
    "seconds",
    "articles_per_s",
    "ms_per_article",
    "peak_rss_mb",
    "errors",
    "error_kinds",
    "empty",
    "net_attempts",
    "note",
    "install_s",
    "error",
}


def test_cycle_to_repeats_in_order_up_to_n() -> None:
    assert peers.cycle_to(["a", "b", "c"], 7) == ["a", "b", "c", "a", "b", "c", "a"]
    assert peers.cycle_to(["a", "b", "c"], 2) == ["a", "b"]
    assert peers.cycle_to(["a"], 0) == []
    assert peers.cycle_to([], 5) == []
    with pytest.raises(ValueError):
        peers.cycle_to(["a"], -1)


def test_load_pages_cycles_pages_with_their_ground_truth_urls(tmp_path: Path) -> None:
    html_dir = tmp_path / "html"
    html_dir.mkdir()
    for page_id in ("p1", "p2"):
        (html_dir / f"{page_id}.html.gz").write_bytes(gzip.compress(f"<p>{page_id}</p>".encode()))
    (tmp_path / "ground-truth.json").write_text(json.dumps({"p1": {"url": "https://a.example/1", "articleBody": ""}}))

    pages = peers.load_pages(html_dir, 5)

    assert [html for html, _ in pages] == ["<p>p1</p>", "<p>p2</p>"] * 2 + ["<p>p1</p>"]
    assert pages[0][1] == "https://a.example/1"
    assert pages[1][1] == ""  # no ground-truth entry


def fake_worker_stdout() -> str:
    result = {
        "version": "2.3.1",
        "mode": "extract",
        "note": "",
        "articles": 300,
        "seconds": 5.0,
        "articles_per_s": 60.0,
        "ms_per_article": 16.67,
        "peak_rss_mb": 117.2,
        "errors": 1,
        "empty": 0,
        "error_kinds": {"ValueError: bad page": 1},
        "net_attempts": 0,
    }
    # A stray print from a peer, then the result line.
    return "loading model...\n" + peers.RESULT_PREFIX + json.dumps(result) + "\n"


def test_parse_worker_output_finds_the_result_line() -> None:
    result = peers.parse_worker_output(fake_worker_stdout())
    assert result["articles_per_s"] == 60.0
    with pytest.raises(ValueError):
        peers.parse_worker_output("Traceback ...\n")


def test_row_from_worker_output_has_the_report_shape() -> None:
    peer = next(p for p in peers.PEERS if p.name == "trafilatura")
    row = peers.make_row(peer, peers.parse_worker_output(fake_worker_stdout()), 9.8, None)

    assert set(row) == ROW_KEYS
    assert (row["name"], row["articles"], row["articles_per_s"], row["errors"], row["error"]) == (
        "trafilatura",
        300,
        60.0,
        1,
        None,
    )
    json.dumps(row)  # what --json writes
    assert "trafilatura" in peers.format_table([row])


def test_install_failure_row_carries_the_reason_and_no_figures() -> None:
    peer = peers.PEERS[0]
    row = peers.make_row(peer, None, None, "install failed: no matching distribution")

    assert set(row) == ROW_KEYS
    assert row["articles_per_s"] is None
    assert "install failed: no matching distribution" in peers.format_table([row])


def test_every_peer_pins_a_minimum_version() -> None:
    assert [p.name for p in peers.PEERS] == ["newspaper4k", "news-please", "trafilatura"]
    for peer in peers.PEERS:
        assert ">=" in peer.requirements[0]
