"""What `newsflow ingest` prints about each file: its kind, records read, articles, and skips by reason."""

from __future__ import annotations

from rich.console import Console

from .client import FileReport, SubmitReport

# Files with fewer items than this and nothing skipped get no line of their own (a folder of pages).
_QUIET = 1


def print_report(report: SubmitReport, console: Console) -> None:
    for file in report.files:
        if file.refused:
            continue
        if _worth_a_line(file):
            console.print(describe_file(file), soft_wrap=True, highlight=False)
        for where, reason in file.rejected[:20]:
            console.print(f"  [yellow]rejected[/] {where or file.path.name}: {reason}")
        if len(file.rejected) > 20:
            console.print(f"  ... and {len(file.rejected) - 20} more rejected")
    skipped_files = report.skipped_files()
    for file in report.files:
        if file.refused:
            console.print(f"[yellow]skipped[/] {file.refused}", soft_wrap=True, highlight=False)
    read = sum(1 for f in report.files if not f.refused)
    summary = f"accepted {len(report.accepted)} articles from {read} files"
    if skipped_files:
        reasons = ", ".join(f"{n} {reason}" for reason, n in skipped_files.most_common())
        summary += f"; skipped {sum(skipped_files.values())} files ({reasons})"
    rejected = sum(len(f.rejected) for f in report.files)
    summary += f"; rejected {rejected} articles" if rejected else ""
    console.print(summary, soft_wrap=True, highlight=False)


def _worth_a_line(file: FileReport) -> bool:
    return file.records > _QUIET or bool(file.skipped) or (file.kind is not None and file.accepted == 0)


def describe_file(file: FileReport) -> str:
    """'x.warc.gz: WARC, 9 records read, 3 articles; skipped 3 request record, 1 warcinfo record'."""
    units = file.unit + ("s" if file.records != 1 else "")
    line = f"{file.path}: {file.kind}, {file.records} {units} read, {file.accepted} articles"
    if file.skipped:
        line += "; skipped " + ", ".join(f"{n} {reason}" for reason, n in file.skipped.most_common())
    return line
