#!/usr/bin/env python3
"""`veille-tui fetch` against newsboat, whole processes, same feeds, same run (issue: feeds).

    python bench/fetch_bench.py [--scales 10 50] [--runs 1] [--no-newsboat]

For each scale K, ../shared/bench/make_feeds.py makes K x 10 feeds from the real archive and
serve_feeds.py serves them on 127.0.0.1. Then, for veille-tui (`veille-tui fetch`, database and
config in a temporary folder) and newsboat (`newsboat -x reload`, reload-threads 8):
  cold        empty cache
  10% changed make_feeds.py --bump 0.1 (one new item in a tenth of the feeds)
  unchanged   nothing changed (conditional GET: 304s)
Wall time and peak RSS (largest process of the tree, from wait4) are printed as a table.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"


def run(cmd: list[str], env: dict | None = None) -> tuple[float, float, int]:
    """(seconds, peak RSS in MB, exit code) of a whole process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    return elapsed, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def serve(directory: Path, tmp: Path) -> tuple[subprocess.Popen, int]:
    portfile = tmp / "port"
    proc = subprocess.Popen(
        [
            sys.executable,
            str(SHARED / "bench" / "serve_feeds.py"),
            "--dir",
            str(directory),
            "--port",
            "0",
            "--portfile",
            str(portfile),
            "--pidfile",
            str(tmp / "serve.pid"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        if portfile.exists() and portfile.read_text().strip():
            return proc, int(portfile.read_text())
        time.sleep(0.05)
    raise SystemExit("feed server did not start")


def make_feeds(out: Path, scale: int, bump: float = 0.0) -> list[str]:
    cmd = [sys.executable, str(SHARED / "bench" / "make_feeds.py"), "--out", str(out), "--scale", str(scale)]
    if bump:
        cmd += ["--bump", str(bump)]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return [n for n in (out / "index.txt").read_text().split() if n.endswith(".xml")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--no-newsboat", action="store_true")
    args = parser.parse_args()
    newsboat = None if args.no_newsboat else shutil.which("newsboat")
    rows = []
    for scale in args.scales:
        tmp = Path(tempfile.mkdtemp(prefix="veille-fetch-bench-"))
        feeds_dir = tmp / "feeds"
        names = make_feeds(feeds_dir, scale)
        server, port = serve(feeds_dir, tmp)
        try:
            urls = [f"http://127.0.0.1:{port}/{n}" for n in names]
            config = tmp / "config.toml"
            tables = (f'[[feeds]]\nurl = "{u}"\ntitle = "{n[:-4]}"\n\n' for u, n in zip(urls, names, strict=True))
            config.write_text("".join(tables))
            # the feeds only: no KEV/EPSS download (a host without egress would spend its DNS time there)
            env = {
                **os.environ,
                "VEILLE_TUI_CONFIG": str(config),
                "VEILLE_TUI_DATA_DIR": str(tmp / "data"),
                "VEILLE_TUI_INTEL": "off",
            }
            ours = [sys.executable, "-m", "veille_tui", "fetch"]
            (tmp / "urls").write_text("\n".join(urls) + "\n")
            (tmp / "newsboat.conf").write_text("reload-threads 8\nshow-read-feeds yes\n")
            theirs = (
                [
                    newsboat,
                    "-x",
                    "reload",
                    "-u",
                    str(tmp / "urls"),
                    "-c",
                    str(tmp / "cache.db"),
                    "-C",
                    str(tmp / "newsboat.conf"),
                ]
                if newsboat
                else None
            )
            results = {}
            results["cold"] = (run(ours, env), run(theirs) if theirs else None)
            make_feeds(feeds_dir, scale, bump=0.1)
            results["10% changed"] = (run(ours, env), run(theirs) if theirs else None)
            results["unchanged"] = (run(ours, env), run(theirs) if theirs else None)
        finally:
            server.terminate()
            server.wait()
        for phase, (mine, peer) in results.items():
            rows.append((len(names), phase, mine, peer))
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{'feeds':>5}  {'phase':<12} {'veille-tui':>18} {'newsboat':>18} {'ratio':>6}")
    for feeds, phase, mine, peer in rows:
        peer_text = f"{peer[0]:6.2f} s {peer[1]:5.0f} MB" if peer else "-"
        ratio = f"{mine[0] / peer[0]:5.2f}x" if peer else ""
        flag = "" if mine[2] in (0,) else f" (exit {mine[2]})"
        print(f"{feeds:>5}  {phase:<12} {mine[0]:6.2f} s {mine[1]:5.0f} MB {peer_text:>18} {ratio:>6}{flag}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
