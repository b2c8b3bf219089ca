"""core.feedparse: formats, hygiene, limits, and the fast path proven equal to feedparser."""

from __future__ import annotations

import html
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veille_tui.core.feeds import parse as feedparse
from veille_tui.core.feeds.feedparser_rules import Fallback
from veille_tui.core.feeds.parse import parse_feed, parse_with

DATA = Path(__file__).resolve().parent.parent / "data" / "feeds"
SHARED_BENCH = Path(__file__).resolve().parents[3] / "shared" / "bench"
URL = "https://feeds.example.com/feed.xml"


def load(name: str) -> bytes:
    return (DATA / name).read_bytes()


def by_title(result):
    return {i.title: i for i in result.items}


# ---------------------------------------------------------------------------------- formats


def test_rss20() -> None:
    r = parse_feed(load("rss20.xml"), URL)
    assert r.error is None and r.parser == "fast"
    assert r.title == "Example Security & News"
    # the duplicate guid and the item with neither guid, link nor title are gone
    assert [i.guid for i in r.items] == [
        "https://news.example.com/?p=101",
        "https://news.example.com/2026/08/patch-tuesday/",
        "plain-1",
    ]
    first = r.items[0]
    assert first.title == "Critical flaw in Fortinet FortiOS (CVE-2026-1234)"
    assert first.link == "https://news.example.com/2026/08/fortios-flaw/"
    assert first.date == "2026-08-03T12:05:00+00:00" and first.ts == 1785758700
    assert first.author == "Jane Doe"
    assert first.categories == ("Vulnerabilities", "Fortinet")
    # content:encoded is longer than the description: it is the summary, as Markdown
    assert "Fortinet fixed a **critical** flaw" in first.markdown()
    assert "- FortiOS 7.4" in first.markdown()
    # relative links made absolute, script and style removed with their content
    assert "(https://news.example.com/advisories/fg-ir-26-001)" in first.markdown()
    assert "alert" not in first.markdown() and "color" not in first.markdown()
    second = r.items[1]
    assert second.author == "The Editor"
    assert second.markdown() == "Microsoft fixed 3 zero-days & 80 flaws **today**."


def test_rss091_with_doctype_and_latin1_goes_to_feedparser() -> None:
    r = parse_feed(load("rss091.xml"), URL)
    assert r.error is None and r.parser == "feedparser"
    t = by_title(r)
    assert set(t) == {"Vulnérabilité critique", "Deuxième article"}
    assert t["Deuxième article"].markdown() == "Latin-1 bytes: été à Noël."
    assert all(i.guid is None for i in r.items)


def test_rss10() -> None:
    r = parse_feed(load("rss10.xml"), URL)
    assert r.error is None and r.parser == "fast"
    assert r.title == "RDF Site Summary"
    a, b = r.items
    assert a.guid == a.link == "https://rdf.example.net/1"
    assert a.date == "2026-07-01T08:00:00+00:00"
    assert a.author == "Alice" and a.categories == ("malware",)
    assert a.markdown() == "First *description*"
    assert b.date == "2026-07-02T00:00:00+00:00"


def test_atom() -> None:
    r = parse_feed(load("atom.xml"), URL)
    assert r.error is None
    assert r.title == "Atom Security Blog"
    t = by_title(r)
    first = t["Ransomware <gang> hits hospital"]
    assert first.guid == "tag:blog.example.org,2026:post-1"
    assert first.link == "https://blog.example.org/2026/08/ransomware/"
    assert first.date == "2026-08-19T13:15:00+00:00"  # published wins over updated, in UTC
    assert first.author == "Bruce"
    assert first.categories == ("ransomware", "healthcare")
    assert first.markdown().startswith("## What happened")
    assert "```\nrm -rf /\n```" in first.markdown()
    only_updated = t["Only updated date"]
    assert only_updated.date == "2026-08-18T07:00:00+00:00"
    assert only_updated.markdown() == "Plain text summary with a <tag> in it."  # type=text: not HTML
    assert any("XHTML *content*" in i.markdown() for i in r.items)


