"""Every place veille-tui reads or writes, in one module (tests redirect it by environment)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "veille-tui"


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME))


def config_file(override: str | os.PathLike[str] | None = None) -> Path:
    """--config, else VEILLE_TUI_CONFIG, else config.toml in the platform config folder."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get("VEILLE_TUI_CONFIG")
    if env:
        return Path(env).expanduser()
    return config_dir() / "config.toml"


def data_dir() -> Path:
    env = os.environ.get("VEILLE_TUI_DATA_DIR")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME))


def database_file() -> Path:
    return data_dir() / "veille.db"


def log_file() -> Path:
    """Where unexpected errors are told in full (the terminal gets one line)."""
    return data_dir() / "veille-tui.log"


def user_themes_dir(config_path: Path | None = None) -> Path:
    """User themes live beside the config file in use."""
    base = config_path.parent if config_path else config_dir()
    return base / "themes"
