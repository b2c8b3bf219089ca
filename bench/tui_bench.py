"""TUI figures: first paint, tag switch and query times, article after rest, peak memory, bytes
written to the terminal per cursor move. Runs the real `veille-tui` under a pseudo-terminal.

    python bench/tui_bench.py [--archive ../shared/archive/_posts] [--work /tmp/veille-tui-bench]
                              [--items 50000] [--runs 7]

- first paint: from just before the process is spawned until its first frame (the status line)
  reaches the terminal, warm (one discarded run first), median of --runs; against a bare Textual
  app of three panes and a footer measured the same way.
- tag switch / query: timestamps inside the app (MainScreen.timings): `apply` is the work of a
  filter change (SQL ids + list + sidebar + status), `apply_painted` until the screen refresh
  that shows it has run. Keys are sent through the terminal like a user's.
- article after rest: from the last cursor move until the article is on screen (it includes the
  debounce that waits for the cursor to rest).
- peak RSS: VmHWM of the app process before it quits.
- bytes per move: 20 `j` at 25 per second (key repeat), then rest until the article is painted;
  total bytes written to the terminal from the first move to the end, divided by 20.

Measured here (2 cores, Textual 8.2.8, real archive + 50,000 generated items = 52,772 entries):
first paint 0.33 s vs 0.20 s for the bare app (1.6x; target 1.3x, not met: of the 0.13 s, about
60 ms are imports of our own (the command line, core: yaml and python-frontmatter are imported at
start though only the index needs them; the widgets), 30 ms the first layout and render of a full
screen of rows, the rest CSS and mounting); tag switch 12 ms of work, 30 ms until painted
(median; max 18 / 63 ms); query 9-11 ms of work, 28-35 ms painted; article on screen 85 ms after
the cursor rests (median, the 80 ms debounce included; max 123 ms); peak RSS 60 MB; bytes per move
848 B at 80x24 and 879 B at 200x50 in truecolor, 668 B and 731 B in 256 colours.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import textwrap
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_ARCHIVE = REPO.parent / "shared" / "archive" / "_posts"

BARE_APP = textwrap.dedent("""
    from textual.app import App
    from textual.containers import Horizontal
    from textual.widgets import Footer, Static

    class Bare(App):
        CSS = "Horizontal { height: 1fr; } Static { width: 1fr; height: 1fr; border-right: vkey $panel; }"
        BINDINGS = [("q", "quit", "Quit")]

        def compose(self):
            with Horizontal():
                yield Static("sidebar")
                yield Static("list")
                yield Static("article")
            yield Static("bare-ready", id="status")
            yield Footer()

    Bare().run()
""")

# The end of a child that runs the app over `lib` and dumps the main screen's timings (the app
# itself records them) into `out` at exit; bench/intel_bench.py's child ends the same way.
RUN_AND_DUMP = textwrap.dedent("""
    app = VeilleApp(lib, offline=True)
    screens = []
    make = app.get_default_screen
    def get_default_screen():
        screen = make()
        screens.append(screen)
        return screen
    app.get_default_screen = get_default_screen
    app.run()
    with open(out, "w") as f:
        json.dump({k: list(v) for k, v in screens[0].timings.items()}, f)
""")

# The child that runs the app with its timings dumped at exit.
TIMING_CHILD = (
    textwrap.dedent("""
    import json, sys
    from veille_tui.tui.app import VeilleApp
    from veille_tui.core.library import Library

    out, archive = sys.argv[1], sys.argv[2]
    lib = Library.open(archive=archive)