def test_atom_without_xhtml_takes_fast_path() -> None:
    data = load("atom.xml")
    start = data.index(b'<entry>\n  <title type="xhtml">')
    end = data.index(b"</entry>", start) + len(b"</entry>")
    r = parse_feed(data[:start] + data[end:], URL)
    assert r.parser == "fast" and len(r.items) == 2


MARKUP_TITLES_RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Markup titles</title>
<item><guid>m1</guid><title>Update &lt;b&gt;today&lt;/b&gt;</title><link>https://news.example.com/m1</link></item>
<item><guid>m2</guid><title><![CDATA[<div>Hole in the <a href="g.html">gateway</a></div>]]></title></item>
<item><guid>m3</guid><title>Tom &amp; Jerry &lt;3 firmware</title><link>https://news.example.com/m3</link></item>
</channel></rss>"""

MARKUP_TITLES_ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Markup titles</title><id>urn:t</id>
<updated>2026-08-01T00:00:00Z</updated>
<entry><id>urn:a1</id><title type="html">Update &lt;b&gt;today&lt;/b&gt; &amp;amp; more</title>
<updated>2026-08-01T00:00:00Z</updated></entry>
<entry><id>urn:a2</id><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Hole in the
<a href="g.html">gateway</a></div></title><updated>2026-08-01T00:00:00Z</updated></entry>
<entry><id>urn:a3</id><title type="html">heading&lt;script&gt;steal()&lt;/script&gt; words&lt;style&gt;b{}&lt;/style&gt;</title>
<updated>2026-08-01T00:00:00Z</updated></entry>
<entry><id>urn:a4</id><title type="text">Filter &lt;b&gt; tags</title><updated>2026-08-01T00:00:00Z</updated></entry>
</feed>"""


def test_html_and_xhtml_titles_become_text() -> None:
    rss = parse_feed(MARKUP_TITLES_RSS, URL)
    assert rss.parser == "fast"
    # an RSS title that looks like HTML (feedparser's guess) is HTML; one that does not stays as is
    assert [i.title for i in rss.items] == ["Update today", "Hole in the gateway", "Tom & Jerry <3 firmware"]
    assert_same(MARKUP_TITLES_RSS)
    atom = parse_feed(MARKUP_TITLES_ATOM, URL)
    # markup removed, entities decoded, script and style dropped with their content;
    # a title of type text keeps its angle brackets
    assert [i.title for i in atom.items] == [
        "Update today & more",
        "Hole in the gateway",
        "heading words",
        "Filter <b> tags",
    ]


def test_json_feed() -> None:
    r = parse_feed(load("jsonfeed.json"), URL, "application/feed+json")
    assert r.error is None and r.parser == "json"
    assert r.title == "JSON Threat Feed"
    assert [i.guid for i in r.items] == ["1", "2", "3"]
    one, two, three = r.items
    assert one.markdown() == "A **malicious** version was published."
    assert one.author == "Mallory" and one.categories == ("supply-chain", "npm")
    assert one.date == "2026-08-10T09:00:00+00:00"
    assert two.markdown() == "Plain <text> body." and two.author == "Old Style Author"
    assert two.date == "2026-08-11T00:00:00+00:00"
    assert three.link == "https://elsewhere.example.net/story" and three.date is None


@pytest.mark.parametrize(
    "doc, reason",
    [
        (b"{not json", "invalid JSON"),
        (b'{"title": "x", "items": []}', "JSON Feed version"),
        (b'{"version": "https://jsonfeed.org/version/1", "items": 3}', "without items"),
    ],
)
def test_bad_json(doc, reason) -> None:
    r = parse_feed(doc, URL)
    assert r.error and reason in r.error and r.items == []


# ---------------------------------------------------------------------------------- bad input


def test_broken_xml_keeps_entries() -> None:
    r = parse_feed(load("broken.xml"), URL)
    assert r.error is None and r.parser == "feedparser"
    assert [i.title for i in r.items] == ["Fish & Chips", "Second item"]


