"""[[notify]] checked (one URL source, owner-only when the URL is in the config, the triggers, the
query), a URL from an owner-only file, and the message: counted, cut at ten, markup neutralised,
links only http(s)."""

from __future__ import annotations

from pathlib import Path

import pytest

from veille_tui.core import config as config_mod
from veille_tui.core.errors import ConfigError, NotifyError
from veille_tui.core.models import NotifyTarget, WatchMatch
from veille_tui.core.notify.message import compose, plain, safe_link
from veille_tui.core.notify.secret import target_url


def _config(tmp_path: Path, text: str, mode: int = 0o600) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    path.chmod(mode)
    return path


def test_targets_read(tmp_path: Path) -> None:
    path = _config(
        tmp_path, '[[notify]]\nurl = "ntfy://ntfy.sh/team"\n\n[[notify]]\nurl_file = "url.txt"\non = ["kev"]\n'
    )
    first, second = config_mod.load(path).notify
    assert first.url == "ntfy://ntfy.sh/team" and first.on == ("watch", "asset") and first.label == "ntfy://ntfy.sh"
    assert second.url_file == tmp_path / "url.txt" and second.on == ("kev",)
    assert first.key != second.key


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("[[notify]]\n", "needs one of url"),
        ('[[notify]]\nurl = "a://b"\nurl_command = "pass x"\n', "not several"),
        ('[[notify]]\nurl = "a://b"\non = ["rss"]\n', "on must list"),
        ('[[notify]]\nurl = "a://b"\nquery = "is:nonsense"\n', "query"),
        ('[[notify]]\nurl = "a://b"\nto = "x"\n', "unknown setting"),
    ],
)
def test_bad_targets(tmp_path: Path, text: str, said: str) -> None:
    with pytest.raises(ConfigError, match=said):
        config_mod.load(_config(tmp_path, text))


def test_a_url_in_a_config_others_can_read_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="chmod 600"):
        config_mod.load(_config(tmp_path, '[[notify]]\nurl = "ntfy://ntfy.sh/team"\n', 0o644))


def test_url_file_owner_only(tmp_path: Path) -> None:
    secret = tmp_path / "url.txt"
    secret.write_text("ntfy://token@ntfy.sh/team\n")
    secret.chmod(0o600)
    assert target_url(NotifyTarget(url_file=secret)) == "ntfy://token@ntfy.sh/team"
    secret.chmod(0o644)
    with pytest.raises(NotifyError, match="chmod 600"):
        target_url(NotifyTarget(url_file=secret))
    assert target_url(NotifyTarget(url_command="echo json://127.0.0.1/x")) == "json://127.0.0.1/x"
    with pytest.raises(NotifyError, match="exit 3"):
        target_url(NotifyTarget(url_command="exit 3"))


def test_message_counts_and_cuts() -> None:
    matches = [WatchMatch(i, f"Story {i}", f"https://x.example/{i}", ("fortinet",)) for i in range(12)]
    matches.append(WatchMatch(99, "Exchange", None, ("Exchange Server",), "asset"))
    title, body = compose(matches)
    assert title == "veille-tui: 13 new matches (1 asset, 12 watch)"
    assert body.count("- watch: fortinet - Story") == 10 and body.endswith("+3 more")
    assert "  https://x.example/0\n" in body


def test_text_cannot_make_markup_or_links() -> None:
    assert plain("\x1b[31mred\x1b[0m [a](javascript:x) <img src=x> `code` **b** | t &lt;x&gt;") == (
        "red (a)(javascript:x) ‹img src=x› 'code' ··b·· / t ‹x›"
    )
    assert safe_link("javascript:alert(1)") is None
    assert safe_link("https://a.example/x) [y](https://evil") is None
    assert safe_link("https://a.example/p?q=1&r=2#frag") == "https://a.example/p?q=1&r=2#frag"
