"""Property tests (hypothesis) over the readers of untrusted files (issue 13): whatever the OPML file
or the post file holds, the reader raises nothing but its own error type.

- OPML (core/opml.py): a list of feeds, or OpmlError;
- front matter and posts (core/archive/): a Post, or PostProblem / Skipped (the reader's two
  answers, each turned into a reason by read_one, which never raises).

Generated inputs mix random bytes with structured near-misses (XML and front matter built from
pieces that break in the usual places), so that the parsers' deep paths are reached, not only
their first line. EXAMPLES examples per test (HYPOTHESIS_EXAMPLES overrides), the same ones on
every run unless HYPOTHESIS_EXPLORE=1.
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veille_tui.core.archive import frontmatter, hugo, reader
from veille_tui.core.errors import OpmlError
from veille_tui.core.models import Post
from veille_tui.core.opml import parse_opml

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "400"))
# The same examples on every run (CI stays deterministic); HYPOTHESIS_EXPLORE=1 draws new ones.
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=not os.environ.get("HYPOTHESIS_EXPLORE"),
)

# --- OPML ----------------------------------------------------------------------------------------

_ATTR_NAMES = st.sampled_from(["xmlUrl", "xmlurl", "text", "title", "type", "category", "htmlUrl", "url", "é", "x:y"])
_XML_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)
_ATTR_VALUES = st.one_of(
    st.sampled_from(["https://e.org/rss", "http://x.example/a?b=1&c=2", "HTTPS://E.ORG/Feed", "rss", "a/b, c"]),
    _XML_TEXT,
    st.text(max_size=20),  # control characters too: not XML
    st.sampled_from(["javascript:alert(1)", "file:///etc/passwd", "", " ", "//x", "https://", "http://[::1"]),
)
_TAILS = st.sampled_from([""] * 12 + ["&amp;", "&bogus;", "]]>", "<", "\x00", "&#0;"])


@st.composite
def outlines(draw: st.DrawFn, depth: int = 0) -> str:
    attrs = draw(st.dictionaries(_ATTR_NAMES, _ATTR_VALUES, max_size=4))
    rendered = "".join(f' {k}="{_xml_escape(v)}"' for k, v in attrs.items())
    children = draw(st.lists(outlines(depth + 1), max_size=3)) if depth < 3 else []
    tail = draw(_TAILS)
    if children:
        return f"<outline{rendered}>{''.join(children)}{tail}</outline>"
    return f"<outline{rendered}/>{tail}"


def _xml_escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


_HEADS = st.sampled_from(
    ['<?xml version="1.0" encoding="UTF-8"?>', ""] * 6
    + [
        '<?xml version="1.0" encoding="ISO-8859-1"?>',
        '<?xml version="1.0" encoding="x-unknown"?>',
        "",
        "<!DOCTYPE opml>",
        '<!DOCTYPE opml [<!ENTITY a "&b;"><!ENTITY b "&a;">]>',
        '<!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    ]
)


@st.composite
def opml_documents(draw: st.DrawFn) -> bytes:
    head = draw(_HEADS)
    root = draw(st.sampled_from(["opml"] * 6 + ["OPML", "rss", "opml:opml"]))
    body = "".join(draw(st.lists(outlines(), max_size=5)))
    wrapped = draw(st.sampled_from([f"<body>{body}</body>", body, f"<head><title>t</title></head><body>{body}</body>"]))
    text = f'{head}<{root} version="2.0">{wrapped}</{root}>'
    data = text.encode("utf-8", "surrogatepass")
    cut = draw(st.integers(0, len(data)))
    return data[:cut] if draw(st.integers(0, 4)) == 0 else data


@SETTINGS
@given(st.one_of(st.binary(max_size=2000), opml_documents()))
def test_opml_reader_raises_only_opml_error(data) -> None:
    try:
        feeds, _warnings = parse_opml(data, "subs.opml")
    except OpmlError as exc:
        assert "subs.opml" in str(exc)
        return
    for feed in feeds:
        assert feed.url.lower().startswith(("http://", "https://"))  # the scheme's case is free


# --- front matter and posts -----------------------------------------------------------------------

_KEYS = st.sampled_from(
    ["title", "date", "tags", "categories", "permalink", "published", "draft", "slug", "url", "publishDate",
     "expiryDate", "lastmod", "source_url", "tag", "category"]
)  # fmt: skip
_DATES = st.sampled_from(
    ["2026-03-04", "2026-03-04 10:30:00 +0200", "2026-03-04T10:30:00Z", "2026-3-4", "2026-03-04 10:30"]
)
_SCALARS = st.one_of(
    _DATES,
    st.text(max_size=30),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True),
    st.booleans(),
    st.sampled_from(
        ["2026-02-30", "2026-13-01", "99999-01-01", "0000-00-00", "2026-01-01 25:61", "2026-01-01T10:00:00+99:99",
         "2026-01-01 10:00:00 -0400", "1969-12-31", "9999-12-31T23:59:59Z", "null", "~", "[", "{a", "!!binary x",
         "*anchor", "&a [*a, *a]", "'unclosed", '"\\x1b[31m"', "yes", "0x1F"]
    ),
)  # fmt: skip


def _yaml_value(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return str(draw(_SCALARS))
    if kind == 1:
        return "[" + ", ".join(str(draw(_SCALARS)) for _ in range(draw(st.integers(0, 3)))) + "]"
    if kind == 2:
        return "\n" + "".join(f"  - {draw(_SCALARS)}\n" for _ in range(draw(st.integers(0, 3))))
    return "{" + f"{draw(_KEYS)}: {draw(_SCALARS)}" + "}"


def _toml_value(draw: st.DrawFn) -> str:
    return draw(
        st.sampled_from(
            ["2026-03-04T09:30:00+01:00", "2026-03-04", "1979-05-27T07:32:00", "0001-01-01", "9999-12-31T23:59:60Z",
             '"text"', "'lit'", "[1, 'a']", "true", "1e400", "{a = 1}", '"""multi', "nan", "2026-02-30"]
        )
    )  # fmt: skip


