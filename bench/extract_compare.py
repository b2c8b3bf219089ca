"""Main-text extraction compared on our own article pages (tests/fixtures/pages): token F1 of
each extractor's Markdown against the hand-written NAME.expected.md, and the time per page,
in-process (median of --runs after one warm-up), on the tuning pages and on the held-out ones
(SPLIT.toml: never looked at while tuning veille-tui's extraction).

    python bench/extract_compare.py [--runs 7]

Candidates: trafilatura as it comes (markdown output, tables, links, formatting, no comments),
trafilatura with favor_precision, readability-lxml + markdownify (what a Readability port gives),
and veille-tui's own extraction (trafilatura plus core/fulltext/extract.py's tidying).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

from veille_tui.core.fulltext import page as page_mod
from veille_tui.core.fulltext.extract import extract
from veille_tui.core.fulltext.quality import token_f1

PAGES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "pages"


def load() -> tuple[dict[str, str], dict[str, str], dict[str, list[str]]]:
    split = tomllib.loads((PAGES / "SPLIT.toml").read_text())
    html, expected = {}, {}
    for name in split["tuning"] + split["held_out"]:
        path = PAGES / f"{name}.html"
        if not path.exists():
            path = PAGES / f"{name}.html.gz"
        html[name] = page_mod.decode(page_mod.read_file(path, 10 * 1024 * 1024))
        expected[name] = (PAGES / f"{name}.expected.md").read_text(encoding="utf-8")
    return html, expected, {"tuning": split["tuning"], "held-out": split["held_out"]}


def trafilatura_plain(html: str, precision: bool = False) -> str:
    import trafilatura

    return (
        trafilatura.extract(
            html,
            output_format="markdown",
            include_comments=False,
            include_tables=True,
            include_links=True,
            include_formatting=True,
            favor_precision=precision,
        )
        or ""
    )


def readability_markdownify(html: str) -> str:
    from markdownify import markdownify
    from readability import Document

    return markdownify(Document(html).summary(html_partial=True), heading_style="ATX", bullets="-")


CANDIDATES: dict[str, Callable[[str], str]] = {
    "trafilatura": trafilatura_plain,
    "trafilatura precision": lambda html: trafilatura_plain(html, precision=True),
    "readability+markdownify": readability_markdownify,
    "veille-tui (trafilatura)": lambda html: extract(html, "https://example.org/page").markdown,
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--pages", action="store_true", help="also print the F1 of every page")
    args = ap.parse_args(argv)
    html, expected, sets = load()
    rows = []
    for label, run in CANDIDATES.items():
        try:
            run(next(iter(html.values())))
        except ImportError as exc:  # a comparison peer that is not installed (pip install readability-lxml markdownify)
            print(f"{label}: skipped ({exc.name} is not installed)", file=sys.stderr)
            continue
        f1: dict[str, float] = {}
        ms: dict[str, float] = {}
        for name, text in html.items():
            out = run(text)  # warm-up (imports, caches)
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                run(text)
                times.append((time.perf_counter() - start) * 1000)
            f1[name] = token_f1(out, expected[name])
            ms[name] = statistics.median(times)
        rows.append((label, f1, ms))
    print(
        f"{len(html)} pages ({len(sets['tuning'])} tuning, {len(sets['held-out'])} held-out),"
        f" median of {args.runs} runs"
    )
    print()
    print("| extractor | F1 tuning | F1 held-out | min F1 held-out | ms/page mean | ms/page max |")
    print("| --- | --- | --- | --- | --- | --- |")
    for label, f1, ms in rows:
        tune = statistics.mean(f1[n] for n in sets["tuning"])
        held = [f1[n] for n in sets["held-out"]]
        print(
            f"| {label} | {tune:.3f} | {statistics.mean(held):.3f} | {min(held):.3f} |"
            f" {statistics.mean(ms.values()):.1f} | {max(ms.values()):.1f} |"
        )
    if args.pages:
        print()
        print("| page | set | " + " | ".join(label for label, _, _ in rows) + " |")
        print("| --- | --- |" + " --- |" * len(rows))
        for which, names in sets.items():
            for name in names:
                print(f"| {name} | {which} | " + " | ".join(f"{f1[name]:.3f}" for _, f1, _ in rows) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
