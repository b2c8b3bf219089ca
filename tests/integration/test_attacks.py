"""Hostile inputs, run as a user meets them (issue 13, SPEC "Reliability and security"): each gives
one clear message naming the feed or file, and nothing else is lost. Real processes, a threaded
attack server on 127.0.0.1 (bench/attack_server.py), real files.

FEED_ATTACKS are fetched together by one `veille-tui fetch` (with one good feed that must come in
whole); ARCHIVE_ATTACKS are indexed by one `veille-tui index`; OPML_ATTACKS, CONFIG_ATTACKS and
DATABASE_ATTACKS each by their command. test_attack_count prints how many fixtures ran.
"""

from __future__ import annotations

import functools
import json
import os
import random
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from bench.attack_server import ROUTES, Handler, send, serving, stacked_bomb
from tests.conftest import write_post

ESC = "\x1b"
HOSTILE = f"{ESC}[31mred{ESC}[0m {ESC}]52;c;cHduZWQ={ESC}\\ \x07bell \u202eevil\u202c {ESC}]0;title\x07"


def rss(items: str, title: str = "Attack") -> bytes:
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>{items}</channel></rss>'.encode()


def item(title: str, link: str = "https://attack.example/x", extra: str = "") -> str:
    return f"<item><title>{title}</title><link>{link}</link>{extra}</item>"


def lol(levels: int = 9) -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{(f"&lol{i - 1};" if i > 1 else "&lol;") * 10}">' for i in range(1, levels + 1)
    )
    return (
        f'<?xml version="1.0"?><!DOCTYPE rss [{entities}]><rss version="2.0"><channel><title>Bomb</title>'
        f"<item><title>&lol{levels};</title><link>https://attack.example/b</link></item></channel></rss>"
    ).encode()


@functools.cache
def deflate_bomb() -> bytes:
    """200 MB of zeros, deflated (~200 KB), built once."""
    z = zlib.compressobj(9)
    return b"".join(z.compress(bytes(1024 * 1024)) for _ in range(200)) + z.flush()


def redirect(to: str) -> Callable[[Handler], None]:
    return lambda h: send(h, b"", status=302, headers={"Location": to})