@pytest.mark.parametrize(
    "doc",
    [
        b"",
        b"   \n",
        b"<html><body><p>Welcome to nginx!</p></body></html>",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
        b"<?xml version='1.0'?><rss version='2.0'><channel><item><title>unclosed",
    ],
)
def test_not_a_feed(doc) -> None:
    r = parse_feed(doc, URL)
    assert r.error is not None and r.error.startswith("not a feed")
    assert r.items == []


def test_html_page_is_not_a_feed() -> None:
    r = parse_feed(load("notafeed.html"), URL)
    assert r.error == "not a feed: no RSS, Atom or JSON feed found"


def test_no_guids_dedupe_by_link() -> None:
    r = parse_feed(load("noguid.xml"), URL)
    assert r.error is None
    assert [i.title for i in r.items] == ["One", "Two", "Relative link", "Title only, no link", "Bad scheme link"]
    assert all(i.guid is None for i in r.items)
    t = by_title(r)
    assert t["Relative link"].link == "https://feeds.example.com/3"
    assert t["Title only, no link"].link is None
    assert t["Bad scheme link"].link is None  # javascript: never becomes a link


def test_dates_feedparser_cannot_parse() -> None:
    r = parse_feed(load("baddates.xml"), URL)
    t = by_title(r)
    assert len(r.items) == 7  # every item kept
    for title in ("Yesterday", "Tuesday", "Empty", "Garbage", "French"):
        assert t[title].date is None and t[title].ts is None, title
    assert t["Good"].date == "2026-08-06T12:00:00+00:00" and t["Good"].ts == 1786017600


def test_terminal_escapes_removed() -> None:
    r = parse_feed(load("escapes.xml"), URL)
    assert r.error is None
    texts = [r.title] + [x for i in r.items for x in (i.title, i.summary, i.markdown(), i.author, *i.categories)]
    for text in texts:
        assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text and "\u202e" not in text, text
    assert r.title == "Evil Feed"
    assert r.items[0].title == "Red alert and bell and override"


def test_entity_bomb(tmp_path) -> None:
    """Billion laughs (10^9 'lol'): no expansion, bounded time and memory, in a fresh process."""
    code = (
        "import resource, sys, time\n"
        "from veille_tui.core.feeds.parse import parse_feed\n"
        f"data = open({str(DATA / 'bomb.xml')!r}, 'rb').read()\n"
        "t = time.perf_counter(); r = parse_feed(data, 'https://x/')\n"
        "dt = time.perf_counter() - t\n"
        # the peak of this process image: ru_maxrss also counts the parent's RSS at fork, which
        # is pytest's (hundreds of MB late in a full run); VmHWM is the exec'd image's own
        "try:\n"
        "    hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]\n"
        "    rss = int(hwm.split()[1]) // 1024\n"
        "except OSError:\n"
        "    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024\n"
        "print(dt, rss, r.error, max((len(i.title) + len(i.summary) for i in r.items), default=0))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(Path(feedparse.__file__).parents[3]), "PATH": "/usr/bin:/bin"},
    )
    assert out.returncode == 0, out.stderr
    dt, rss, *_rest, longest = out.stdout.split()
    assert float(dt) < 5 and int(rss) < 300 and int(longest) < 1000


def test_quadratic_blowup_entity() -> None:
    doc = (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "' + "A" * 50_000 + '">]>\n'
        '<rss version="2.0"><channel><title>q</title><item><title>'
        + "&a;" * 50_000
        + "</title><link>https://q.example.com/1</link></item></channel></rss>"
    ).encode()
    t = time.perf_counter()
    r = parse_feed(doc, URL)
    assert time.perf_counter() - t < 10
    assert all(len(i.title) <= feedparse.MAX_TITLE for i in r.items)


