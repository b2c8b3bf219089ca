"""What each layer may load, checked in a fresh interpreter (as harlequin does): the data layer
never imports Textual or Rich, and the sub-commands never import Textual.

httpx imports its command-line module (and with it Rich) when `click` is installed, as it is
beside import-linter: the checks block `click` so that only our own imports are judged.
"""

from __future__ import annotations

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