# path -> (what the server does, what the fetch must say: status, and a piece of the error/warning)
FEED_ATTACKS: dict[str, tuple[Callable[[Handler], None], str, str]] = {
    "/gzip2-1g": (ROUTES["/gzip2-1g"], "error", "too large: more than 10 MiB (decoded)"),
    "/gzip2-10g": (ROUTES["/gzip2-10g"], "error", "too large: more than 10 MiB (decoded)"),
    "/gzip3": (ROUTES["/gzip3"], "error", "refused: 3 stacked content encodings"),
    "/br": (ROUTES["/br"], "error", "unsupported content encoding: br"),
    "/badgzip": (ROUTES["/badgzip"], "error", "bad content encoding: gzip"),
    "/huge": (ROUTES["/huge"], "error", "too large: 20 MiB"),
    "/lying-length": (ROUTES["/lying-length"], "error", "not a feed"),
    "/trickle": (ROUTES["/trickle"], "error", "timed out after 2 s"),
    "/billion-laughs": (lambda h: send(h, lol()), "error", "refused: XML entity bomb (entity 'lol5'"),
    "/quadratic": (
        lambda h: send(
            h,
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "' + b"x" * 60_000 + b'">]><rss version="2.0"><channel>'
            b"<title>Q</title>" + b"<item><title>&a;</title></item>" * 40 + b"</channel></rss>",
        ),
        "error",
        "refused: XML entity bomb (its entity references",
    ),
    "/xxe": (
        lambda h: send(
            h,
            b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss version="2.0">'
            b"<channel><title>XXE</title><item><title>leak &x;</title><link>https://attack.example/xxe</link>"
            b"</item></channel></rss>",
        ),
        "ok",
        "",
    ),
    "/malformed": (
        lambda h: send(
            h,
            rss(item("Kept one") + "\n<item><title>Unclosed</title><description>a <b>bold</item>")[: -len("</rss>")],
        ),
        "ok",
        "malformed XML at line 2: mismatched tag; kept the 2 item(s) that could be read",
    ),
    "/escapes": (
        lambda h: send(
            h,
            rss(
                item(
                    HOSTILE.replace("&", "&amp;").replace("\x07", "&#7;").replace(ESC, "&#27;"),
                    "https://attack.example/escapes",
                    f"<author>{HOSTILE.replace(ESC, '')}</author><category>{ESC}[5mblink</category>"
                    f"<description>&lt;p&gt;{HOSTILE.replace(ESC, '')}&lt;/p&gt;</description>",
                ),
                title=f"Feed {ESC}[31m",
            ).replace(b"\x1b", b""),
        ),
        "ok",
        "",
    ),
    "/bad-links": (
        lambda h: send(
            h,
            rss(
                "".join(
                    item(f"Link {n}", link)
                    for n, link in enumerate(
                        ["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "/relative", "mailto:a@b.c"]
                    )
                )
            ),
        ),
        "ok",
        "",
    ),
    "/future": (
        lambda h: send(
            h, rss(item("From 2099", "https://attack.example/2099", "<pubDate>Thu, 01 Jan 2099 00:00:00 GMT</pubDate>"))
        ),
        "ok",
        "1 item(s) dated in the future: listed at their fetch time",
    ),
    "/no-title-no-link": (
        lambda h: send(h, rss(item("Real one") + "<item><description>nothing</description></item>" * 3)),
        "ok",
        "3 item(s) with neither title nor link dropped",
    ),
    "/binary": (
        lambda h: send(h, random.Random(1).randbytes(4096), headers={"X-Kind": "binary"}),
        "error",
        "not a feed",
    ),
    "/html": (lambda h: send(h, b"<!doctype html><html><body><p>Not a feed</p></body></html>"), "error", "not a feed"),
    "/empty": (lambda h: send(h, b""), "error", "not a feed: empty document"),
    "/json-garbage": (
        lambda h: send(h, b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": [], "title": {}}, 7]}'),
        "ok",
        "2 item(s) with neither title nor link dropped",
    ),
    "/redirect-loop": (redirect("/redirect-loop"), "error", "too many redirects"),
    "/redirect-file": (redirect("file:///etc/passwd"), "error", "redirect refused: only http and https"),
    "/http-500": (lambda h: send(h, b"oops", status=500), "error", "HTTP 500"),
    "/retry-after": (lambda h: send(h, b"slow down", status=429, headers={"Retry-After": "3600"}), "error", "HTTP 429"),
    "/long-title": (lambda h: send(h, rss(item("A" * 1_000_000, "https://attack.example/long"))), "ok", ""),
    "/many-items": (
        lambda h: send(h, rss("".join(item(f"Item {n}", f"https://attack.example/many/{n}") for n in range(3000)))),
        "ok",
        "",
    ),
    "/wrong-charset": (
        lambda h: send(h, rss(item("Caf\xe9", "https://attack.example/cafe")).replace(b"Caf\xc3\xa9", b"Caf\xe9")),
        "ok",
        "",
    ),
    "/deflate-bomb": (
        lambda h: send(h, deflate_bomb(), "deflate"),
        "error",
        "too large: more than 10 MiB (decoded)",
    ),
}
GOOD = "/feed"


def cli(*args: str, check: bool = False, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "veille_tui", *args],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, **(env or {})},
    )
    assert "Traceback" not in result.stderr, result.stderr
    if check:
        assert result.returncode == 0, result.stderr
    return result