def test_huge_title_and_body_truncated() -> None:
    body = "<p>" + "word " * 100_000 + "</p>"
    doc = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>big</title>'
        f"<item><title>{'T' * 100_000}</title><link>https://big.example.com/1</link>"
        f"<description>{html.escape(body)}</description></item></channel></rss>"
    ).encode()
    r = parse_feed(doc, URL)
    (item,) = r.items
    assert len(item.title) <= feedparse.MAX_TITLE
    assert len(item.summary) <= feedparse.MAX_BODY
    assert len(item.markdown()) <= feedparse.MAX_BODY


def test_never_reads_local_files(tmp_path) -> None:
    secret = tmp_path / "secret.xml"
    secret.write_text('<rss version="2.0"><channel><title>LOCAL FILE</title></channel></rss>')
    for doc in (str(secret).encode(), b"file://" + str(secret).encode()):
        r = parse_feed(doc, URL)
        assert r.title != "LOCAL FILE"
        assert r.error is not None


def test_parse_feed_never_raises(monkeypatch) -> None:
    monkeypatch.setattr(feedparse, "_fast_parse", lambda data: 1 / 0)
    r = parse_feed(load("rss20.xml"), URL)
    assert r.error and "ZeroDivisionError" in r.error


def test_feedparser_not_given_a_string(monkeypatch) -> None:
    import feedparser

    seen = []
    real = feedparser.parse

    def spy(arg, *a, **k):
        seen.append(arg)
        return real(arg, *a, **k)

    monkeypatch.setattr(feedparser, "parse", spy)
    parse_feed(load("broken.xml"), URL)
    assert seen and all(hasattr(x, "read") for x in seen)


# ---------------------------------------------------------------------------------- differential

FIXTURES_BOTH = ["rss20.xml", "rss10.xml", "noguid.xml", "baddates.xml"]


def assert_same(data: bytes, url: str = URL) -> None:
    fast = parse_with(data, url, "fast")
    slow = parse_with(data, url, "feedparser")
    assert fast.title == slow.title
    assert [(i.guid, i.link, i.title, i.date, i.ts) for i in fast.items] == [
        (i.guid, i.link, i.title, i.date, i.ts) for i in slow.items
    ]
    assert [i.summary for i in fast.items] == [i.summary for i in slow.items]
    assert [i.markdown() for i in fast.items] == [i.markdown() for i in slow.items]
    assert fast.items == slow.items  # author and categories too


@pytest.mark.parametrize("name", FIXTURES_BOTH)
def test_fast_path_equals_feedparser_on_fixtures(name) -> None:
    assert_same(load(name))


def test_fast_path_declines_what_it_does_not_reproduce() -> None:
    for name in ("rss091.xml", "broken.xml", "escapes.xml", "bomb.xml", "atom.xml"):
        with pytest.raises(Fallback):
            parse_with(load(name), URL, "fast")


@pytest.mark.skipif(not (SHARED_BENCH / "make_feeds.py").exists(), reason="shared/bench not here")
def test_fast_path_equals_feedparser_on_generated_feeds(tmp_path) -> None:
    out = tmp_path / "feeds"
    subprocess.run(
        [
            sys.executable,
            str(SHARED_BENCH / "make_feeds.py"),
            "--out",
            str(out),
            "--scale",
            "2",
            "--min-items",
            "20",
            "--max-items",
            "40",
        ],
        check=True,
        capture_output=True,
    )
    files = sorted(out.glob("*.xml"))
    assert len(files) >= 20
    for f in files:
        data = f.read_bytes()
        assert parse_feed(data, URL).parser == "fast"
        assert_same(data, f"http://127.0.0.1:8765/{f.name}")


