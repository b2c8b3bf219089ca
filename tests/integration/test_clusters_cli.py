"""Story clusters and the digest from the command line (issue 10): `show --json` lists `related`,
the real archive's posts of one source URL are one cluster, `digest` Markdown read back with
markdown-it (headings, links, folded stories, CVE lists), `-o FILE`, `--json`, untrusted titles."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from tests.conftest import EXAMPLES
from tests.helpers import present
from tests.integration.test_cli import run

SOURCE = re.compile(r"^\[Source\]\(([^)\s]+)\)", re.M)
CVE = re.compile(r"CVE-\d{4}-\d{4,7}")


def _ids_by_file(archive: Path) -> dict[str, int]:
    listed = json.loads(run("--archive", str(archive), "list", "--json", "--limit", "0").stdout)
    return {entry["file"]: entry["id"] for entry in listed if entry.get("file")}


def test_each_source_url_of_two_real_posts_is_one_cluster(real_archive) -> None:
    by_url: dict[str, list[str]] = defaultdict(list)
    for path in sorted(real_archive.glob("*.md")):
        for url in set(SOURCE.findall(path.read_text(encoding="utf-8"))):
            by_url[url].append(path.name)
    twice = {url: files for url, files in by_url.items() if len(files) == 2}
    assert len(twice) == 10
    ids = _ids_by_file(real_archive)
    for url, (first, second) in twice.items():
        shown = json.loads(run("--archive", str(real_archive), "show", str(ids[first]), "--json").stdout)
        assert ids[second] in shown["related"], url
        back = json.loads(run("--archive", str(real_archive), "show", str(ids[second]), "--json").stdout)
        assert ids[first] in back["related"], url
    plain = run("--archive", str(real_archive), "show", str(ids[first])).stdout
    assert "Related stories:" in plain and str(ids[second]) in plain.split("Related stories:")[1]


def test_the_certfr_digest_names_the_cve_ids_of_the_certfr_posts(real_archive) -> None:
    posts = [p for p in real_archive.glob("*.md") if re.search(r"^- certfr$", p.read_text(encoding="utf-8"), re.M)]
    assert len(posts) == 6
    wanted = {cve for p in posts for cve in CVE.findall(p.read_text(encoding="utf-8"))}
    assert wanted
    digest = run("--archive", str(real_archive), "digest", "+certfr", "--since", "400d").stdout
    assert set(CVE.findall(digest)) == wanted
    tokens = MarkdownIt().parse(digest)
    headings = [tokens[n + 1].content for n, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"]
    assert headings == ["certfr (6 entries)"]
    data = json.loads(run("--archive", str(real_archive), "digest", "+certfr", "--since", "400d", "--json").stdout)
    assert data["entries"] == 6 and {c["cve"] for s in data["sections"] for c in s["cves"]} == wanted


def _headings(tokens, tag: str) -> list[str]:
    return [tokens[n + 1].content for n, t in enumerate(tokens) if t.type == "heading_open" and t.tag == tag]


def _links(tokens) -> list[tuple[str, str]]:
    found = []
    for token in tokens:
        for n, child in enumerate(token.children or []):
            if child.type == "link_open":
                found.append((child.attrs["href"], token.children[n + 1].content))
    return found


def test_the_digest_of_the_examples_read_back(tmp_path) -> None:
    archive = str(EXAMPLES)
    listed = json.loads(run("--archive", archive, "list", "--json", "--limit", "0").stdout)
    text = run("--archive", archive, "digest", "--since", "400d").stdout
    tokens = MarkdownIt().parse(text)
    (title,) = _headings(tokens, "h1")
    assert title.startswith("Digest: all entries, ")
    sections = _headings(tokens, "h2")
    names = [s.split(" (")[0] for s in sections]
    sizes = [int(present(re.search(r"\((\d+) entr", s)).group(1)) for s in sections]
    assert sizes == sorted(sizes, reverse=True)  # every section here is a source tag's: the largest first
    assert {"certfr", "bleepingcomp", "hackernews", "sans-isc"} <= set(names)
    assert sum(sizes) == len(listed) == 24
    assert "24 entries in 21 stories" in text  # three pairs of the examples are one story each
    links = _links(tokens)
    assert sorted(href for href, _ in links) == sorted(e["link"] for e in listed if e["link"])
    # the CERT-FR notice on Ivanti is folded under the BleepingComputer story of the day before
    lines = text.splitlines()
    head = next(n for n, line in enumerate(lines) if line.startswith("- ") and "Ivanti fixes EPMM" in line)
    assert lines[head + 1].startswith("  - ") and "Ivanti Endpoint Manager Mobile" in lines[head + 1]
    assert _headings(tokens, "h3") and all(h.startswith("CVEs: ") for h in _headings(tokens, "h3"))
    data = json.loads(run("--archive", archive, "digest", "--since", "400d", "--json").stdout)
    assert data["entries"] == 24 and data["stories"] == 21
    assert [s["tag"] for s in data["sections"]] == names


def test_digest_to_a_file_is_written_whole(tmp_path) -> None:
    target = tmp_path / "out" / "weekly.md"
    target.parent.mkdir()
    target.write_text("an older digest\n", encoding="utf-8")
    result = run("--archive", str(EXAMPLES), "digest", "+certfr", "--since", "400d", "-o", str(target))
    assert result.stdout == ""
    assert "3 entries" in result.stderr
    written = target.read_text(encoding="utf-8")
    assert written.startswith("# Digest: +certfr") and "## certfr (3 entries)" in written
    assert [p.name for p in target.parent.iterdir()] == ["weekly.md"]  # no temporary file left
    failed = run("--archive", str(EXAMPLES), "digest", "-o", str(tmp_path / "missing" / "x.md"), check=False)
    assert failed.returncode == 1 and "cannot write the digest" in failed.stderr


def test_untrusted_titles_are_escaped_in_the_digest(posts_dir) -> None:
    (posts_dir / "2026-11-20-crafted.md").write_text(
        '---\ntitle: "[click](javascript:alert(1)) **bold** <b>x</b> \\e[31mred\\x07 | cell # _u_"\n'
        "date: 2026-11-20\npermalink: /posts/crafted/\ntags:\n- veille-cyber\n- crafted\n---\nBody.\n\n"
        '[Source](https://example.net/a(b) c){:target="_blank"}\n',
        encoding="utf-8",
    )
    text = run("--archive", str(posts_dir), "digest", "--since", "400d").stdout
    assert "\x1b" not in text and "\x07" not in text
    tokens = MarkdownIt().parse(text)
    links = _links(tokens)
    assert len(links) == 1
    href, shown = links[0]
    assert href.startswith("https://example.net/") and "javascript" not in href
    assert shown.startswith("[click](javascript:alert(1)) **bold** <b>x</b>")
    html = MarkdownIt().render(text)
    assert "<strong>" not in html and "<b>x</b>" not in html


@pytest.mark.parametrize("since", ["soon", "7x"])
def test_a_bad_period_is_an_error(since) -> None:
    result = run("--archive", str(EXAMPLES), "digest", "--since", since, check=False)
    assert result.returncode != 0 and "Traceback" not in result.stderr and since in result.stderr


def test_the_digest_cve_lists_mark_kev_and_give_epss() -> None:
    data = EXAMPLES.parents[1] / "tests" / "data" / "intel"
    ex = ("--archive", str(EXAMPLES))
    run(*ex, "intel", "import", str(data / "kev.json"))
    run(*ex, "intel", "import", str(data / "epss.csv.gz"))
    kev = {e["cve"] for e in json.loads(run(*ex, "cves", "--json").stdout) if e["kev"]}
    scored = {e["cve"]: e["epss"] for e in json.loads(run(*ex, "cves", "--json").stdout) if e["epss"] is not None}
    assert kev and scored
    text = run(*ex, "digest", "--since", "400d").stdout
    cve_lines = [line for line in text.splitlines() if line.startswith("- CVE-")]
    for line in cve_lines:
        cve = line[2:].split(" ")[0]
        assert ("**KEV**" in line) == (cve in kev), line
        if cve in scored:
            assert f"EPSS {scored[cve]:.3f}" in line
    for section in text.split("\n### ")[1:]:  # KEV first in each list
        marks = ["**KEV**" in line for line in section.splitlines() if line.startswith("- CVE-")]
        assert marks == sorted(marks, reverse=True)
    assert f"{len(kev)} in KEV" in text.splitlines()[4]


def test_show_lists_the_related_stories_of_the_examples() -> None:
    ids = _ids_by_file(EXAMPLES)
    bleeping = next(i for f, i in ids.items() if "ivanti-fixes-epmm" in f)
    cert = next(i for f, i in ids.items() if "ivanti-endpoint-manager-mobile" in f)
    shown = json.loads(run("--archive", str(EXAMPLES), "show", str(cert), "--json").stdout)
    assert shown["related"] == [bleeping]
    plain = run("--archive", str(EXAMPLES), "show", str(cert)).stdout
    related = plain.split("Related stories:\n")[1].splitlines()[0].split()
    assert related[:3] == [str(bleeping), "2026-07-16", "bleepingcomp"] and "Ivanti" in related
    alone = next(i for f, i in ids.items() if "teams-phishing" in f)
    assert json.loads(run("--archive", str(EXAMPLES), "show", str(alone), "--json").stdout)["related"] == []
    assert "Related stories" not in run("--archive", str(EXAMPLES), "show", str(alone)).stdout


def test_a_malformed_digest_query_is_one_message() -> None:
    result = run("--archive", str(EXAMPLES), "digest", '"unclosed', check=False)
    assert result.returncode != 0 and "Traceback" not in result.stderr and "quote" in result.stderr
    assert result.stdout == ""


def test_the_digest_strips_tracking_says_its_period_once_and_titles_posts_by_their_own_heading(posts_dir) -> None:
    (posts_dir / "2026-11-18-router.md").write_text(
        "---\ntitle: 'Router Vendor Ships Emergency Patch'\ndate: 2026-11-18\npermalink: /posts/router/\n"
        "tags:\n- veille-cyber\n- wirenews\n---\n### Routeurs : un correctif d'urgence publié\n\nRésumé.\n\n"
        '[Source](https://wire.example.net/router-patch?id=7&utm_source=rss&utm_medium=feed&fbclid=x){:target="_blank"}\n',
        encoding="utf-8",
    )
    (posts_dir / "2026-11-19-plain.md").write_text(
        "---\ntitle: 'Plain Post'\ndate: 2026-11-19\npermalink: /posts/plain/\ntags:\n- veille-cyber\n- wirenews\n"
        "---\n### Plain Post\n\nSame heading as the title.\n\n"
        '[Source](https://wire.example.net/plain?utm_campaign=w){:target="_blank"}\n',
        encoding="utf-8",
    )
    text = run("--archive", str(posts_dir), "digest", "--since", "2026-11-01").stdout
    (period,) = [line for line in text.splitlines() if line.startswith("- Period:")]
    assert period.startswith("- Period: 2026-11-01 to ") and period.count("2026-11-01") == 1
    assert "- Period: 400d, " in run("--archive", str(posts_dir), "digest", "--since", "400d").stdout
    links = _links(MarkdownIt().parse(text))
    assert sorted(links) == [
        ("https://wire.example.net/plain", "Plain Post"),
        ("https://wire.example.net/router-patch?id=7", "Router Vendor Ships Emergency Patch"),
    ]
    router = next(line for line in text.splitlines() if "router-patch" in line)
    # the post's own (French) heading is its title; the source's title stays the link's text
    assert router.startswith("- 2026-11-18 Routeurs : un correctif d'urgence publié — [Router Vendor")
    plain = next(line for line in text.splitlines() if "/plain" in line)
    assert plain.startswith("- 2026-11-19 [Plain Post]")  # a heading that repeats the title adds nothing
    data = json.loads(run("--archive", str(posts_dir), "digest", "--since", "2026-11-01", "--json").stdout)
    headings = {s["title"]: s["heading"] for section in data["sections"] for s in section["stories"]}
    assert headings == {
        "Router Vendor Ships Emergency Patch": "Routeurs : un correctif d'urgence publié",
        "Plain Post": None,
    }
