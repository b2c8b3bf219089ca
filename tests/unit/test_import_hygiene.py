"""What each layer may load, checked in a fresh interpreter (as harlequin does): the data layer
never imports Textual or Rich, and the sub-commands never import Textual.

httpx imports its command-line module (and with it Rich) when `click` is installed, as it is
beside import-linter: the checks block `click` so that only our own imports are judged.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "_posts"

IMPORT_ALL_OF_CORE = (
    "import pkgutil, importlib, veille_tui.core as core\n"
    "for m in pkgutil.walk_packages(core.__path__, 'veille_tui.core.'):\n"
    "    importlib.import_module(m.name)\n"
)
RUN_LIST = f"from veille_tui.cli import main\nmain(['--archive', {str(EXAMPLES)!r}, 'list', '--json'])\n"
RUN_HELP = "from veille_tui.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"


@pytest.mark.parametrize(
    ("what", "code", "forbidden"),
    [
        ("every module of core", IMPORT_ALL_OF_CORE, ("textual", "rich")),
        ("veille-tui list", RUN_LIST, ("textual",)),
        ("veille-tui --help", RUN_HELP, ("textual",)),
    ],
)
def test_import_hygiene(what: str, code: str, forbidden: tuple[str, ...], tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "sys.modules['click'] = None  # see the module's docstring\n"
        + code
        + f"bad = sorted({{m.split('.')[0] for m in sys.modules}} & set({forbidden!r}))\n"
        "print('FORBIDDEN', bad, file=sys.stderr)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    env = {
        "VEILLE_TUI_DATA_DIR": str(tmp_path / "data"),
        "VEILLE_TUI_CONFIG": str(tmp_path / "none.toml"),
        "PATH": "/usr/bin:/bin",
    }
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 0, f"{what}: {out.stderr[-2000:]}"


# --- the rooms, read from the source: each module's imports parsed (as harlequin's hygiene test) ----

SRC = Path(__file__).resolve().parents[2] / "src"

# what the front ends (cli, tui) may import from core: ARCHITECTURE.md "The rules" lists the same
FRONT_END_CORE = {
    "library",  # THE API
    "models",  # what it returns
    "errors",  # what it raises
    "query",  # the query language's parser (the TUI checks a query as it is typed)
    "config",  # the settings, `config set` writes one value
    "paths",  # where the config and the data are
    "text",  # cleaning untrusted text for the terminal
    "article",  # an article body as read: pure functions over its text (links, terms)
    "opml",  # the OPML format, parsed and written (no I/O of the data)
    "doctor",  # its result types, in annotations only (the checks run through Library)
}
STORE_MAY_NOT = ("enrich", "archive", "feeds", "sync", "update", "net")


def imports_of(path: Path, module: str) -> set[str]:
    """Every module a source file imports (relative imports resolved; `from a import b` gives a.b
    too, as b may be a module)."""
    found: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join([*parts, *([base] if base else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def modules() -> dict[str, set[str]]:
    found = {}
    for path in sorted((SRC / "veille_tui").rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = imports_of(path, name)
    return found


def breaches(graph: dict[str, set[str]]) -> dict[str, list[str]]:
    """What each rule finds broken: {rule: ['module -> import', ...]}."""
    found: dict[str, list[str]] = {"store": [], "httpx": [], "front ends": []}
    for name, imported in graph.items():
        for target in sorted(imported):
            top = target.split(".")[0]
            if name.startswith("veille_tui.core.store") and any(
                target == f"veille_tui.core.{room}" or target.startswith(f"veille_tui.core.{room}.")
                for room in STORE_MAY_NOT
            ):
                found["store"].append(f"{name} -> {target}")
            if top in ("httpx", "httpcore") and not name.startswith("veille_tui.core.net"):
                found["httpx"].append(f"{name} -> {target}")
            if name.startswith(("veille_tui.cli", "veille_tui.tui")) and target.startswith("veille_tui.core."):
                room = target.split(".")[2]
                if room not in FRONT_END_CORE and f"veille_tui.core.{room}" in graph:
                    found["front ends"].append(f"{name} -> {target}")
    return found


@pytest.mark.parametrize("rule", ["store", "httpx", "front ends"])
def test_rooms(rule: str) -> None:
    """core/store imports nothing of enrich, archive, feeds, sync, update or net; only core/net
    imports httpx; the front ends import from core only what ARCHITECTURE.md lists."""
    assert breaches(modules())[rule] == []


def test_the_rooms_check_finds_a_breach(tmp_path: Path) -> None:
    """The checker itself: a store module importing enrich, a feed module importing httpx, a screen
    importing the store are each found."""
    cases = {
        "veille_tui.core.store.bad": "from veille_tui.core import enrich\nfrom ..archive import indexer\n",
        "veille_tui.core.feeds.bad": "import httpx\n",
        "veille_tui.tui.screens.bad": "from veille_tui.core.store import Store\n",
    }
    graph = modules()
    for name, code in cases.items():
        path = tmp_path / "bad.py"
        path.write_text(code, encoding="utf-8")
        graph[name] = imports_of(path, name)
    found = breaches(graph)
    assert found["store"] == [
        "veille_tui.core.store.bad -> veille_tui.core.archive",
        "veille_tui.core.store.bad -> veille_tui.core.archive.indexer",
        "veille_tui.core.store.bad -> veille_tui.core.enrich",
    ]
    assert found["httpx"] == ["veille_tui.core.feeds.bad -> httpx"]
    assert found["front ends"] == [
        "veille_tui.tui.screens.bad -> veille_tui.core.store",
        "veille_tui.tui.screens.bad -> veille_tui.core.store.Store",
    ]
