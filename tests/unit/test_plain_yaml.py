"""The front matter read without YAML (core/archive/plain_yaml.py) is what YAML reads: on every
post of the real archive (when it is here), against python-frontmatter too, on every front matter
of our fixtures and examples, and on crafted headers; what is not of the plain shape goes to YAML."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import frontmatter
import pytest
import yaml
from tests.conftest import EXAMPLES, REAL_ARCHIVE

from veille_tui.core.archive import plain_yaml
from veille_tui.core.archive.frontmatter import _CLOSE, _OPEN, split_front_matter

ROOT = Path(__file__).resolve().parent.parent.parent
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def typed(value: Any) -> Any:
    """A value with the type of every part (True is not 1, a date is not a datetime)."""
    if isinstance(value, dict):
        return ("dict", [(typed(k), typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [typed(v) for v in value])
    return (type(value).__name__, value)


def header_of(text: str) -> str | None:
    text = text.removeprefix("\ufeff")
    opening = _OPEN.match(text)
    if not opening or opening.group(1) != "---":
        return None
    closing = _CLOSE["---"].search(text, opening.end())
    return text[opening.end() : closing.start()] if closing else None


def same_as_yaml(header: str) -> dict[str, Any] | None:
    """The plain reading, checked against YAML's when there is one."""
    plain = plain_yaml.parse(header)
    if plain is not None:
        assert typed(plain) == typed(yaml.load(header, Loader=Loader)), header
    return plain


@pytest.mark.skipif(not REAL_ARCHIVE.is_dir(), reason="the real archive (../shared/archive/_posts) is not here")
def test_every_real_post_is_read_plainly_as_yaml_and_python_frontmatter_read_it() -> None:
    paths = sorted(REAL_ARCHIVE.glob("*.md"))
    assert len(paths) == 2772
    for path in paths:
        text = path.read_text(encoding="utf-8")
        header = header_of(text)
        assert header is not None, path.name
        plain = same_as_yaml(header)
        assert plain is not None, path.name  # the archive's shape: no post pays for YAML
        assert typed(split_front_matter(text)[0]) == typed(frontmatter.loads(text).metadata), path.name


def test_every_fixture_front_matter_is_read_as_yaml_reads_it() -> None:
    paths = [*EXAMPLES.glob("*.md"), *(ROOT / "tests" / "data").rglob("*.md")]
    read = 0
    for path in paths:
        header = header_of(path.read_text(encoding="utf-8", errors="replace"))
        if header is not None:
            try:
                yaml.load(header, Loader=Loader)
            except yaml.YAMLError:
                assert plain_yaml.parse(header) is None, path
                continue
            read += same_as_yaml(header) is not None
    assert read >= 24  # the examples at least


PLAIN = [
    "title: 'It''s here: 100%'\ndate: 2026-05-08\npermalink: /posts/2026/05/08/x/\ntags:\n- veille-cyber\n- c2\n",
    'title: "Quoted # not a comment"\ntags:\n  - a\n  - b\n',
    "title: Plain words, with commas [and brackets]\ncategories:\n",
    "layout: post\ntitle: ''\ntags:\n\n- one\nsource_url: /relative/path\n",
    "title: 'Ünïcödé — ✓ 🚀'\n",
    "tags:\n- 'yes'\n- \"no\"\n",
    "title: 'a\u2028b'\n",  # a line separator in a quoted value: kept, the spaces around it not
    "title: 'a \u2028 b'\n",
    "title: '\u2028a'\n",
    "title: 'a \u2028'\n",
    "title: ' \u2029 '\n",
    "title: 'a \u2028 \u2029  b'\n",
    'title: "a \u2029 b"\n',
    "tags:\n- 'x \u2028 y'\n",
]
NOT_PLAIN = [
    "published: false\n",  # a boolean
    "title: yes\n",
    "title: On\n",
    "title: null\n",
    "tags:\n- 2024\n",  # a number
    "date: 2026-05-08 10:00:00 +0200\n",  # a time
    "date: 2026-13-45\n",  # YAML says why
    "title: 'x' # a comment\n",
    "title: a: b\n",
    'title: "escaped \\" quote"\n',
    "title: first line\n  second line\n",
    "title:\ttab\n",
    "title: 'ctrl \x07'\n",
    "title: 'nel \x85'\n",
    "title: a\u2028b\n",  # YAML rejects it
    "title: a \u2029 b\n",
    "title: 'bom \ufeff'\n",
    "tags: [a, b]\n",
    "# comment\ntitle: x\n",
    "title: x\ntitle: y\n",  # twice
    "tags:\n  - a\n - b\n",
    "- a\n",
    "title: x\n- a\n",
    "tags:\n- - a\n",
    "tags:\n- key: value\n",
    "'quoted key': x\n",
    "title: &anchor x\n",
    "title: !tag x\n",
    "title: *alias\n",
    "title: |\n  block\n",
    "title: 'unclosed\n",
    "yes: x\n",
    "title: x\r\n",
]


@pytest.mark.parametrize("header", PLAIN)
def test_plain_headers_are_read_as_yaml_reads_them(header: str) -> None:
    assert same_as_yaml(header) is not None


@pytest.mark.parametrize("header", NOT_PLAIN)
def test_other_headers_go_to_yaml(header: str) -> None:
    assert plain_yaml.parse(header) is None


def test_a_post_read_plainly_gives_the_same_post(posts_dir) -> None:
    from veille_tui.core.archive.reader import FileStat, read_post

    text = "---\ntitle: 'A ''quoted'' title'\ndate: 2026-05-08\ntags:\n- veille-cyber\n- CVE\n---\nBody.\n"
    (posts_dir / "2026-05-08-a.md").write_text(text)
    post = read_post(posts_dir, FileStat("2026-05-08-a.md", len(text), 0))
    assert (post.title, post.date, post.tags) == ("A 'quoted' title", "2026-05-08", ("veille-cyber", "cve"))
    assert split_front_matter(text)[0]["date"] == datetime.date(2026, 5, 8)


def test_no_printable_character_is_odd() -> None:
    """parse() skips the _ODD search on a printable line: no printable character may be odd."""
    printable = "".join(c for c in map(chr, range(0x110000)) if c.isprintable())
    assert len(printable) > 100_000 and plain_yaml._ODD.search(printable) is None
