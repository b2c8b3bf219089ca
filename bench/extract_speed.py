#!/usr/bin/env python3
"""Extraction CPU per real article page, ours and trafilatura alone, and the whole `extract` process.

    python bench/extract_speed.py --pages DIR [--runs 3] [--process 5]

DIR holds real article pages not written for this project (NAME.html or NAME.html.gz), e.g. the
181 pages of the ScrapingHub article-extraction-benchmark (its html/ folder; its ground-truth.json,
when it is in DIR, adds the token F1 of each extractor against the benchmark's article bodies).
Never copy such pages into the repository.

Per page: each page decoded as `extract` decodes it (core/fulltext/page.py), then the extractors
run in turn --runs times after one warm-up each, the CPU time of each (time.process_time:
load-tolerant, unlike the wall clock) the minimum of its runs; printed: the mean and the median over the pages, and the
slowest. "trafilatura" is trafilatura.extract with our options on the decoded text (what
extract_compare.py calls trafilatura); "veille-tui" is core.fulltext.extract.extract, trafilatura
included. A page neither can read counts for both (the time spent finding that out).

--process N: the whole `veille-tui extract PAGE` process N times on the first page (a fresh
interpreter each, imports included): user+sys CPU and wall time, medians.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

from bench.extract_compare import trafilatura_plain  # noqa: E402

from veille_tui.core.fulltext import page as page_mod  # noqa: E402
from veille_tui.core.fulltext.extract import NoText, extract  # noqa: E402
from veille_tui.core.fulltext.quality import token_f1  # noqa: E402


def load(folder: Path) -> dict[str, str]:
    pages = {}
    for path in sorted(folder.iterdir()):
        if path.name.endswith((".html", ".html.gz", ".htm")):
            try:
                pages[path.name.split(".")[0]] = page_mod.decode(page_mod.read_file(path, 10 * 1024 * 1024))
            except page_mod.PageError as exc:
                print(f"skipped: {exc}", file=sys.stderr)
    return pages


def ours(html: str) -> str:
    try:
        return extract(html, "https://example.org/page").markdown
    except NoText:
        return ""


CANDIDATES: dict[str, Callable[[str], str]] = {"trafilatura": trafilatura_plain, "veille-tui": ours}


def cpu_ms(runs: list[Callable[[str], str]], html: str, times: int, labels: list[str]) -> dict[str, tuple[float, str]]:
    """Each extractor's CPU milliseconds on the page (the minimum of `times`, the extractors in
    turn, after one warm-up each) and its output."""
    outs = [run(html) for run in runs]  # warm-up
    best = [float("inf")] * len(runs)
    for _ in range(times):
        for n, run in enumerate(runs):
            start = time.process_time()
            run(html)
            best[n] = min(best[n], time.process_time() - start)
    return {label: (took * 1000, out) for label, took, out in zip(labels, best, outs, strict=True)}


def whole_process(page: Path, times: int) -> tuple[list[float], list[float]]:
    """CPU (user+sys of the child) and wall seconds of `python -m veille_tui extract PAGE`."""
    cpu, wall = [], []
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "VEILLE_TUI_DATA_DIR": home, "VEILLE_TUI_CONFIG": str(Path(home) / "config.toml")}
        for _ in range(times):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "veille_tui", "extract", str(page)],
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            wall.append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return cpu, wall


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=Path, required=True, help="a folder of real article pages")
    ap.add_argument("--runs", type=int, default=3, help="timed runs per page and extractor (the minimum kept)")
    ap.add_argument("--process", type=int, default=0, help="also time N whole `extract` processes")
    ap.add_argument("--only", choices=sorted(CANDIDATES), help="one extractor only")
    args = ap.parse_args(argv)
    pages = load(args.pages)
    if not pages:
        print(f"no page (.html, .html.gz) in {args.pages}", file=sys.stderr)
        return 2
    truth_file = args.pages / "ground-truth.json"
    truth = json.loads(truth_file.read_text()) if truth_file.exists() else {}
    print(f"{len(pages)} pages from {args.pages}, CPU per page the minimum of {args.runs} runs")
    print()
    labels = [label for label in CANDIDATES if not args.only or label == args.only]
    ms: dict[str, list[float]] = {label: [] for label in labels}
    f1: dict[str, list[float]] = {label: [] for label in labels}
    for name, html in pages.items():  # the extractors in turn on each page: the load hits both alike
        for label, (took, out) in cpu_ms([CANDIDATES[label] for label in labels], html, args.runs, labels).items():
            ms[label].append(took)
            if name in truth:
                f1[label].append(token_f1(out, truth[name]["articleBody"]))
    print("| extractor | CPU ms/page mean | median | max | F1 mean (ground truth) |")
    print("| --- | --- | --- | --- | --- |")
    for label in labels:
        score = f"{statistics.mean(f1[label]):.3f} ({len(f1[label])} pages)" if f1[label] else "-"
        print(
            f"| {label} | {statistics.mean(ms[label]):.1f} | {statistics.median(ms[label]):.1f}"
            f" | {max(ms[label]):.1f} | {score} |"
        )
    if len(labels) == 2:
        ratio = statistics.mean(ms["veille-tui"]) / statistics.mean(ms["trafilatura"])
        print(f"\nveille-tui / trafilatura alone, CPU per page (means): {ratio:.2f}")
    if args.process:
        first = next(p for p in sorted(args.pages.iterdir()) if p.name.endswith((".html", ".html.gz", ".htm")))
        cpu, wall = whole_process(first, args.process)
        print()
        print(
            f"whole process `veille-tui extract {first.name}`: CPU (user+sys) median {statistics.median(cpu):.3f} s"
            f" (min {min(cpu):.3f}, max {max(cpu):.3f}), wall median {statistics.median(wall):.3f} s"
            f" (min {min(wall):.3f}, max {max(wall):.3f}), {args.process} runs"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
