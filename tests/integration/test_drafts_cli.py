"""Archive drafts from the command line (issue 12), in a temporary copy of an archive made of our
own fixtures (examples/_posts): `archive ID` into `_drafts/`, read back with python-frontmatter;
the draft command as a real subprocess; `publish`; names taken, hostile titles, a read-only
folder; `is:drafted` and `drafted` in `list --json`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import frontmatter
import pytest
from tests.conftest import EXAMPLES

from veille_tui.core.library import Library
from veille_tui.core.models import Feed, FullText, Item
from veille_tui.core.update import store_fetch

LINK = "https://news.example.net/2026/07/big-breach?utm_source=rss&utm_medium=feed&id=7&fbclid=abc"
CLEAN_LINK = "https://news.example.net/2026/07/big-breach?id=7"
TITLE = "Big breach: what we know (so far)"
SUMMARY = "The **attackers** used CVE-2026-12345 against exposed VPN appliances.\n\nA second paragraph."


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A Jekyll site: `_posts` copied from our fixtures, no `_drafts` yet."""
    root = tmp_path / "site"
    shutil.copytree(EXAMPLES, root / "_posts")
    (root / "_config.yml").write_text("title: test\n")
    return root


def add_items(site: Path, items: list[Item]) -> list[int]:
    with Library.open(archive=str(site / "_posts")) as lib:
        lib.index()
        lib.store.sync_feeds([Feed("https://news.example.net/feed", "Example News", ("examplenews",))])
        feed_id = lib.store.feed_states()[0][0]
        store_fetch(lib.store, feed_id, status="ok", items=items)
        return [e.id for e in lib.store.entries("is:item", limit=0)]


def item(title: str = TITLE, link: str = LINK, guid: str = "g1", summary: str = SUMMARY) -> Item:
    return Item(guid, link, title, "2026-07-20T10:00:00+00:00", 1784541600, summary)


# as root, a read-only folder is written all the same: the process runs without the capabilities
# that let root write anywhere (setpriv, util-linux)
SETPRIV = shutil.which("setpriv")
NO_OVERRIDE = "-dac_override,-dac_read_search,-fowner"
UNPRIVILEGED = (
    [SETPRIV, f"--bounding-set={NO_OVERRIDE}", f"--inh-caps={NO_OVERRIDE}"] if SETPRIV and os.geteuid() == 0 else []
)