def write_config(text: str) -> Path:
    config = Path(os.environ["VEILLE_TUI_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(text)
    return config


def test_feed_attacks(tmp_path) -> None:
    stacked_bomb(1), stacked_bomb(10), deflate_bomb()  # built before the clock starts
    routes = {**ROUTES, **{path: route for path, (route, _s, _m) in FEED_ATTACKS.items()}}
    with serving(lifetime=300, routes=routes) as server:
        paths = [*FEED_ATTACKS, GOOD]
        write_config(
            "[fetch]\ntimeout = 2\n"
            + "".join(f'[[feeds]]\nurl = "{server.url(p)}"\ntitle = "{p.strip("/")}"\n' for p in paths)
        )
        started = time.time()
        result = cli("fetch", "--json")
        elapsed = time.time() - started
    assert result.returncode == 1  # some failed: the others are kept
    outcomes = {o["name"]: o for o in json.loads(result.stdout)}
    assert set(outcomes) == {p.strip("/") for p in paths}
    for path, (_route, status, said) in FEED_ATTACKS.items():
        o = outcomes[path.strip("/")]
        assert o["status"] == status, (path, o)
        told = (o["error"] or "") + (o["warning"] or "")
        assert said in told, (path, o)
    assert outcomes["feed"]["status"] == "ok" and outcomes["feed"]["new"] == 3
    assert elapsed < 2 + 10  # the trickle's timeout, and everything else at once

    entries = json.loads(cli("list", "--json", "--limit", "0", check=True).stdout)
    text = json.dumps(entries)
    assert "\\u001b" not in text and "\\u0007" not in text and "\u202e" not in text  # escapes removed
    assert "root:" not in text  # the external entity was never read
    links = {e["link"] for e in entries}
    assert not any(str(link).startswith(("javascript:", "data:", "file:")) for link in links)
    future = next(e for e in entries if e["title"] == "From 2099")
    assert future["date"][:4] != "2099"
    shown = cli("show", str(future["id"]), check=True).stdout
    assert "dated 2099-01-01" in shown and "listed at its fetch time" in shown
    long = next(e for e in entries if e["title"].startswith("AAAA"))
    assert len(long["title"]) <= 500
    assert sum(e["title"].startswith("Item ") for e in entries) == 3000
    assert any(e["title"] == "Café" for e in entries)
    # the 429 is honoured: not asked again before its time
    again = {o["name"]: o for o in json.loads(cli("fetch", "--json", "retry-after").stdout)}
    assert again["retry-after"]["status"] == "deferred"


# --- the archive ----------------------------------------------------------------------------------

ARCHIVE_ATTACKS: dict[str, tuple[bytes | None, str, str]] = {
    # file -> (content, None for a symlink made below) -> expected status, piece of the reason
    "2026-01-01-binary.md": (b"---\ntitle: x\n---\n\x00\x01\x02" * 10, "problem", "binary file"),
    "2026-01-02-latin1.md": ("---\ntitle: Caf\xe9\n---\n".encode("latin-1"), "problem", "not valid UTF-8"),
    "2026-01-03-bad-yaml.md": (b"---\ntitle: [unclosed\n---\n", "problem", "bad YAML front matter at line"),
    "2026-01-04-unclosed.md": (b"---\ntitle: never closed\n", "problem", "front matter is not closed"),
    "2026-01-05-bad-date.md": (b"---\ntitle: x\ndate: 2026-13-45\n---\n", "problem", "date"),
    "2026-01-06-huge.md": (b"---\ntitle: big\n---\n" + b"x" * (6 * 1024 * 1024), "problem", "file too large"),
    "2099-01-01-future.md": (b"---\ntitle: later\n---\n", "skipped", "dated in the future"),
    "2026-01-07-yaml-bomb.md": (
        b"---\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        b"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
        b"title: *f\ntags: *f\npermalink: *f\n---\nbody\n",
        "indexed",
        "",
    ),
    "2026-01-08-deep-yaml.md": (b"---\ntitle: " + b"[" * 5000 + b"]" * 5000 + b"\n---\n", "problem", ""),
    "2026-01-09-escapes.md": (
        f"---\ntitle: 'bidi \u202eevil\u202c'\ntags: [ok]\n---\n{HOSTILE}\n".encode(),
        "indexed",
        "",
    ),
    "2026-01-12-escape-in-yaml.md": (f"---\ntitle: '{HOSTILE}'\n---\n".encode(), "problem", "unacceptable character"),
    "2026-01-10-python-tag.md": (b"---\ntitle: !!python/object/apply:os.system ['echo pwned']\n---\n", "problem", ""),
    "sub/up": (None, "problem", "symlink loop"),
    "outside": (None, "problem", "symlink out of the archive"),
    "dangling.md": (None, "problem", "broken symlink"),
}


def test_archive_attacks(tmp_path) -> None:
    posts = tmp_path / "_posts"
    write_post(posts, "2026-01-11-fine.md", "---\ntitle: Fine\n---\nA fine post.\n")
    for name, (content, _status, _reason) in ARCHIVE_ATTACKS.items():
        if content is not None:
            (posts / name).parent.mkdir(parents=True, exist_ok=True)
            (posts / name).write_bytes(content)
    (posts / "sub").mkdir(exist_ok=True)
    os.symlink("..", posts / "sub" / "up")
    os.symlink(tmp_path, posts / "outside")
    os.symlink("missing.md", posts / "dangling.md")
    started = time.time()
    result = cli("--archive", str(posts), "index", "--json", check=True)
    assert time.time() - started < 30
    report = json.loads(result.stdout)
    problems = {p["file"]: p["reason"] for p in report["problems"]}
    indexed = {e["file"] for e in json.loads(cli("--archive", str(posts), "list", "--json", check=True).stdout)}
    assert report["indexed"] == len(indexed) == 3  # fine, yaml-bomb, escapes
    assert report["indexed"] + report["skipped"] + len(problems) == len(ARCHIVE_ATTACKS) + 1
    for name, (_content, status, reason) in ARCHIVE_ATTACKS.items():
        if status == "problem":
            assert name in problems and reason in problems[name], (name, problems.get(name))
        elif status == "indexed":
            assert name in indexed, name
    assert not (tmp_path / "pwned").exists()
    listed = cli("--archive", str(posts), "list", check=True).stdout
    assert ESC not in listed and "\u202e" not in listed


# --- OPML, config, database -------------------------------------------------------------------------

OPML_ATTACKS = {
    "laughs.opml": b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
    b'<opml version="2.0"><body><outline text="&b;" xmlUrl="https://e.org/rss"/></body></opml>',
    "xxe.opml": b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<opml version="2.0"><body><outline text="&x;" xmlUrl="https://e.org/rss"/></body></opml>',
    "truncated.opml": b'<?xml version="1.0"?><opml version="2.0"><body><outline text="a" xmlUrl="https://e',
    "encoding.opml": b'<?xml version="1.0" encoding="x-no-such"?><opml version="2.0"><body/></opml>',
    "binary.opml": bytes(range(256)) * 4,
}

CONFIG_ATTACKS = {
    "bad TOML": ("archive = [unclosed\n", "invalid TOML"),
    "wrong type": ("[fetch]\ntimeout = 'soon'\n", "[fetch] timeout must be"),
    "unknown key": ("arhcive = '/x'\n", "unknown setting(s): arhcive"),
    "bad archive_format": ("archive_format = 'wordpress'\n", "archive_format must be one of"),
}

DATABASE_ATTACKS = {
    "random bytes": random.Random(7).randbytes(64 * 1024),
    "empty SQLite header": b"SQLite format 3\x00" + b"\x00" * 4080,
}


@pytest.mark.parametrize("name", list(OPML_ATTACKS))
def test_opml_attacks(tmp_path, name) -> None:
    config = write_config('[[feeds]]\nurl = "https://kept.example/rss"\n')
    before = config.read_text()
    path = tmp_path / name
    path.write_bytes(OPML_ATTACKS[name])
    result = cli("feeds", "import", str(path))
    assert result.returncode == 2 and name in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert config.read_text() == before


@pytest.mark.parametrize("name", list(CONFIG_ATTACKS))
def test_config_attacks(name) -> None:
    text, said = CONFIG_ATTACKS[name]
    config = write_config(text)
    result = cli("list")
    assert result.returncode == 2 and str(config) in result.stderr and said in result.stderr


@pytest.mark.parametrize("name", list(DATABASE_ATTACKS))
def test_database_attacks(name) -> None:
    from veille_tui.core.paths import database_file

    path = database_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(DATABASE_ATTACKS[name])
    result = cli("list")
    assert result.returncode == 2 and str(path) in result.stderr and "doctor --repair" in result.stderr
    doctor = cli("doctor", "--json")
    assert doctor.returncode == 1
    assert next(c for c in json.loads(doctor.stdout)["checks"] if c["name"] == "database")["ok"] is False


def test_hostile_draft_title(tmp_path) -> None:
    posts = tmp_path / "_posts"
    posts.mkdir()
    with serving(
        lifetime=60,
        routes={
            "/feed": lambda h: send(
                h,
                rss(
                    item(
                        "../../../etc/passwd " + HOSTILE.replace(ESC, "&#27;").replace("\x07", ""),
                        "https://attack.example/d",
                    )
                ),
            )
        },
    ) as server:
        write_config(f'[[feeds]]\nurl = "{server.url("/feed")}"\n')
        cli("fetch", check=True)
    (entry,) = json.loads(cli("--archive", str(posts), "list", "--json", check=True).stdout)
    path = Path(cli("--archive", str(posts), "archive", str(entry["id"]), check=True).stdout.strip())
    assert path.parent == tmp_path / "_drafts" and path.name.isascii() and "/" not in path.name[:-3]
    assert ".." not in path.name
    assert ESC not in path.read_text()


def test_attack_count() -> None:
    count = (
        len(FEED_ATTACKS) + len(ARCHIVE_ATTACKS) + len(OPML_ATTACKS) + len(CONFIG_ATTACKS) + len(DATABASE_ATTACKS) + 1
    )
    print(f"\n{count} attack fixtures")
    assert count >= 50
