"""core.opml: OPML 1/2 in, OPML 2 out, bad input refused with the file named."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from veille_tui.core.errors import OpmlError
from veille_tui.core.models import Feed
from veille_tui.core.opml import parse_opml, write_opml

DATA = Path(__file__).resolve().parent.parent / "data" / "opml"


def test_nested_outlines_and_categories_become_tags() -> None:
    feeds, problems = parse_opml((DATA / "nested.opml").read_bytes(), "nested.opml")
    by_url = {f.url: f for f in feeds}
    assert list(by_url) == [
        "https://www.bleepingcomputer.com/feed/",
        "https://www.cert.ssi.gouv.fr/feed/",
        "https://www.schneier.com/feed/atom/",
    ]
    assert by_url["https://www.bleepingcomputer.com/feed/"] == Feed(
        "https://www.bleepingcomputer.com/feed/", "BleepingComputer", ("security-news",)
    )
    assert by_url["https://www.cert.ssi.gouv.fr/feed/"].tags == ("security-news", "cert-gov", "anssi", "gov", "france")
    assert by_url["https://www.cert.ssi.gouv.fr/feed/"].title == "CERT-FR"
    assert by_url["https://www.schneier.com/feed/atom/"].tags == ("blogs", "crypto")
    assert len(problems) == 3
    assert any("Local file" in p and "file:///etc/passwd" in p for p in problems)
    assert any("FTP" in p for p in problems)
    assert any("No URL" in p for p in problems)


def test_opml1_latin1() -> None:
    feeds, problems = parse_opml((DATA / "opml1.opml").read_bytes(), "opml1.opml")
    assert problems == []
    assert [(f.url, f.title) for f in feeds] == [
        ("https://krebsonsecurity.com/feed/", "Krebs"),
        ("http://cafe.example.org/rss", "Café"),
    ]


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty"),
        (b"<opml><body><outline", "not valid XML"),
        (b"<rss version='2.0'/>", "not an OPML document"),
        (b"<opml version='2.0'><head/></opml>", "without a <body>"),
    ],
)
def test_bad_opml_names_the_file(data, reason) -> None:
    with pytest.raises(OpmlError) as err:
        parse_opml(data, "subs.opml")
    assert str(err.value).startswith("subs.opml: ") and reason in str(err.value)


def test_billion_laughs_refused_fast() -> None:
    bomb = '<?xml version="1.0"?>\n<!DOCTYPE opml [\n<!ENTITY a "aaaaaaaaaa">\n'
    prev = "a"
    for i in range(1, 10):
        bomb += f'<!ENTITY a{i} "' + f"&{prev};" * 10 + '">\n'
        prev = f"a{i}"
    bomb += ']>\n<opml version="2.0"><body><outline text="&a9;" xmlUrl="https://x.example/"/></body></opml>'
    t = time.perf_counter()
    with pytest.raises(OpmlError) as err:
        parse_opml(bomb.encode(), "bomb.opml")
    assert time.perf_counter() - t < 1
    assert "bomb.opml" in str(err.value) and "DOCTYPE" in str(err.value)


def test_external_entity_refused(tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    doc = (
        f'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        '<opml version="2.0"><body><outline text="&xxe;" xmlUrl="https://x.example/"/></body></opml>'
    )
    with pytest.raises(OpmlError):
        parse_opml(doc.encode(), "xxe.opml")


def test_round_trip() -> None:
    feeds = [
        Feed("https://www.bleepingcomputer.com/feed/", "BleepingComputer", ("bleepingcomp", "news")),
        Feed("https://feeds.feedburner.com/TheHackersNews", "The Hacker News & co <x>", ("hackernews",)),
        Feed("https://isc.sans.edu/rssfeed_full.xml?a=1&b=2", "", ()),
        Feed('https://example.com/q"uote', "Quote \" and ' apostrophe", ("a",)),
    ]
    text = write_opml(feeds)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')
    back, problems = parse_opml(text.encode("utf-8"), "export.opml")
    assert problems == []
    assert [f.url for f in back] == [f.url for f in feeds]
    assert [f.tags for f in back] == [f.tags for f in feeds]
    assert back == feeds  # an empty title comes back empty, not as the URL
    # and again: stable
    assert write_opml(back) == text


def test_tags_keep_the_rule_of_feeds_add_through_export_and_import() -> None:
    # the tags `feeds add --tag` and the config keep: underscores, dots, accented letters
    feeds = [
        Feed("https://one.example.org/rss", "One", ("tag_two", "v1.2", "sécurité", "threat-intel")),
        Feed("https://two.example.org/atom", "", ("x_y",)),
    ]
    back, problems = parse_opml(write_opml(feeds).encode(), "export.opml")
    assert problems == [] and back == feeds
    # a foreign list's folders and categories follow the same rule
    foreign = b"""<opml version="2.0"><body><outline text="Blue_Team / Notes">
      <outline text="Three" type="rss" xmlUrl="https://three.example.org/feed" category="red_team,Vendor Advisories"/>
    </outline></body></opml>"""
    (three,), _ = parse_opml(foreign, "foreign.opml")
    assert three.tags == ("blue_team-notes", "red_team", "vendor-advisories")


def test_write_removes_control_characters() -> None:
    text = write_opml([Feed("https://x.example/", "Evil \x1b[31mred\x07", ("t",))])
    assert "\x1b" not in text and "\x07" not in text
    feeds, _ = parse_opml(text.encode(), "x.opml")
    assert feeds[0].title == "Evil red"