""")
    + RUN_AND_DUMP
)


class Term:
    """A process on a pseudo-terminal of a given size; everything it writes is kept, timed."""

    def __init__(self, argv: list[str], env: dict[str, str], cols: int, rows: int) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.master = master
        self.chunks: list[tuple[float, bytes]] = []
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
            close_fds=True,
        )
        os.close(slave)

    def read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.master, 65536)
        except OSError:
            return False
        if data:
            self.chunks.append((time.perf_counter(), data))
        return bool(data)

    @property
    def output(self) -> bytes:
        return b"".join(data for _, data in self.chunks)

    def wait_for(self, marker: bytes, timeout: float = 20.0) -> float:
        """Seconds from spawn until `marker` was written."""
        deadline = time.perf_counter() + timeout
        buffer = b""
        while time.perf_counter() < deadline:
            if self.read(0.05):
                buffer += self.chunks[-1][1]
                if marker in buffer:
                    return self.chunks[-1][0] - self.started
        raise TimeoutError(f"{marker!r} not seen in {timeout} s; got {buffer[-400:]!r}")

    def settle(self, quiet: float = 1.0, timeout: float = 30.0) -> None:
        """Read until nothing has been written for `quiet` seconds."""
        deadline = time.perf_counter() + timeout
        last = time.perf_counter()
        while time.perf_counter() < deadline:
            if self.read(0.05):
                last = time.perf_counter()
            elif time.perf_counter() - last >= quiet:
                return

    def send(self, keys: str | bytes) -> None:
        os.write(self.master, keys.encode() if isinstance(keys, str) else keys)

    def peak_rss_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def quit(self, keys: str = "q", timeout: float = 10.0) -> int:
        self.send(keys)
        deadline = time.perf_counter() + timeout
        while self.proc.poll() is None and time.perf_counter() < deadline:
            self.read(0.05)
        if self.proc.poll() is None:
            self.proc.kill()
        os.close(self.master)
        return self.proc.wait()


def prepare(work: Path, archive: Path, items: int) -> dict[str, str]:
    """The 50,000-item store (built once, then reused: warm) and an environment using it."""
    sys.path.insert(0, str(HERE))
    import make_store  # noqa: E402  (bench/make_store.py)

    data = work / "data"
    db = data / "veille.db"
    config = work / "config.toml"
    if not db.exists():
        data.mkdir(parents=True, exist_ok=True)
        print(f"building {db} ({items} items + {archive})…", file=sys.stderr)
        make_store.make(db, items, archive).close()
    lines = []
    for i in range(100):
        lines += [
            "[[feeds]]",
            f'url = "https://feeds.example.net/{i}/rss.xml"',
            f'title = "Bench feed {i:03d}"',
            f'tags = ["{make_store.TAGS[i % len(make_store.TAGS)]}"]',
            "",
        ]
    config.write_text("\n".join(lines), encoding="utf-8")
    env = dict(os.environ)
    env.update(
        VEILLE_TUI_DATA_DIR=str(data),
        VEILLE_TUI_CONFIG=str(config),
        TERM="xterm-256color",
        COLORTERM="truecolor",
        PYTHONDONTWRITEBYTECODE="1",
    )
    for name in ("TEXTUAL_THEME", "VEILLE_TUI_ARCHIVE", "DISPLAY", "WAYLAND_DISPLAY", "TMUX"):
        env.pop(name, None)
    return env


def veille_argv(archive: Path) -> list[str]:
    return [sys.executable, "-m", "veille_tui", "--archive", str(archive), "--offline"]


def first_paint(env: dict[str, str], archive: Path, runs: int, bare_script: Path) -> dict:
    results: dict[str, list[float]] = {"veille": [], "bare": []}
    marker = b"entries"

    def one(kind: str) -> float:
        if kind == "veille":
            term = Term(veille_argv(archive), env, 160, 48)
            seconds = term.wait_for(marker)
        else:
            term = Term([sys.executable, str(bare_script)], env, 160, 48)
            seconds = term.wait_for(b"bare-ready")
        term.settle(0.3)
        term.quit()
        return seconds

    one("veille"), one("bare")  # warm-up
    for _ in range(runs):
        for kind in ("veille", "bare"):
            results[kind].append(one(kind))
    veille, bare = statistics.median(results["veille"]), statistics.median(results["bare"])
    return {
        "veille_s": veille,
        "bare_s": bare,
        "ratio": veille / bare,
        "veille_all": results["veille"],
        "bare_all": results["bare"],
    }


def timings(env: dict[str, str], archive: Path, work: Path) -> dict:
    out = work / "timings.json"
    child = work / "timing_child.py"
    child.write_text(TIMING_CHILD, encoding="utf-8")
    term = Term([sys.executable, str(child), str(out), str(archive)], env, 160, 48)
    term.wait_for(b"entries")
    term.settle(1.5)
    for _ in range(12):  # tag switches
        term.send("]")
        term.settle(0.4)
    queries = [
        "+ransomware is:unread",
        "fortinet",
        "+cve @30d",
        "vulnérabilité patch",
        "feed:bench -cloud",
        "is:starred",
        "+certfr",
    ]
    for query in queries:
        term.send("/")
        term.settle(0.3)
        term.send(b"\x15" + query.encode() + b"\r")  # ctrl+u, the query, enter
        term.settle(0.4)
    for _ in range(6):  # rests on entries: the article follows
        term.send("]")
        term.settle(0.3)
        term.send("j")
        term.settle(0.4)
    rss = term.peak_rss_mb()
    term.quit()
    data = json.loads(out.read_text())
    apply = data.get("apply", [])
    painted = data.get("apply_painted", [])
    n_tags = 12
    summary = {
        "tag_switch_ms": _stats(apply[1 : n_tags + 1]),  # the first ] of a session includes warm-up
        "tag_switch_painted_ms": _stats(painted[1 : n_tags + 1]),
        "query_ms": _stats(apply[n_tags + 1 : n_tags + 1 + len(queries)]),
        "query_painted_ms": _stats(painted[n_tags + 1 : n_tags + 1 + len(queries)]),
        "article_render_ms": _stats(data.get("article_render", [])),
        "article_after_rest_ms": _stats(data.get("article_after_rest", [])),
        "startup_load_ms": _stats(data.get("startup_load", [])),
        "peak_rss_mb": rss,
    }
    return summary


def _stats(values: list[float]) -> dict:
    if not values:
        return {}
    ms = [v * 1000 for v in values]
    return {"median": round(statistics.median(ms), 1), "max": round(max(ms), 1), "n": len(ms)}


def bytes_per_move(env: dict[str, str], archive: Path, cols: int, rows: int, moves: int = 20) -> dict:
    term = Term(veille_argv(archive), env, cols, rows)
    term.wait_for(b"entries")
    term.settle(2.0)
    start = len(term.chunks)
    first = time.perf_counter()
    for _ in range(moves):
        term.send("j")
        time.sleep(0.04)
        while term.read(0):
            pass
    moved = len(term.chunks)
    term.settle(1.0)
    during = sum(len(d) for _, d in term.chunks[start:moved])
    total = sum(len(d) for _, d in term.chunks[start:])
    rss = term.peak_rss_mb()
    term.quit()
    del first
    return {
        "size": f"{cols}x{rows}",
        "bytes_per_move": round(total / moves),
        "during_moves": during,
        "after_rest": total - during,
        "total": total,
        "peak_rss_mb": round(rss, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--archive", type=Path, default=DEFAULT_ARCHIVE)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "veille-tui-bench")
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--only", choices=["paint", "timings", "bytes"], action="append")
    parser.add_argument("--colour", default="truecolor", help="COLORTERM for the app (truecolor, or '' for 256)")
    args = parser.parse_args()
    if not args.archive.is_dir():
        print(f"no archive at {args.archive}: give --archive DIR", file=sys.stderr)
        return 2
    args.work.mkdir(parents=True, exist_ok=True)
    env = prepare(args.work, args.archive, args.items)
    if args.colour:
        env["COLORTERM"] = args.colour
    else:
        env.pop("COLORTERM", None)
    bare = args.work / "bare_app.py"
    bare.write_text(BARE_APP, encoding="utf-8")
    only = set(args.only or ["paint", "timings", "bytes"])
    report: dict = {}
    if "paint" in only:
        report["first_paint"] = first_paint(env, args.archive, args.runs, bare)
        fp = report["first_paint"]
        print(f"first paint: veille-tui {fp['veille_s']:.3f} s, bare app {fp['bare_s']:.3f} s, ratio {fp['ratio']:.2f}")
    if "timings" in only:
        report["timings"] = timings(env, args.archive, args.work)
        for key, value in report["timings"].items():
            print(f"{key}: {value}")
    if "bytes" in only:
        report["bytes"] = [bytes_per_move(env, args.archive, 80, 24), bytes_per_move(env, args.archive, 200, 50)]
        for row in report["bytes"]:
            print(
                f"bytes per move at {row['size']}: {row['bytes_per_move']} B "
                f"(moves {row['during_moves']} B, article at rest {row['after_rest']} B), "
                f"peak RSS {row['peak_rss_mb']} MB"
            )
    (args.work / "report.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
