#!/usr/bin/env python3
"""Every benchmark of veille-tui in one run, side by side with its peers, as one table.

    python bench/run.py [--quick] [--json FILE] [--runs N] [--only NAME ...] [--work DIR]

Each figure is the median of --runs runs (5 by default, >= 5 for a quoted table; --quick: 2 runs on
smaller workloads, a smoke test that every benchmark still works), with its min-max, the peer's
median and the ratio ours/peer (pair by pair when the two ran in turn: A B A B ...), the target and
whether the median meets it. A benchmark whose capability is not there (a sub-command, a helper
script, newsboat, ../shared) is skipped with a message; the others still run.

Workloads (bench/gen.py, our own synthetic text, unless said): the real archive ../shared/archive
when present (else a generated one of the same shape: 2,772 posts); bench/make_store.py's 50,000
generated items over it (52,772 entries); 100 and 500 generated feeds served on 127.0.0.1 by
../shared/bench/serve_feeds.py (ETag, Last-Modified, 304); 300,000 generated EPSS rows.

Benchmarks (--only NAME): index, tui (query and tag switch at 2,772 and 52,772 entries), paint (first
paint and peak RSS, newsboat's start), bytes (bytes per cursor move, ours and newsboat's, in a pty),
triage (`n`, `A`), intel (`intel import`, `cves`, the CVE screen), fetch (100 and 500 feeds, cold,
10 % changed, unchanged, against `newsboat -x reload`), helpers (bench/cluster_bench.py,
rules_bench.py, extract_compare.py, sync_bench.py, each run with `--json FILE`).

Everything is built once in --work (default $TMPDIR/veille-tui-run) and reused by later runs.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHARED = REPO.parent / "shared"
sys.path.insert(0, str(HERE))

import gen  # noqa: E402  (bench/gen.py)
import tui_bench  # noqa: E402  (bench/tui_bench.py: the pseudo-terminal, the timing child, the bare app)

PY = sys.executable
VEILLE = [PY, "-m", "veille_tui"]


class Skip(Exception):
    """A benchmark that cannot run here; its message says why."""


@dataclass
class Row:
    figure: str
    unit: str  # s, ms, MB, B
    ours: list[float]
    peer_name: str = ""
    peer: list[float] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)  # pair by pair, when the two ran in turn
    target: float | None = None
    target_on: str = "ours"  # "ours" (an absolute bound) or "ratio"
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.ratios:
            return statistics.median(self.ratios)
        if self.peer and self.ours and statistics.median(self.peer) > 0:
            return statistics.median(self.ours) / statistics.median(self.peer)
        return None

    @property
    def met(self) -> bool | None:
        if self.target is None or not self.ours:
            return None
        value = self.ratio if self.target_on == "ratio" else statistics.median(self.ours)
        return None if value is None else value <= self.target

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        out.update(
            ours_median=statistics.median(self.ours) if self.ours else None,
            peer_median=statistics.median(self.peer) if self.peer else None,
            ratio=self.ratio,
            met=self.met,
        )
        return out


@dataclass
class Context:
    quick: bool
    runs: int
    work: Path
    archive: Path
    archive_real: bool
    items: int
    newsboat: str | None
    pages: Path | None = None  # real article pages for bench/extract_speed.py
    fetch_counts: tuple[int, ...] = (100, 500)
    fetch_phases: tuple[str, ...] = ("cold", "10% changed", "unchanged")
    rows: list[Row] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def add(self, row: Row) -> None:
        self.rows.append(row)
        print(f"  {row.figure}: {fmt(row.ours, row.unit)}" + (f"  vs {fmt(row.peer, row.unit)}" if row.peer else ""))

    def skip(self, what: str, why: str) -> None:
        self.skipped.append(f"{what}: {why}")
        print(f"  skipped {what}: {why}")


# ---------------------------------------------------------------- measuring


# The process is started by a small Python of its own: a child's peak RSS (ru_maxrss) starts at that of
# the process it was forked from, and this one holds a store's worth of Python objects.
SPAWN = (
    "import os, sys, time; t = time.perf_counter(); pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ); "
    "_, s, u = os.wait4(pid, 0); "
    "open(sys.argv[1], 'w').write(f'{time.perf_counter() - t} {u.ru_maxrss} {os.waitstatus_to_exitcode(s)}')"
)


def process(argv: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> tuple[float, float, int]:
    """(wall seconds, peak RSS MB of the largest process of the tree, exit code) of a whole process."""
    with tempfile.NamedTemporaryFile("r", suffix=".rusage") as out:
        subprocess.run(
            [PY, "-c", SPAWN, out.name, *argv], env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        seconds, rss_kb, code = out.read().split()
    return float(seconds), int(rss_kb) / 1024, int(code)


def checked(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    seconds, rss, code = process(argv, env)
    if code != 0:
        raise Skip(f"`{' '.join(argv[-3:])}` exited {code}")
    return seconds, rss


def paired(a: Callable[[], float], b: Callable[[], float], runs: int) -> tuple[list[float], list[float], list[float]]:
    """A and B in turn (A B, B A, A B ...) after one warm-up of each: their figures and A/B pair by pair."""
    a(), b()
    xs, ys = [], []
    for i in range(runs):
        if i % 2:
            y, x = b(), a()
        else:
            x, y = a(), b()
        xs.append(x)
        ys.append(y)
    return xs, ys, [x / y for x, y in zip(xs, ys, strict=True) if y > 0]


def fmt(values: list[float], unit: str) -> str:
    if not values:
        return "-"
    med, lo, hi = statistics.median(values), min(values), max(values)
    if unit == "s":
        return f"{med:.2f} s ({lo:.2f}–{hi:.2f})"
    if unit == "ms":
        return f"{med:.1f} ms ({lo:.1f}–{hi:.1f})"
    if unit == "MB":
        return f"{med:.0f} MB ({lo:.0f}–{hi:.0f})"
    return f"{med:,.0f} {unit} ({lo:,.0f}–{hi:,.0f})"


def one_value(value: float, unit: str) -> str:
    return fmt([value], unit).split(" (")[0]


@contextlib.contextmanager
def environ(env: dict[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def has_subcommand(name: str) -> bool:
    out = subprocess.run([*VEILLE, "--help"], capture_output=True, text=True).stdout
    return any(line.split()[:1] == [name] for line in out.splitlines())


# ---------------------------------------------------------------- workloads


def base_env(data: Path, config: Path) -> dict[str, str]:
    """The environment of a veille-tui process on `data` and `config` (bench/intel_bench.py's)."""
    import intel_bench  # bench/intel_bench.py

    return {**intel_bench.environment(data.parent), "VEILLE_TUI_DATA_DIR": str(data), "VEILLE_TUI_CONFIG": str(config)}


def store(ctx: Context, items: int) -> tuple[dict[str, str], Path]:
    """The environment of a store of the archive + `items` generated items (built once, then reused)."""
    work = ctx.work / f"store-{items}"
    env = tui_bench.prepare(work, ctx.archive, items)  # bench/make_store.py's store, a 100-feed config
    env["VEILLE_TUI_INTEL"] = "off"
    return env, work


def entries(env: dict[str, str]) -> int:
    with sqlite3.connect(Path(env["VEILLE_TUI_DATA_DIR"]) / "veille.db") as conn:
        return int(conn.execute("SELECT count(*) FROM entries").fetchone()[0])


# ---------------------------------------------------------------- index


FRONTMATTER_LOOP = (
    "import frontmatter, pathlib, sys; [frontmatter.load(p) for p in sorted(pathlib.Path(sys.argv[1]).glob('*.md'))]"
)


def bench_index(ctx: Context) -> None:
    tmp = ctx.work / "index"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    (tmp / "none.toml").write_text("")
    env = base_env(tmp / "data", tmp / "none.toml")
    cmd = [*VEILLE, "--archive", str(ctx.archive), "index"]
    loop = [PY, "-c", FRONTMATTER_LOOP, str(ctx.archive)]
    posts = len(list(ctx.archive.glob("*.md")))

    def cold() -> float:
        shutil.rmtree(tmp / "data", ignore_errors=True)
        return checked(cmd, env)[0]

    def peer() -> float:
        return checked(loop, env)[0]

    ours, theirs, ratios = paired(cold, peer, ctx.runs)
    kind = "real archive" if ctx.archive_real else "generated archive"
    ctx.add(
        Row(
            f"archive index cold, {posts:,} posts ({kind}), whole process",
            "s",
            ours,
            "python-frontmatter loop",
            theirs,
            ratios,
            2.0,
            "ratio",
        )
    )
    cold()

    def warm() -> float:
        return checked(cmd, env)[0]

    ours, theirs, ratios = paired(warm, peer, ctx.runs)
    ctx.add(Row("archive index warm (nothing changed)", "s", ours, "python-frontmatter loop", theirs, ratios, 0.5))


# ---------------------------------------------------------------- TUI: tag switch and queries

STRUCTURED = ["+ransomware is:unread", "+cve @30d", "feed:bench -cloud", "is:starred", "+certfr", "@7d"]
FULL_TEXT = ["fortinet", "vulnérabilité correctif", '"supply chain"', "exploit", "ransomware cloud", "botnet"]


def tui_session(ctx: Context, env: dict[str, str], work: Path, keys: list[bytes]) -> list[float]:
    """The app's `apply_painted` timings (ms) of one session in which each of `keys` changed the filter."""
    out = work / "timings.json"
    child = work / "timing_child.py"
    child.write_text(tui_bench.TIMING_CHILD, encoding="utf-8")
    term = tui_bench.Term([PY, str(child), str(out), str(ctx.archive)], env, 160, 48)
    term.wait_for(b"entries")
    term.settle(1.5)
    for key in keys:
        if key == b"]":
            term.send(key)
        else:
            term.send("/")
            term.settle(0.3)
            term.send(b"\x15" + key + b"\r")  # ctrl+u, the query, enter
        term.settle(0.4)
    term.quit()
    data = json.loads(out.read_text())
    return [v * 1000 for v in data.get("apply_painted", [])][1:]  # the first change of a session warms up


def bench_tui(ctx: Context) -> None:
    for items in (0, ctx.items):
        env, work = store(ctx, items)
        n = entries(env)
        big = items > 0
        tags = tui_session(ctx, env, work, [b"]"] * (2 * max(ctx.runs, 5) + 1))
        ctx.add(Row(f"tag switch at {n:,} entries, until painted", "ms", tags, target=30 if big else None))
        structured = tui_session(ctx, env, work, [q.encode() for q in ["+vuln", *STRUCTURED]])
        ctx.add(Row(f"structured query at {n:,} entries, until painted", "ms", structured))
        text = tui_session(ctx, env, work, [q.encode() for q in ["patch", *FULL_TEXT]])
        ctx.add(Row(f"full-text query at {n:,} entries, until painted", "ms", text, target=25 if big else None))


# ---------------------------------------------------------------- first paint, RSS, newsboat start


def newsboat_files(ctx: Context) -> tuple[list[str], dict[str, str]] | None:
    """newsboat's argv and environment over a cache filled from the 100 generated feeds (made once)."""
    if not ctx.newsboat:
        return None
    base = ctx.work / "newsboat"
    cache = base / "cache.db"
    if not cache.exists():
        base.mkdir(parents=True, exist_ok=True)
        feeds = ctx.work / "feeds-100"
        gen.make_feeds(feeds, 100)
        with serve(feeds, base) as port:
            names = (feeds / "index.txt").read_text().split()
            (base / "urls").write_text("".join(f"http://127.0.0.1:{port}/{n}\n" for n in names))
            (base / "conf").write_text("reload-threads 8\nshow-read-feeds yes\n")
            subprocess.run([*newsboat_argv(ctx, base), "-x", "reload"], env=newsboat_env(base), capture_output=True)
    return newsboat_argv(ctx, base), newsboat_env(base)


def newsboat_argv(ctx: Context, base: Path) -> list[str]:
    assert ctx.newsboat
    return [ctx.newsboat, "-u", str(base / "urls"), "-c", str(base / "cache.db"), "-C", str(base / "conf")]


def newsboat_env(base: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(HOME=str(base), TERM="xterm-256color")
    return env


def bench_paint(ctx: Context) -> None:
    bare = ctx.work / "bare_app.py"
    bare.write_text(tui_bench.BARE_APP, encoding="utf-8")
    argv = [*VEILLE, "--archive", str(ctx.archive), "--offline"]
    for items in (0, ctx.items):
        env, _work = store(ctx, items)
        n = entries(env)
        rss: list[float] = []

        def ours(env: dict[str, str] = env, rss: list[float] = rss) -> float:
            term = tui_bench.Term(argv, env, 160, 48)
            seconds = term.wait_for(b"entries")
            term.settle(0.5)
            rss.append(term.peak_rss_mb())
            term.quit()
            return seconds

        def peer(env: dict[str, str] = env) -> float:
            term = tui_bench.Term([PY, str(bare)], env, 160, 48)
            seconds = term.wait_for(b"bare-ready")
            term.settle(0.3)
            term.quit()
            return seconds

        mine, theirs, ratios = paired(ours, peer, ctx.runs)
        ctx.add(
            Row(
                f"TUI first paint (warm) at {n:,} entries, 160x48",
                "s",
                mine,
                "bare three-pane Textual app",
                theirs,
                ratios,
                1.3,
                "ratio",
            )
        )
        ctx.add(Row(f"TUI peak RSS at {n:,} entries, after first paint", "MB", rss[1:], target=80 if items else None))
    nb = newsboat_files(ctx)
    if nb is None:
        ctx.skip("newsboat start to first screen", "newsboat not installed")
        return
    nb_argv, nb_env = nb

    def start() -> float:
        term = tui_bench.Term(nb_argv, nb_env, 160, 48)
        seconds = term.wait_for(b"Your feeds")
        term.settle(0.3)
        term.quit()
        return seconds

    start()
    ctx.add(Row("newsboat start to first screen (100 feeds, 160x48)", "s", [start() for _ in range(ctx.runs)]))


# ---------------------------------------------------------------- bytes per cursor move


def moves_bytes(term: tui_bench.Term, key: bytes, moves: int = 20, gap: float = 0.15) -> float:
    """Bytes written from the first of `moves` keys `gap` seconds apart until the screen rests, per move."""
    term.settle(2.0)
    start = len(term.chunks)
    for _ in range(moves):
        term.send(key)
        deadline = time.perf_counter() + gap
        while time.perf_counter() < deadline:
            term.read(max(0.0, deadline - time.perf_counter()))
    term.settle(1.0)
    return sum(len(d) for _, d in term.chunks[start:]) / moves


def bench_bytes(ctx: Context) -> None:
    env, _work = store(ctx, ctx.items)
    argv = [*VEILLE, "--archive", str(ctx.archive), "--offline"]
    nb = newsboat_files(ctx)
    for cols, rows in ((80, 24), (200, 50)):

        def ours(cols: int = cols, rows: int = rows) -> float:
            term = tui_bench.Term(argv, env, cols, rows)
            term.wait_for(b"entries")
            value = moves_bytes(term, b"j")
            term.quit()
            return value

        def peer(cols: int = cols, rows: int = rows) -> float:
            assert nb
            term = tui_bench.Term(nb[0], nb[1], cols, rows)
            term.wait_for(b"Your feeds")
            term.settle(0.5)
            term.send(b"\r")  # the first feed's article list
            value = moves_bytes(term, b"\x1bOB")  # down arrow (keypad mode)
            term.quit("qq")
            return value

        target = 1000 if cols == 80 else 2000  # issue 22
        name = f"bytes to the terminal per cursor move, {cols}x{rows} (20 moves 150 ms apart)"
        if nb:
            mine, theirs, ratios = paired(ours, peer, ctx.runs)
            ctx.add(Row(name, "B", mine, "newsboat (article list)", theirs, ratios, target))
        else:
            ctx.add(Row(name, "B", [ours() for _ in range(ctx.runs)], target=target))

        def ours_256(cols: int = cols, rows: int = rows) -> float:  # an SSH session's usual terminal
            plain = {k: v for k, v in env.items() if k != "COLORTERM"}
            term = tui_bench.Term(argv, plain, cols, rows)
            term.wait_for(b"entries")
            value = moves_bytes(term, b"j")
            term.quit()
            return value

        name = f"bytes to the terminal per cursor move, {cols}x{rows}, 256 colours (xterm-256color, no COLORTERM)"
        ctx.add(Row(name, "B", [ours_256() for _ in range(ctx.runs)]))
    if not nb:
        ctx.skip("newsboat bytes per cursor move", "newsboat not installed")


# ---------------------------------------------------------------- triage: n and A


def bench_triage(ctx: Context) -> None:
    import triage_bench  # bench/triage_bench.py

    env, work = store(ctx, ctx.items)
    db = Path(env["VEILLE_TUI_DATA_DIR"]) / "veille.db"
    n = entries(env)
    far = min(30_000, ctx.items * 3 // 5)
    far_db = work / "triage-far.db"
    shutil.copy(db, far_db)
    triage_bench.mark_newest_read(far_db, far)
    hops = max(ctx.runs, 5)
    timing = triage_bench.session(env, ctx.archive, work, far_db, (80, 24), ["n", "g"] * hops + ["n"] * hops)
    a = triage_bench.session(env, ctx.archive, work, db, (80, 24), ["A", "x"] * hops)
    marked: list[float] = []
    for _ in range(ctx.runs):  # one `A` answered yes a session (on a fresh copy: every entry unread again)
        once = triage_bench.session(env, ctx.archive, work, db, (80, 24), ["A", "A"])
        marked += once.get("mark_view_read_painted", [])

    def ms(values: list[float]) -> list[float]:
        return [v * 1000 for v in values]

    painted = ms(timing.get("next_unread_painted", []))
    if not painted:
        raise Skip("the app recorded no `next_unread_painted`")
    far_name = f"`n` at {n:,} entries, next unread {far:,} rows down, until painted"
    ctx.add(Row(far_name, "ms", painted[:hops], target=100))
    ctx.add(Row(f"`n` at {n:,} entries, next unread the next row, until painted", "ms", painted[hops:], target=100))
    ctx.add(Row(f"`A` at {n:,} entries, the question painted", "ms", ms(a.get("mark_view_read_asked", [])), target=100))
    ctx.add(Row(f"`A` at {n:,} entries, all shown read", "ms", ms(marked), target=100))


# ---------------------------------------------------------------- intel: import, cves, CVE screen


def bench_intel(ctx: Context) -> None:
    import intel_bench  # bench/intel_bench.py

    rows = 30_000 if ctx.quick else 300_000
    src_env, src = store(ctx, ctx.items)
    work = ctx.work / f"intel-{ctx.items}"
    (work / "data").mkdir(parents=True, exist_ok=True)
    db = work / "data" / "veille.db"
    if not db.exists():
        with sqlite3.connect(Path(src_env["VEILLE_TUI_DATA_DIR"]) / "veille.db") as s, sqlite3.connect(db) as d:
            s.backup(d)
    shutil.copy(src / "config.toml", work / "config.toml")
    env = intel_bench.environment(work)
    scratch = work / "import"
    scratch.mkdir(exist_ok=True)
    plain, _packed = intel_bench.epss_file(scratch, rows, [])
    imp_env = {**env, "VEILLE_TUI_DATA_DIR": str(scratch)}
    argv = [*VEILLE, "intel", "import", str(plain)]
    checked(argv, imp_env)
    times = [checked(argv, imp_env)[0] for _ in range(ctx.runs)]
    ctx.add(Row(f"`intel import` of {rows:,} EPSS rows (CSV), whole process", "s", times, target=2.0))

    with environ(env):
        intel_bench.load_intel(work)
        from veille_tui.core.library import Library

        with Library.open() as lib:
            n = lib.count()
            lib.cves()
            cves = [t * 1000 for t in intel_bench._timed(lib.cves, ctx.runs)]
    ctx.add(Row(f"`cves` at {n:,} entries (Library.cves(), every entry)", "ms", cves, target=200))
    cmd = [*VEILLE, "cves", "--json"]
    checked(cmd, env)
    process_times = [checked(cmd, env)[0] for _ in range(ctx.runs)]
    ctx.add(Row(f"`veille-tui cves --json` at {n:,} entries, whole process", "s", process_times))
    with environ(env):
        screen = intel_bench.bench_screen(work, max(ctx.runs, 5))
    del screen  # its summary; the samples are in the timing files it leaves
    for mode, name, what in (
        ("cold", "cves_first_painted", "first rows painted, rows read after the key"),
        ("warm", "cves_painted", "painted, rows held"),
    ):
        timings = json.loads((work / f"screen_timings_{mode}.json").read_text())
        samples = [v * 1000 for v in timings.get(name, [])[1:]]  # the first of a session imports the screen
        if samples:
            ctx.add(Row(f"CVE screen after `c` at {n:,} entries, {what}", "ms", samples, target=150))


# ---------------------------------------------------------------- fetch


@contextlib.contextmanager
def serve(directory: Path, tmp: Path) -> Iterator[int]:
    script = SHARED / "bench" / "serve_feeds.py"
    if not script.exists():
        raise Skip(f"{script} not present")
    portfile = tmp / "port"
    portfile.unlink(missing_ok=True)
    argv = [PY, str(script), "--dir", str(directory), "--port", "0", "--portfile", str(portfile)]
    proc = subprocess.Popen(
        [*argv, "--pidfile", str(tmp / "serve.pid")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        for _ in range(200):
            if portfile.exists() and portfile.read_text().strip():
                break
            time.sleep(0.05)
        else:
            raise Skip("the feed server did not start")
        yield int(portfile.read_text())
    finally:
        proc.terminate()
        proc.wait()


def bench_fetch(ctx: Context) -> None:
    for count in (20, 50) if ctx.quick else ctx.fetch_counts:
        fetch_scale(ctx, count)


def fetch_scale(ctx: Context, count: int) -> None:
    tmp = ctx.work / f"fetch-{count}"
    feeds = ctx.work / f"feeds-{count}"
    print(f"  generating {count} feeds…", flush=True)
    names = gen.make_feeds(feeds, count)
    tmp.mkdir(parents=True, exist_ok=True)
    with serve(feeds, tmp) as port:
        urls = [f"http://127.0.0.1:{port}/{n}" for n in names]
        config = tmp / "config.toml"
        tables = (f'[[feeds]]\nurl = "{u}"\ntitle = "{n[:-4]}"\n\n' for u, n in zip(urls, names, strict=True))
        config.write_text("".join(tables))
        env = base_env(tmp / "data", config)
        (tmp / "urls").write_text("\n".join(urls) + "\n")
        (tmp / "newsboat.conf").write_text("reload-threads 8\nshow-read-feeds yes\n")
        theirs = None
        if ctx.newsboat:
            theirs = [ctx.newsboat, "-x", "reload", "-u", str(tmp / "urls"), "-c", str(tmp / "cache.db")]
            theirs += ["-C", str(tmp / "newsboat.conf")]
        nb_env = {**os.environ, "HOME": str(tmp)}
        ours_cmd = [*VEILLE, "fetch"]
        phases = ctx.fetch_phases
        mine: dict[str, list[tuple[float, float]]] = {p: [] for p in phases}
        peer: dict[str, list[tuple[float, float]]] = {p: [] for p in phases}

        def one(kind: str, phase: str) -> None:
            if kind == "ours":
                if phase == "cold":
                    shutil.rmtree(tmp / "data", ignore_errors=True)
                mine[phase].append(checked(ours_cmd, env))
            elif theirs:
                if phase == "cold":
                    for suffix in ("", ".lock"):
                        Path(f"{tmp / 'cache.db'}{suffix}").unlink(missing_ok=True)
                peer[phase].append(checked(theirs, nb_env))

        for i in range(ctx.runs + 1):  # the first round warms up
            order = ("ours", "peer") if i % 2 == 0 else ("peer", "ours")
            gen.make_feeds(feeds, count)  # back to the base set (the bumped files rewritten)
            for phase in phases:
                if phase == "10% changed":
                    gen.make_feeds(feeds, count, bump=0.1)
                for kind in order:
                    one(kind, phase)
            if i == 0:
                for d in (mine, peer):
                    for p in phases:
                        d[p].clear()
        gen.make_feeds(feeds, count)
    for phase in phases:
        xs = [s for s, _ in mine[phase]]
        ys = [s for s, _ in peer[phase]]
        ratios = [x / y for x, y in zip(xs, ys, strict=False) if y > 0]
        target, on = None, "ours"
        if phase == "cold" and count in (100, 500):
            target, on = (0.8, "ratio") if count == 100 else (0.5, "ratio")
        elif phase == "unchanged" and count == 500:
            target = 0.5
        ctx.add(
            Row(
                f"fetch {count} local feeds, {phase}",
                "s",
                xs,
                "newsboat -x reload (8 threads)" if ys else "",
                ys,
                ratios,
                target,
                on,
            )
        )
    rss_ours = [r for _, r in mine["cold"]]
    rss_peer = [r for _, r in peer["cold"]]
    ctx.add(
        Row(
            f"fetch {count} feeds cold, peak RSS",
            "MB",
            rss_ours,
            "newsboat" if rss_peer else "",
            rss_peer,
            target=100 if count == 500 else None,
        )
    )
    if not theirs:
        ctx.skip(f"newsboat fetch of {count} feeds", "newsboat not installed")


# ---------------------------------------------------------------- extract: one page, whole process


def bench_extract(ctx: Context) -> None:
    page = REPO / "tests" / "fixtures" / "pages" / "advisory.html"
    tmp = ctx.work / "extract"
    tmp.mkdir(parents=True, exist_ok=True)
    env = base_env(tmp / "data", tmp / "config.toml")
    runs = [checked([*VEILLE, "extract", str(page)], env) for _ in range(ctx.runs + 1)][1:]
    ctx.add(Row("`veille-tui extract PAGE` whole process (our advisory page)", "s", [s for s, _ in runs], target=0.4))
    if not ctx.pages:
        ctx.skip("extraction CPU per real page", "no --pages DIR of real article pages (bench/extract_speed.py)")
        return
    done = subprocess.run(
        [PY, str(HERE / "extract_speed.py"), "--pages", str(ctx.pages), "--runs", "3"],
        capture_output=True,
        text=True,
        check=False,
    )
    means = {m[1]: float(m[2]) for m in re.finditer(r"^\| (veille-tui|trafilatura) \| ([\d.]+) \|", done.stdout, re.M)}
    if "veille-tui" not in means:
        raise Skip(f"extract_speed.py gave no figure: {done.stderr.strip()[-200:]}")
    pages = re.match(r"(\d+) pages", done.stdout)
    ctx.add(
        Row(
            f"extraction CPU per real article page, mean ({pages[1] if pages else '?'} pages not ours)",
            "ms",
            [means["veille-tui"]],
            "trafilatura alone" if "trafilatura" in means else "",
            [means["trafilatura"]] if "trafilatura" in means else [],
            target=25,
        )
    )


# ---------------------------------------------------------------- the other helpers' benchmarks

HELPERS = {
    "cluster_bench.py": "clusters",
    "rules_bench.py": "rules",
    "extract_compare.py": "full-text extraction",
    "sync_bench.py": "sync",
}


def helper_rows(name: str, data: Any) -> list[Row]:
    """Rows from a helper's --json: a list of rows ({figure, unit, ours|median|values, peer, target}) under
    "rows" or "figures", else every number of the document as a row of its own."""
    listed = data.get("rows") or data.get("figures") if isinstance(data, dict) else data
    out: list[Row] = []
    if isinstance(listed, list) and all(isinstance(r, dict) for r in listed):
        for r in listed:
            values = r.get("ours") or r.get("values") or ([r["median"]] if "median" in r else [])
            if isinstance(values, int | float):
                values = [values]
            peer = r.get("peer") or []
            if isinstance(peer, int | float):
                peer = [peer]
            out.append(
                Row(
                    f"{name}: {r.get('figure') or r.get('name')}",
                    str(r.get("unit", "")),
                    [float(v) for v in values],
                    str(r.get("peer_name", "")),
                    [float(v) for v in peer],
                    target=r.get("target") if isinstance(r.get("target"), int | float) else None,
                    target_on=str(r.get("target_on", "ours")),
                )
            )
        return out

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, bool):
            return
        if isinstance(value, int | float):
            unit = "ms" if prefix.endswith("_ms") else "s" if prefix.endswith("_s") else ""
            out.append(Row(f"{name}: {prefix}", unit, [float(value)]))
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}.{k}" if prefix else str(k), v)

    walk("", data)
    return out


# the issues' targets for helper figures that do not carry their own: (helper, words in the figure) -> bound
HELPER_TARGETS = {
    ("rules", "full re-application"): 2.0,  # s, issue 10
    ("sync", "first"): 5.0,  # s, issue 15: first sync of 1,000 server items
    ("sync", "incremental"): 0.5,  # s, issue 15: nothing new
}


def with_target(row: Row) -> Row:
    if row.target is None:
        for (what, words), bound in HELPER_TARGETS.items():
            if row.figure.startswith(f"{what}:") and words in row.figure:
                row.target = bound
    return row


# a helper without --json: its lines "NAME: median X s (min Y, max Z)" are read
SUMMARY_LINE = re.compile(
    r"^(?P<name>[^:\n]+): median (?P<med>[\d.]+) ?(?P<unit>m?s) \(min (?P<lo>[\d.]+), max (?P<hi>[\d.]+)\)"
)


# helpers' own summary lines: (helper, pattern with a `v` number and optionally `hi`, figure, unit, target)
HELPER_LINES = [
    (
        "clusters",
        r"batch of 1,000 new items .*? at (?P<n>[\d,]+) entries: clusters step median (?P<v>[\d.]+) ms"
        r" \(max (?P<hi>[\d.]+)",
        "clusters step for a fetch batch of 1,000 new items at {n} entries (median)",
        "ms",
        100.0,
    ),
    (
        "clusters",
        r"full recompute at (?P<n>[\d,]+) entries: median (?P<v>[\d.]+) s \(max (?P<hi>[\d.]+)",
        "full recompute at {n} entries (median)",
        "s",
        5.0,  # issue 10
    ),
    (
        "full-text extraction",
        r"^\| (?P<label>[^|]+?) \| [\d.]+ \| (?P<f1>[\d.]+) \| [\d.]+ \| (?P<v>[\d.]+) \| (?P<hi>[\d.]+) \|$",
        "{label}: per page, mean (F1 held-out {f1})",
        "ms",
        30.0,
    ),
]


def summary_rows(what: str, stdout: str) -> list[Row]:
    """Rows from a helper's printed summary (it has no --json)."""
    rows = []
    for line in stdout.splitlines():
        m = SUMMARY_LINE.match(line)
        if m:
            values = [float(m["lo"]), float(m["med"]), float(m["hi"])]
            rows.append(Row(f"{what}: {m['name'].strip()}", m["unit"], values, note="median, min and max it printed"))
            continue
        for helper, pattern, figure, unit, target in HELPER_LINES:
            found = re.search(pattern, line) if helper == what else None
            if found:
                name = figure.format(**found.groupdict())
                note = f"median; max {found['hi']}" if found.groupdict().get("hi") else "as it printed"
                rows.append(Row(f"{what}: {name}", unit, [float(found["v"])], target=target, note=note))
    return [with_target(r) for r in rows]


def bench_helpers(ctx: Context) -> None:
    for script, what in HELPERS.items():
        path = HERE / script
        if not path.exists():
            ctx.skip(what, f"bench/{script} not present (not merged yet)")
            continue
        usage = subprocess.run([PY, str(path), "--help"], capture_output=True, text=True, timeout=60).stdout
        out = ctx.work / f"{path.stem}.json"
        out.unlink(missing_ok=True)
        argv = [PY, str(path)] + (["--json", str(out)] if "--json" in usage else [])
        if ctx.quick and "--quick" in usage:
            argv.append("--quick")
        elif ctx.quick and "--items" in usage:
            argv += ["--items", str(ctx.items)]
        if "--runs" in usage:
            argv += ["--runs", str(ctx.runs)]
        if "--work" in usage:
            argv += ["--work", str(ctx.work / path.stem)]
        print(f"  {' '.join(argv[1:])}", flush=True)
        done = subprocess.run(argv, capture_output=True, text=True, timeout=1800)
        if done.returncode != 0:
            ctx.skip(what, f"bench/{script} exited {done.returncode}: {done.stderr.strip()[-300:]}")
        elif out.exists():
            for row in helper_rows(what, json.loads(out.read_text())):
                ctx.add(with_target(row))
        else:
            found = summary_rows(what, done.stdout)
            for row in found:
                ctx.add(row)
            if not found:
                ctx.skip(what, f"bench/{script}: no --json and no summary line it knows")


# ---------------------------------------------------------------- the table

BENCHES: dict[str, Callable[[Context], None]] = {
    "index": bench_index,
    "tui": bench_tui,
    "paint": bench_paint,
    "bytes": bench_bytes,
    "triage": bench_triage,
    "intel": bench_intel,
    "fetch": bench_fetch,
    "extract": bench_extract,
    "helpers": bench_helpers,
}


def table(ctx: Context) -> str:
    head = ["figure", "ours: median (min–max)", "peer: median", "ratio", "target", "met?"]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for r in ctx.rows:
        peer = f"{one_value(statistics.median(r.peer), r.unit)} ({r.peer_name})" if r.peer else "-"
        ratio = f"{r.ratio:.2f}x" if r.ratio is not None else "-"
        if r.target is None:
            target = "-"
        elif r.target_on == "ratio":
            target = f"<= {r.target:g}x"
        else:
            target = f"<= {one_value(r.target, r.unit)}"
        met = {True: "yes", False: "**no**", None: "-"}[r.met]
        lines.append(f"| {r.figure} | {fmt(r.ours, r.unit)} | {peer} | {ratio} | {target} | {met} |")
    return "\n".join(lines)


def compile_package() -> str:
    """Byte-compile veille_tui where it is imported from, as `pip install` does: with
    PYTHONDONTWRITEBYTECODE set (as here) an editable install would otherwise compile every module on
    every start, about 0.18 s of CPU for the TUI on this machine, which no installed copy pays."""
    import importlib.util

    spec = importlib.util.find_spec("veille_tui")
    if spec is None or spec.origin is None:
        return "veille_tui not found"
    package = Path(spec.origin).parent
    done = subprocess.run([PY, "-m", "compileall", "-q", str(package)], capture_output=True, text=True)
    return f"{package} byte-compiled" if done.returncode == 0 else f"compileall failed: {done.stderr[-200:]}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="2 runs on small workloads: a smoke test")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write every row as JSON")
    parser.add_argument("--runs", type=int, help="runs per figure (default 5; 2 with --quick)")
    parser.add_argument("--only", choices=list(BENCHES), action="append", help="run only these (repeatable)")
    parser.add_argument("--work", type=Path, help="where the workloads are built and kept")
    parser.add_argument("--archive", type=Path, help="a Jekyll _posts folder (default ../shared/archive/_posts)")
    parser.add_argument("--no-peers", action="store_true", help="leave newsboat out")
    parser.add_argument("--pages", type=Path, help="real article pages (not ours) for the extraction CPU figure")
    parser.add_argument(
        "--fetch-counts", default="100,500", help="feed counts of the fetch benchmark (default 100,500)"
    )
    parser.add_argument(
        "--fetch-phases",
        default="cold,10% changed,unchanged",
        help="fetch phases, in order (default: cold,10%% changed,unchanged; the cold one is always run first)",
    )
    args = parser.parse_args()
    unknown = {p.strip() for p in args.fetch_phases.split(",")} - {"cold", "10% changed", "unchanged", ""}
    if unknown:
        parser.error(f"--fetch-phases: unknown phase(s) {sorted(unknown)}")
    quick = args.quick
    runs = args.runs or (2 if quick else 5)
    work = args.work or Path(tempfile.gettempdir()) / ("veille-tui-run-quick" if quick else "veille-tui-run")
    work.mkdir(parents=True, exist_ok=True)
    archive = args.archive or SHARED / "archive" / "_posts"
    real = archive.is_dir() and not quick
    if not real:
        archive = work / "archive" / "_posts"
        if not archive.is_dir():
            posts = 300 if quick else 2772
            print(f"no real archive (or --quick): generating {posts} posts in {archive}", flush=True)
            gen.make_archive(archive, posts)
    ctx = Context(
        quick=quick,
        runs=runs,
        work=work,
        archive=archive,
        archive_real=real,
        items=5_000 if quick else 50_000,
        newsboat=None if args.no_peers else shutil.which("newsboat"),
        pages=args.pages,
        fetch_counts=tuple(int(c) for c in args.fetch_counts.split(",") if c.strip()),
        fetch_phases=tuple(dict.fromkeys(["cold", *(p.strip() for p in args.fetch_phases.split(",") if p.strip())])),
    )
    compiled = compile_package()
    load = os.getloadavg()
    started = time.perf_counter()
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)

    def meta(done: bool) -> dict[str, Any]:
        return {
            "command": "python bench/run.py " + " ".join(sys.argv[1:]),
            "commit": commit.stdout.strip(),
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
            "load_before": [round(v, 1) for v in load],
            "load_after": [round(v, 1) for v in os.getloadavg()],
            "runs": runs,
            "quick": quick,
            "archive": "real" if real else "generated",
            "seconds": round(time.perf_counter() - started),
            "compiled": compiled,
            "complete": done,
        }

    def save(done: bool) -> None:  # after each benchmark: an interrupted run keeps what it measured
        if args.json:
            doc = {"meta": meta(done), "rows": [r.as_json() for r in ctx.rows], "skipped": ctx.skipped}
            args.json.write_text(json.dumps(doc, indent=1, ensure_ascii=False), encoding="utf-8")

    try:
        for name, bench in BENCHES.items():
            if args.only and name not in args.only:
                continue
            print(f"[{name}]", flush=True)
            t = time.perf_counter()
            try:
                bench(ctx)
            except Skip as why:
                ctx.skip(name, str(why))
            except (OSError, subprocess.SubprocessError, TimeoutError, sqlite3.Error, ValueError, KeyError) as error:
                ctx.skip(name, f"failed: {type(error).__name__}: {error}")
            print(f"  ({time.perf_counter() - t:.0f} s)", flush=True)
            save(False)
    except KeyboardInterrupt:
        ctx.skipped.append("interrupted: the benchmarks after the last row did not run")
    m = meta(True)
    print()
    print(
        f"{m['machine']}; commit {m['commit']}; {runs} runs a figure; load average {m['load_before'][0]} before,"
        f" {m['load_after'][0]} after; {m['seconds']} s; {compiled}"
    )
    print(table(ctx))
    for line in ctx.skipped:
        print(f"skipped: {line}")
    save(True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