@st.composite
def post_texts(draw: st.DrawFn) -> str:
    fence = draw(st.sampled_from(["---", "+++", "---", "", "\ufeff---"]))
    lines = []
    for _ in range(draw(st.integers(0, 6))):
        key = draw(_KEYS)
        if fence.endswith("+++"):
            lines.append(f"{key} = {_toml_value(draw)}")
        else:
            lines.append(f"{key}: {_yaml_value(draw)}")
    closing = draw(st.sampled_from([fence.lstrip("\ufeff"), "...", "", "----", fence.lstrip("\ufeff") + " "]))
    body = draw(st.text(max_size=200))
    return f"{fence}\n" + "\n".join(lines) + f"\n{closing}\n{body}"


@SETTINGS
@given(st.one_of(post_texts(), st.text(max_size=500)))
def test_front_matter_reader_raises_only_its_own_errors(text) -> None:
    try:
        meta, _body = frontmatter.split_front_matter(text)
    except (frontmatter.PostProblem, frontmatter.Skipped):
        return
    assert isinstance(meta, dict)
    for key in ("date", "publishDate", "lastmod", "expiryDate"):
        if key in meta and meta[key] is not None:
            try:
                iso, ts = frontmatter.parse_date(meta[key])
            except frontmatter.PostProblem:
                continue
            assert isinstance(iso, str) and isinstance(ts, int)
    try:
        frontmatter.tags_of(meta)
        frontmatter.title_of(meta, "slug")
        frontmatter.source_url(meta, _body)
    except frontmatter.PostProblem:
        pass


@SETTINGS
@given(
    st.one_of(post_texts().map(lambda t: t.encode("utf-8", "surrogatepass")), st.binary(max_size=600)),
    st.sampled_from(["2026-01-02-a-post.md", "notes/undated.md", "_index.md", "bundle/index.md", "x.html"]),
)
def test_post_readers_answer_every_file(tmp_path_factory, data, name) -> None:
    root: Path = tmp_path_factory.mktemp("posts")
    (root / name).parent.mkdir(parents=True, exist_ok=True)
    (root / name).write_bytes(data)
    (stat,) = [s for s in reader.scan(root) if s.name == name]
    for layout in (hugo.Layout("jekyll", root), hugo.Layout("hugo", root, "posts")):
        try:
            if layout.format == "jekyll":
                post = reader.read_post(root, stat, now_ts=1_800_000_000)
            else:
                post = hugo.read_post(root, stat, now_ts=1_800_000_000, section="posts")
        except (frontmatter.PostProblem, frontmatter.Skipped):
            pass
        else:
            assert isinstance(post, Post) and post.title and isinstance(post.ts, int)
        result = reader.read_one(layout, stat, 1_800_000_000)
        assert result.status in ("indexed", "skipped", "problem")
        assert result.reason is None or not result.reason.startswith(("TypeError", "AttributeError", "KeyError"))
