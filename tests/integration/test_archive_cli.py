"""`veille-tui index` and `list` on the archives of issue 13, as separate processes: the symlink loop
of the report (`_posts/sub/up -> ..`, 29 files) and a Hugo site (tests/data/hugo-site)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import EXAMPLES, write_post

HUGO_SITE = Path(__file__).resolve().parent.parent / "data" / "hugo-site"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "veille_tui", *args], capture_output=True, text=True, timeout=120, env=dict(os.environ)
    )
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return result


def test_the_reported_symlink_loop(tmp_path) -> None:
    posts = tmp_path / "_posts"
    shutil.copytree(EXAMPLES, posts)
    for i in range(4):
        write_post(posts, f"sub/2026-01-0{i + 1}-sub-{i}.md", f"---\ntitle: Sub {i}\n---\nbody\n")
    (posts / "README.txt").write_text("not a post")
    os.symlink("..", posts / "sub" / "up")
    assert sum(1 for p in posts.rglob("*") if p.is_file() and not p.is_symlink()) == 29
    report = json.loads(run("--archive", str(posts), "index", "--json").stdout)
    assert report == {
        "indexed": 28,
        "skipped": 1,
        "skipped_files": [{"file": "README.txt", "reason": "not a post file (extension)"}],
        "problems": [
            {"file": "sub/up", "reason": "symlink loop: leads back to the archive folder itself; not followed"}
        ],
    }
    listed = json.loads(run("--archive", str(posts), "list", "--json", "--limit", "0").stdout)
    assert len(listed) == 28 and len({e["file"] for e in listed}) == 28  # each post once
    plain = run("--archive", str(posts), "index").stdout
    assert "28 posts indexed (28 unchanged), 1 skipped, 1 problems" in plain
    assert "problem: sub/up: symlink loop" in plain


def test_a_hugo_site(tmp_path) -> None:
    report = json.loads(run("--archive", str(HUGO_SITE), "index", "--json").stdout)
    assert (report["indexed"], report["skipped"], len(report["problems"])) == (5, 9, 1)
    listed = json.loads(run("--archive", str(HUGO_SITE), "list", "--json").stdout)
    assert [(e["date"], e["title"]) for e in listed] == [
        ("2026-03-04T09:30:00+01:00", "Fortinet FortiOS zero-day exploited in the wild"),
        ("2026-02-20T14:00:00+00:00", "LockBit infrastructure taken down"),
        ("2026-02-11", "Ivanti EPMM: two flaws chained"),
        ("2026-01-20", "Quarterly ransomware report"),
        ("2026-01-05", "Dated by its file name"),
    ]
    tags = json.loads(run("--archive", str(HUGO_SITE), "tags", "--json").stdout)
    assert tags["ransomware"] == 2 and tags["vulnerabilities"] == 2 and tags["cve"] == 2
    assert "(hugo)" in run("--archive", str(HUGO_SITE), "index").stdout


def test_archive_format_in_the_config(tmp_path) -> None:
    blog = tmp_path / "blog"
    write_post(blog, "2026-03-01-named.md", "---\ntitle: Named\n---\nx\n")
    write_post(blog, "undated-name.md", "---\ntitle: Undated name\ndate: 2026-03-02\n---\nx\n")
    config = Path(os.environ["VEILLE_TUI_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'archive = "{blog}"\n')
    assert json.loads(run("index", "--json").stdout)["indexed"] == 2  # no site: Hugo's rules
    config.write_text(f'archive = "{blog}"\narchive_format = "jekyll"\n')
    report = json.loads(run("index", "--json").stdout)
    assert (report["indexed"], report["skipped"]) == (1, 1)
    assert [e["title"] for e in json.loads(run("list", "--json").stdout)] == ["Named"]


def test_index_names_the_files_it_skips_the_first_ten_and_all_in_json(posts_dir) -> None:
    write_post(posts_dir, "2026-05-01-post.md", "---\ntitle: A post\n---\nbody\n")
    for n in range(12):
        (posts_dir / f"notes-{n:02d}.txt").write_text("a note beside the posts, no front matter")
    plain = run("--archive", str(posts_dir), "index").stdout
    assert "1 posts indexed (0 unchanged), 12 skipped, 0 problems" in plain
    named = [line.strip() for line in plain.splitlines() if line.strip().startswith("skipped: ")]
    assert named == [f"skipped: notes-{n:02d}.txt: not a post file (extension)" for n in range(10)]
    assert "... and 2 more skipped (`veille-tui index --json` lists them all)" in plain
    report = json.loads(run("--archive", str(posts_dir), "index", "--json").stdout)  # unchanged files too
    assert [s["file"] for s in report["skipped_files"]] == [f"notes-{n:02d}.txt" for n in range(12)]
