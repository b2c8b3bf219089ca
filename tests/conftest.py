"""Shared fixtures: every test runs with its own config and data folders."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REAL_ARCHIVE = ROOT.parent / "shared" / "archive" / "_posts"
EXAMPLES = ROOT / "examples" / "_posts"


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """No test reads or writes the user's real config or data."""
    monkeypatch.setenv("VEILLE_TUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("VEILLE_TUI_CONFIG", str(tmp_path / "config" / "config.toml"))
    monkeypatch.delenv("VEILLE_TUI_ARCHIVE", raising=False)
    monkeypatch.delenv("TEXTUAL_THEME", raising=False)
    # no KEV/EPSS download from the internet at fetch time (the intel tests serve their own)
    monkeypatch.setenv("VEILLE_TUI_INTEL", "off")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    return tmp_path


@pytest.fixture
def posts_dir(tmp_path):
    folder = tmp_path / "_posts"
    folder.mkdir()
    return folder


def write_post(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding=encoding)
    return path


@pytest.fixture
def real_archive():
    if not REAL_ARCHIVE.is_dir():
        pytest.skip("the real archive (../shared/archive/_posts) is not here")
    return REAL_ARCHIVE


def run_cli(
    *args: str, env: dict[str, str] | None = None, check: bool = True, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`veille-tui ARGS` as a user runs it: a process of its own, in the test's environment with
    `env` over it, stdout and stderr apart; with `check`, an exit other than 0 fails the test."""
    result = subprocess.run(
        [sys.executable, "-m", "veille_tui", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"exit {result.returncode}: {result.stderr}")
    return result