# Random feeds: text with markup characters, entities, CDATA, non-ASCII, odd whitespace, dates in
# many shapes, optional and misplaced elements. Both paths must agree on every one.
_text = st.lists(
    st.sampled_from(
        list("abcXYZ 019<>&\"'/;:=#?-_\t\n")
        + ["é", "€", "ü", "中", "Ã©", "â€™", "&amp;", "&lt;b&gt;", "\u00a0", "\x85", "\x9b"]
    ),
    max_size=30,
).map("".join)
_html = st.lists(
    st.sampled_from(
        [
            "<p>",
            "</p>",
            "<b>bold</b>",
            '<a href="/rel">rel</a>',
            '<a href="https://x.example/a?b=1&amp;c=2">abs</a>',
            "<script>evil()</script>",
            "<ul><li>one</li></ul>",
            "text ",
            "é ",
            "<br/>",
            "&amp;",
            "&lt;",
            "<h2>H</h2>",
            '<a href="javascript:alert(1)">js</a>',
            "<img src=x>",
            "<pre><code>x = 1</code></pre>",
        ]
    ),
    max_size=12,
).map("".join)
_date = st.one_of(
    st.sampled_from(
        [
            "Mon, 03 Aug 2026 14:05:00 +0200",
            "Tue, 11 Aug 2026 18:30:00 GMT",
            "2026-08-01T10:00:00Z",
            "2026-08-01T10:00:00+02:00",
            "2026-08-01",
            "yesterday",
            "Tuesday",
            "",
            "  Wed, 12 Aug 2026 08:00:00 EST  ",
            "2026-13-45",
            "32 Foo 2026",
            "Sun, 31 Dec 1899 23:59:59 +0000",
            "12345",
            "2026-08-01 10:00:00",
        ]
    ),
    st.datetimes().map(lambda d: d.strftime("%a, %d %b %Y %H:%M:%S +0000")),
)


def _el(tag: str, value: str, cdata: bool) -> str:
    if cdata and "]]>" not in value:
        return f"<{tag}><![CDATA[{value}]]></{tag}>"
    return f"<{tag}>{html.escape(value, quote=False)}</{tag}>"


@st.composite
def rss_item(draw):
    parts = []
    cdata = draw(st.booleans())
    if draw(st.booleans()):
        parts.append(_el("title", draw(_text), cdata))
    if draw(st.booleans()):
        parts.append(
            _el(
                "link",
                draw(
                    st.sampled_from(
                        [
                            "https://a.example/1",
                            "https://a.example/2",
                            "/rel/3",
                            "  https://a.example/sp  ",
                            "javascript:x()",
                            "https://a.example/?a=1&b=2",
                            "",
                        ]
                    )
                ),
                False,
            )
        )
    if draw(st.booleans()):
        perma = draw(st.sampled_from(["", ' isPermaLink="false"', ' isPermaLink="true"']))
        parts.append(
            f"<guid{perma}>{html.escape(draw(st.sampled_from(['g1', 'g2', 'https://a.example/1', 'https://a.example/g', ' spaced ', 'tag:x,2026:1'])))}</guid>"
        )
    if draw(st.booleans()):
        parts.append(_el("pubDate", draw(_date), False))
    if draw(st.booleans()):
        parts.append(_el("dc:date", draw(_date), False))
    if draw(st.booleans()):
        parts.append(_el("description", draw(st.one_of(_html, _text)), cdata))
    if draw(st.booleans()):
        parts.append(_el("content:encoded", draw(_html), cdata))
    if draw(st.booleans()):
        parts.append(
            _el(
                draw(st.sampled_from(["author", "dc:creator"])),
                draw(st.sampled_from(["Jane Doe", "jane@example.com (Jane Doe)", "jane@example.com", " Bob ", "é<>"])),
                False,
            )
        )
    for _ in range(draw(st.integers(0, 3))):
        parts.append(_el(draw(st.sampled_from(["category", "dc:subject"])), draw(_text), False))
    if draw(st.booleans()):
        parts.append(
            '<enclosure url="https://a.example/x.mp3" type="audio/mpeg" length="1"/><comments>https://a.example/c</comments><slash:comments>3</slash:comments>'
        )
    parts = draw(st.permutations(parts))
    return "<item>" + "".join(parts) + "</item>"


