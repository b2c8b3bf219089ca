"""Config file: defaults, errors naming file and line, writing back with comments kept."""

from __future__ import annotations

import pytest

from veille_tui.core import config
from veille_tui.core.errors import ConfigError
from veille_tui.core.models import Feed


def test_no_file_gives_defaults(tmp_path) -> None:
    settings = config.load(None)
    assert settings.exists is False
    assert len(settings.feeds) == 8 and settings.archive is None
    assert {f.tags[0] for f in settings.feeds} >= {"bleepingcomp", "hackernews", "certfr"}


def test_full_config(tmp_path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("""
archive = "posts"
theme = "veille-light"
watch = ["fortinet", "ivanti"]
animations = false
[queries]
urgent = "+cve is:unread"
[fetch]
timeout = 5
per_host = 2
[[feeds]]
url = "https://example.com/feed"
title = "Example"
tags = ["Example-Tag"]
""")
    s = config.load(path)
    assert s.archive == tmp_path / "posts"
    assert s.theme == "veille-light" and s.watch == ("fortinet", "ivanti")
    assert s.queries == (("urgent", "+cve is:unread"),)
    assert s.fetch.timeout == 5.0 and s.fetch.per_host == 2
    assert s.feeds == (Feed("https://example.com/feed", "Example", ("example-tag",)),)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("archive = \n", "line 1"),
        ("[[feeds]]\ntitle = 'no url'\n", "needs a url"),
        ("wach = ['x']\n", "unknown setting"),
        ("[fetch]\ntimeout = -1\n", "timeout"),
        ("watch = 3\n", "watch"),
    ],
)
def test_bad_config_names_the_file(tmp_path, text, needle) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        config.load(path)
    assert str(path) in str(info.value) and needle in str(info.value)


def test_write_feeds_keeps_comments(tmp_path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        '# my settings\ntheme = "veille-dark"  # dark is best\n\n[[feeds]]\n# the big one\nurl = "https://a.example/rss"\ntags = ["a"]\n'
    )
    settings = config.load(path)
    config.write_feeds(path, [*settings.feeds, Feed("https://b.example/rss", "B", ("b",))])
    text = path.read_text()
    assert "# my settings" in text and "# dark is best" in text and "# the big one" in text
    assert [f.url for f in config.load(path).feeds] == ["https://a.example/rss", "https://b.example/rss"]
    config.write_feeds(path, [Feed("https://b.example/rss", "B", ("b",))])
    assert [f.url for f in config.load(path).feeds] == ["https://b.example/rss"]
    config.write_value(path, "theme", "high-contrast")
    assert config.load(path).theme == "high-contrast" and "# my settings" in path.read_text()


@pytest.mark.parametrize("mode", ["auto", "full", "pane"])
def test_tui_reading(tmp_path, mode) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f'[tui]\nreading = "{mode}"\n', encoding="utf-8")
    assert config.load(path).reading == mode


@pytest.mark.parametrize(
    ("text", "needle"), [('reading = "wide"', "[tui] reading must be"), ("zoom = 1", "unknown [tui]")]
)
def test_tui_reading_refused(tmp_path, text, needle) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f"[tui]\n{text}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        config.load(path)
    assert needle in str(caught.value) and str(path) in str(caught.value)
