"""The config of full text: per-feed `full_text = true`, `[fetch] full_text_query`, both
checked, and kept when the feeds are written back."""

from __future__ import annotations

from pathlib import Path

import pytest

from veille_tui.core import config as config_mod
from veille_tui.core.errors import ConfigError
from veille_tui.core.models import Feed


def test_full_text_settings_are_read(tmp_path) -> None:
    data = {
        "feeds": [{"url": "https://a.example/feed", "full_text": True}, {"url": "https://b.example/feed"}],
        "fetch": {"full_text_query": " +watch is:unread "},
    }
    settings = config_mod.from_dict(data, tmp_path / "config.toml")
    assert [f.full_text for f in settings.feeds] == [True, False]
    assert settings.fetch.full_text_query == "+watch is:unread" and settings.fetch.full_text_per_host == 2
    assert config_mod.from_dict({}, tmp_path / "c.toml").fetch.full_text_query == ""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"feeds": [{"url": "https://a.example/feed", "full_text": "yes"}]}, "full_text must be true or false"),
        ({"fetch": {"full_text_query": 3}}, "full_text_query must be a query string"),
        ({"fetch": {"full_text_query": "is:nonsense"}}, "full_text_query: 'is:nonsense'"),
    ],
)
def test_bad_values_are_told(tmp_path, data, message) -> None:
    with pytest.raises(ConfigError, match=message):
        config_mod.from_dict(data, Path(tmp_path / "config.toml"))


def test_written_back(tmp_path) -> None:
    path = tmp_path / "config.toml"
    config_mod.write_feeds(path, [Feed("https://a.example/feed", "A", ("a",), None, True), Feed("https://b.example/f")])
    text = path.read_text()
    assert text.count("full_text = true") == 1
    feeds = config_mod.load(path).feeds
    assert [f.full_text for f in feeds] == [True, False]