@st.composite
def atom_entry(draw):
    parts = []
    if draw(st.booleans()):
        t = draw(st.sampled_from(["", ' type="text"', ' type="html"']))
        parts.append(f"<title{t}>{html.escape(draw(_text), quote=False)}</title>")
    for _ in range(draw(st.integers(0, 2))):
        rel = draw(
            st.sampled_from(
                ["", ' rel="alternate"', ' rel="self"', ' rel="related"', ' rel="alternate" type="application/pdf"']
            )
        )
        parts.append(
            f'<link{rel} href="{draw(st.sampled_from(["https://b.example/1", "https://b.example/2", "/rel"]))}"/>'
        )
    if draw(st.booleans()):
        parts.append(
            f"<id>{draw(st.sampled_from(['tag:b,2026:1', 'tag:b,2026:2', 'https://b.example/1', 'urn:uuid:1']))}</id>"
        )
    if draw(st.booleans()):
        parts.append(_el("published", draw(_date), False))
    if draw(st.booleans()):
        parts.append(_el("updated", draw(_date), False))
    if draw(st.booleans()):
        t = draw(st.sampled_from(["", ' type="text"', ' type="html"']))
        parts.append(f"<summary{t}>{html.escape(draw(st.one_of(_html, _text)), quote=False)}</summary>")
    if draw(st.booleans()):
        t = draw(st.sampled_from(["", ' type="text"', ' type="html"']))
        parts.append(f"<content{t}>{html.escape(draw(_html), quote=False)}</content>")
    if draw(st.booleans()):
        parts.append(
            f"<author><name>{html.escape(draw(_text), quote=False)}</name>"
            + draw(st.sampled_from(["", "<email>a@b.example</email>"]))
            + "</author>"
        )
    for _ in range(draw(st.integers(0, 2))):
        parts.append(f'<category term="{html.escape(draw(_text))}"/>')
    parts = draw(st.permutations(parts))
    return "<entry>" + "".join(parts) + "</entry>"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rss_item(), max_size=6), _text)
def test_differential_random_rss(items, title) -> None:
    doc = (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:slash="http://purl.org/rss/1.0/modules/slash/"><channel>'
        f"<title>{html.escape(title, quote=False)}</title><link>https://a.example/</link>"
        + "".join(items)
        + "</channel></rss>"
    ).encode()
    try:
        parse_with(doc, URL, "fast")
    except Fallback:
        return  # declined: feedparser reads it
    assert_same(doc)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(atom_entry(), max_size=6))
def test_differential_random_atom(entries) -> None:
    doc = (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>tag:b,2026:feed</id>'
        + "".join(entries)
        + "</feed>"
    ).encode()
    try:
        parse_with(doc, URL, "fast")
    except Fallback:
        return
    assert_same(doc)


def test_differential_random_feeds_mostly_take_fast_path() -> None:
    """The generators above must exercise the fast path, not only its refusals."""
    fast = 0
    for seed in range(60):
        items = "".join(
            f"<item><title>t{seed}-{i}</title><link>https://a.example/{seed}/{i}</link><guid>g{seed}-{i}</guid>"
            f"<pubDate>Mon, 03 Aug 2026 14:{i:02d}:00 +0200</pubDate><description>&lt;p&gt;x {i}&lt;/p&gt;</description></item>"
            for i in range(seed % 7)
        )
        data = f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()
        if parse_feed(data, URL).parser == "fast":
            fast += 1
        assert_same(data)
    assert fast == 60


def test_peak_memory_is_bounded_for_big_feed() -> None:
    items = "".join(
        f"<item><title>t{i}</title><link>https://a.example/{i}</link><description>{'x' * 2000}</description></item>"
        for i in range(3000)
    )
    data = f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    r = parse_feed(data, URL)
    assert len(r.items) == 3000
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 200


def test_links_with_parentheses_leave_no_stray_bracket() -> None:
    from veille_tui.core.feeds.html import body_to_markdown

    md = body_to_markdown(
        "<p>para <a href='javascript:alert(1)'>js link</a> and <a href='/wiki/Foo_(bar)'>wiki</a></p>",
        "text/html",
        "https://e.org/x",
    )
    assert md == "para js link and [wiki](https://e.org/wiki/Foo_(bar))"