def cli(
    site: Path, *args: str, env: dict[str, str] | None = None, prefix: list[str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*(prefix or []), sys.executable, "-m", "veille_tui", "--archive", str(site / "_posts"), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return result.stdout.strip()


def config(text: str) -> None:
    path = Path(os.environ["VEILLE_TUI_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))


def script(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(f"#!{sys.executable}\n" + textwrap.dedent(body))
    path.chmod(0o755)
    return path


def listed(site: Path, query: str) -> list[dict[str, object]]:
    return json.loads(ok(cli(site, "list", query, "--json", "--limit", "0")))  # type: ignore[no-any-return]


def test_archive_writes_a_draft_that_parses_back_and_publish_moves_it(site) -> None:
    (entry_id,) = add_items(site, [item()])
    path = Path(ok(cli(site, "archive", str(entry_id), "--tag", "Breach")))
    assert path == site / "_drafts" / "big-breach-what-we-know-so-far.md"
    assert not any(p.name.endswith("big-breach-what-we-know-so-far.md") for p in (site / "_posts").iterdir())
    post = frontmatter.load(path)
    assert post["title"] == TITLE
    assert post["date"] == date(2026, 7, 20)
    assert post["permalink"] == "/posts/2026/07/20/big-breach-what-we-know-so-far/"
    assert post["tags"] == ["veille-cyber", "examplenews", "breach"]
    text = path.read_text()
    assert text.startswith("---\ntitle: 'Big breach: what we know (so far)'\ndate: 2026-07-20\n")
    assert text.rstrip().endswith(f'---\n[Source]({CLEAN_LINK}){{:target="_blank"}}')
    assert "utm_" not in text and "fbclid" not in text and "The **attackers** used" in post.content
    # the entry is drafted, not archived
    (shown,) = listed(site, "is:drafted")
    assert shown["id"] == entry_id and shown["drafted"] is True and shown["archived"] is False
    assert shown["draft"] == "_drafts/big-breach-what-we-know-so-far.md"
    assert all(e["drafted"] is False for e in listed(site, "is:archived"))
    assert "drafted: _drafts/big-breach-what-we-know-so-far.md" in ok(cli(site, "show", str(entry_id)))
    assert ok(cli(site, "list", "is:drafted")).split()[1:3] == ["N", "D"]  # unread, drafted
    # a second `archive` of the same entry: it has a draft already
    again = cli(site, "archive", str(entry_id))
    assert again.returncode == 1 and "has a draft already" in again.stderr
    # publish by entry id: into _posts, dated today, the draft gone
    today = date.today()
    new = Path(ok(cli(site, "publish", str(entry_id))))
    assert new == site / "_posts" / f"{today.isoformat()}-big-breach-what-we-know-so-far.md"
    assert not path.exists() and list((site / "_drafts").iterdir()) == []
    published = frontmatter.load(new)
    assert published["date"] == today and published["title"] == TITLE
    assert published["permalink"] == f"/posts/{today:%Y/%m/%d}/big-breach-what-we-know-so-far/"
    assert published["tags"] == post["tags"] and published.content == post.content
    (shown,) = [e for e in listed(site, "is:archived") if e["id"] == entry_id]
    assert shown["archived"] is True and shown["drafted"] is False
    assert listed(site, "is:drafted") == []


def test_publish_by_path_never_overwrites(site) -> None:
    first, second = add_items(
        site, [item(guid="a"), item(guid="b", link="https://other.example.org/same-title", title=TITLE)]
    )
    one = Path(ok(cli(site, "archive", str(first))))
    two = Path(ok(cli(site, "archive", str(second))))
    assert (one.name, two.name) == ("big-breach-what-we-know-so-far.md", "big-breach-what-we-know-so-far-2.md")
    permalink = frontmatter.load(two)["permalink"]
    assert isinstance(permalink, str) and permalink.endswith("/big-breach-what-we-know-so-far-2/")
    today = date.today().isoformat()
    taken = site / "_posts" / f"{today}-big-breach-what-we-know-so-far.md"
    taken.write_text("---\ntitle: mine\n---\nnot to be overwritten\n")
    new = Path(ok(cli(site, "publish", str(one))))
    assert new.name == f"{today}-big-breach-what-we-know-so-far-2.md"
    assert taken.read_text().endswith("not to be overwritten\n")
    outside = site / "elsewhere.md"
    outside.write_text("---\ntitle: x\n---\n")
    refused = cli(site, "publish", str(outside))
    assert refused.returncode == 1 and "not a draft of this archive" in refused.stderr
    assert outside.exists()
    missing = cli(site, "publish", "999999")
    assert missing.returncode == 1 and "no draft" in missing.stderr


def test_archive_post_writes_straight_into_posts(site) -> None:
    (entry_id,) = add_items(site, [item()])
    path = Path(ok(cli(site, "archive", str(entry_id), "--post")))
    assert path == site / "_posts" / "2026-07-20-big-breach-what-we-know-so-far.md"
    assert not (site / "_drafts").exists()
    (shown,) = [e for e in listed(site, "is:archived") if e["id"] == entry_id]
    assert shown["file"] == path.name


def test_draft_folder_posts_in_the_config(site) -> None:
    (entry_id,) = add_items(site, [item()])
    config('[draft]\nfolder = "posts"\n')
    path = Path(ok(cli(site, "archive", str(entry_id))))
    assert path.parent == site / "_posts"


def test_the_draft_command_writes_the_body_from_stdin_and_env(site, tmp_path) -> None:
    (entry_id,) = add_items(site, [item()])
    seen = tmp_path / "seen.json"
    command = script(
        tmp_path,
        "summarise.py",
        f"""\
        import json, os, sys
        article = sys.stdin.read()
        keys = ("VEILLE_TITLE", "VEILLE_LINK", "VEILLE_SOURCE")
        json.dump({{"stdin": article, **{{k: os.environ.get(k) for k in keys}}}}, open({str(seen)!r}, "w"))
        print("### Résumé en français")
        print()
        print("Le corps écrit par la commande \\x1b[31m(rouge)\\x1b[0m.")
        """,
    )
    config(f'[draft]\ncommand = "{command}"\n')
    path = Path(ok(cli(site, "archive", str(entry_id))))
    got = json.loads(seen.read_text())
    assert got["stdin"].startswith(f"# {TITLE}\n\n") and "CVE-2026-12345" in got["stdin"]
    assert (got["VEILLE_TITLE"], got["VEILLE_LINK"], got["VEILLE_SOURCE"]) == (TITLE, CLEAN_LINK, "Example News")
    post = frontmatter.load(path)
    assert post.content.startswith("### Résumé en français\n\nLe corps écrit par la commande (rouge).")
    assert "\x1b" not in path.read_text() and "The **attackers**" not in post.content


FULL = "## The whole story\n\nThe full article, as extracted from its page, names CVE-2026-99999.\n"


def store_full_text(site: Path, entry_id: int) -> None:
    with Library.open(archive=str(site / "_posts")) as lib:
        text = FULL.replace("#", "").strip()
        lib.store.save_full_text(entry_id, FullText("The whole story", FULL, text, len(text.split()), LINK))


def test_the_full_text_is_the_commands_stdin_and_a_body_source(site, tmp_path) -> None:
    first, second = add_items(site, [item(guid="a"), item(guid="b", link="https://news.example.net/other")])
    for entry_id in (first, second):
        store_full_text(site, entry_id)
    seen = tmp_path / "stdin.md"
    command = script(
        tmp_path, "cat.py", f"import sys\ndata = sys.stdin.read()\nopen({str(seen)!r}, 'w').write(data)\nprint('ok')\n"
    )
    config(f'[draft]\ncommand = "{command}"\n')
    ok(cli(site, "archive", str(first)))
    assert seen.read_text() == f"# {TITLE}\n\n{FULL}"  # the full text, not the feed's summary
    # --source fulltext: the body is the full text under the title
    path = Path(ok(cli(site, "archive", str(second), "--source", "fulltext")))
    content = frontmatter.load(path).content
    # under the heading to write (the title is the front matter's already)
    assert content.startswith("### Titre à écrire\n\n## The whole story") and "CVE-2026-99999" in content
    assert "The **attackers**" not in content


def test_source_summary_does_not_run_the_command(site, tmp_path) -> None:
    (entry_id,) = add_items(site, [item()])
    ran = tmp_path / "ran"
    command = script(tmp_path, "touch.py", f"open({str(ran)!r}, 'w').write('x')\nprint('body')\n")
    config(f'[draft]\ncommand = "{command}"\n')
    path = Path(ok(cli(site, "archive", str(entry_id), "--source", "summary")))
    assert not ran.exists() and "The **attackers** used" in frontmatter.load(path).content


@pytest.mark.parametrize(
    ("body", "timeout", "said"),
    [
        (
            "import sys\nsys.stderr.write('model not found: \\x1b[31mllama\\x1b[0m\\n')\nsys.exit(1)\n",
            30,
            "exit status 1",
        ),
        ("import sys\nsys.stdin.read()\nsys.stderr.write('nothing to say\\n')\n", 30, "wrote nothing"),
        ("import sys, time\nsys.stderr.write('thinking hard\\n')\nsys.stderr.flush()\ntime.sleep(60)\n", 1, "killed"),
    ],
    ids=["exit-1", "empty", "timeout"],
)
def test_a_failing_draft_command_writes_nothing_and_shows_its_stderr(site, tmp_path, body, timeout, said) -> None:
    (entry_id,) = add_items(site, [item()])
    command = script(tmp_path, "fails.py", body)
    config(f'[draft]\ncommand = "{command}"\ntimeout = {timeout}\n')
    result = cli(site, "archive", str(entry_id))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert said in result.stderr
    expected = {"exit-1": "model not found: llama", "empty": "nothing to say", "timeout": "thinking hard"}
    assert any(text in result.stderr for text in expected.values()), result.stderr
    assert "\x1b" not in result.stderr
    assert not (site / "_drafts").exists() or list((site / "_drafts").iterdir()) == []
    assert listed(site, "is:drafted") == []


def test_a_hostile_title_stays_inside_the_drafts_folder(site) -> None:
    titles = [
        "../../etc/passwd",
        "/absolute/../../x \x1b]0;pwned\x07\x1b[2J title\x00\x07",
        "🔐🚨 emoji only 🔥",
        "🔐🚨",
        "A" * 500,
        "..",
        "CON",
    ]
    ids = add_items(site, [item(title=t, link=f"https://h.example/{n}", guid=str(n)) for n, t in enumerate(titles)])
    drafts = site / "_drafts"
    for entry_id in ids:
        path = Path(ok(cli(site, "archive", str(entry_id))))
        assert path.parent == drafts and path.resolve().parent == drafts.resolve()
        stem = path.name[:-3]
        assert stem and all(c.islower() or c.isdigit() or c == "-" for c in stem) and stem.isascii(), stem
        assert len(path.name) <= 90
        text = path.read_text()
        assert "\x1b" not in text and "\x00" not in text and "\x07" not in text
        assert frontmatter.load(path)["title"]  # still valid YAML
    assert sorted(p.name for p in site.iterdir()) == ["_config.yml", "_drafts", "_posts"]
    assert not (site.parent / "etc").exists()


@pytest.mark.skipif(os.geteuid() == 0 and not SETPRIV, reason="root writes into read-only folders")
def test_a_read_only_folder_is_a_clear_error(site) -> None:
    (entry_id,) = add_items(site, [item()])
    drafts = site / "_drafts"
    drafts.mkdir()
    drafts.chmod(0o555)
    try:
        result = cli(site, "archive", str(entry_id), prefix=UNPRIVILEGED)
    finally:
        drafts.chmod(0o755)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert str(drafts) in result.stderr and "Permission denied" in result.stderr
    assert list(drafts.iterdir()) == []
    # the same for publish into a read-only _posts
    path = Path(ok(cli(site, "archive", str(entry_id))))
    posts = site / "_posts"
    posts.chmod(0o555)
    try:
        result = cli(site, "publish", str(path), prefix=UNPRIVILEGED)
    finally:
        posts.chmod(0o755)
    assert result.returncode == 1 and str(posts) in result.stderr and path.exists()


SKELETON = Path(__file__).resolve().parents[2] / "examples" / "draft_skeleton.py"


def test_the_example_draft_command_writes_the_archives_skeleton(site) -> None:
    article = "\n\n".join(
        [
            "Attackers are exploiting CVE-2026-12345 in exposed VPN appliances since last week.",
            "The vendor published fixes on Tuesday and urges customers to upgrade at once.",
            "Researchers counted 4,000 exposed devices. Most are in Europe.",
            "A second flaw, cve-2026-23456, lets an authenticated user read any file.",
        ]
    )
    (entry_id,) = add_items(site, [item(summary=article)])
    config(f'[draft]\ncommand = "{sys.executable} {SKELETON}"\n')
    path = Path(ok(cli(site, "archive", str(entry_id))))
    body = frontmatter.load(path).content
    assert body.startswith("### Titre à écrire\n\nAttackers are exploiting CVE-2026-12345")
    assert TITLE not in body  # the heading is the French one to write, not the title again
    assert "**Points clés :**\n*   Researchers counted 4,000 exposed devices." in body
    assert "**Vulnérabilités et Recommandations :**\n*   **CVE-2026-12345** :" in body
    assert "*   **CVE-2026-23456** :" in body
    assert body.rstrip().endswith(f'[Source]({CLEAN_LINK}){{:target="_blank"}}')
    empty = subprocess.run([sys.executable, str(SKELETON)], input="", capture_output=True, text=True)
    assert empty.returncode == 1 and "nothing on stdin" in empty.stderr


def test_a_draft_written_by_hand_is_indexed(site) -> None:
    (entry_id,) = add_items(site, [item()])
    drafts = site / "_drafts"
    drafts.mkdir()
    (drafts / "by-hand.md").write_text(f"---\ntitle: 'À la main'\n---\nCorps.\n\n---\n[Source]({LINK})\n")
    (drafts / ".hidden.md").write_text("---\ntitle: x\n---\n")
    (drafts / "notes.txt").write_text("not a draft")
    assert ok(cli(site, "index")).endswith("; 1 draft")
    (shown,) = listed(site, "is:drafted")
    assert shown["id"] == entry_id and shown["draft"] == "_drafts/by-hand.md"
    (drafts / "by-hand.md").unlink()
    ok(cli(site, "index"))
    assert listed(site, "is:drafted") == []


def test_the_form_and_archive_tag_a_draft_by_the_rule_the_archive_s_posts_follow(tmp_path) -> None:
    posts = tmp_path / "site" / "_posts"
    posts.mkdir(parents=True)
    for n, source in enumerate(["govcert", "wirenews", "govcert"], 1):
        (posts / f"2026-06-0{n}-post-{n}.md").write_text(
            f"---\ntitle: 'Post {n}'\ndate: 2026-06-0{n}\ntags:\n- veille\n- {source}\n---\n### Titre {n}\n\nTexte.\n",
            encoding="utf-8",
        )
    config('watch = ["gateway"]\n')
    with Library.open(archive=str(posts)) as lib:
        lib.index()
        # the feed's tags: a language tag first, then the source tag the archive uses
        lib.store.sync_feeds([Feed("https://gov.example.org/feed", "Gov CERT", ("fr", "govcert"))])
        lib.store.record_fetch(
            lib.store.feed_states()[0][0],
            status="ok",
            items=[item(title="Gateway flaw CVE-2026-55555", summary="A gateway flaw, CVE-2026-55555.")],
        )
        (entry_id,) = [e.id for e in lib.store.entries("is:item", limit=0)]
        # the form starts with what every post carries: the common tag and one source tag; not the
        # feed's other tags, the watch terms or `cve` (the analyst adds what he wants)
        assert lib.draft_plan(entry_id).tags == ("veille", "govcert")
    plain = Path(ok(cli(tmp_path / "site", "archive", str(entry_id))))
    assert frontmatter.load(plain)["tags"] == ["veille", "govcert"]
    plain.unlink()
    ok(cli(tmp_path / "site", "index"))
    tagged = Path(ok(cli(tmp_path / "site", "archive", str(entry_id), "--tag", "Routeurs")))
    assert frontmatter.load(tagged)["tags"] == ["veille", "govcert", "routeurs"]
