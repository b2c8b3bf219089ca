"""Generators for the benchmarks' large workloads, all of our own synthetic text (deterministic).

    python bench/gen.py archive --out DIR [--posts 2772]       a Jekyll _posts folder
    python bench/gen.py feeds --out DIR [--feeds 500] [--bump 0.1]   RSS 2.0 files + DIR/index.txt
    python bench/gen.py store --db FILE [--items 50000] [--archive DIR]   52,772 entries with the archive
    python bench/gen.py epss --out DIR [--rows 300000]          an EPSS CSV (and .csv.gz)

- archive: posts shaped like the real archive (front matter title/date/permalink/tags with
  `veille-cyber` and a source tag, a Markdown body of about 4 KB in French with headings and
  bullets, a `[Source](URL){:target="_blank"}` line, CVE ids in a quarter of them).
- feeds: one feed per file, 50..200 items each (about 2.5 KB of description an item: 500 feeds are
  about 54,000 items, as ../shared/bench/make_feeds.py --scale 50 makes from the real archive);
  `--bump F` rewrites a fraction F of the files (the same ones every time) with one new item at the
  top and leaves the other files untouched (their ETag and Last-Modified stay valid); `--bump 0`
  over a bumped folder writes those files back as they were.
- store: bench/make_store.py's 50,000 generated items over 100 feeds, with the archive indexed.
- epss: bench/intel_bench.py's generated EPSS scores (our own CVE ids).
"""

from __future__ import annotations

import argparse
import html
import random
import sys
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

WORDS = (
    "ransomware hameçonnage vulnérabilité exploitation correctif zero-day botnet maliciel fortinet ivanti "
    "cisco microsoft linux noyau chrome firefox chaîne d'approvisionnement porte dérobée chargeur voleur "
    "identifiants fuite intrusion sécurité mise à jour attaque campagne acteur menace espionnage nuage "
    "identité jeton serveur pare-feu routeur passerelle authentification contournement élévation "
    "privilèges exécution code distance données clients opérateur gouvernement santé énergie"
).split()
EN_WORDS = (
    "attackers exploited the flaw in a campaign against customers before the vendor shipped a patch and "
    "researchers published indicators of compromise while agencies urged administrators to update"
).split()
SOURCES = [
    "bleepingcomp",
    "certfr",
    "thehackernews",
    "securityweek",
    "krebs",
    "darkreading",
    "zdnetfr",
    "lemagit",
    "cisa",
    "ncsc",
]
TOPICS = ["ransomware", "phishing", "apt", "cloud", "ics", "mobile", "vuln", "privacy", "crypto", "policy"]


def _sentence(rng: random.Random, words: list[str], lo: int, hi: int) -> str:
    return " ".join(rng.choice(words) for _ in range(rng.randint(lo, hi))).capitalize() + "."


def _paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng, WORDS if rng.random() < 0.8 else EN_WORDS, 8, 22) for _ in range(sentences))


def make_archive(out: Path, posts: int = 2772, seed: int = 11) -> Path:
    """`posts` Markdown posts in `out` (a Jekyll _posts folder); returns `out`."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(posts):
        day = start + timedelta(days=i * 330 // max(posts, 1))
        title = _sentence(rng, WORDS, 5, 11)[:-1]
        slug = f"post-{i:05d}-" + "-".join(title.lower().split()[:4]).replace("'", "")
        source = SOURCES[i % len(SOURCES)]
        tags = ["veille-cyber", source] + ([rng.choice(TOPICS)] if rng.random() < 0.5 else [])
        cve = f"\n\nLa faille CVE-2026-{rng.randint(1000, 99999)} est concernée." if rng.random() < 0.25 else ""
        bullets = "\n".join(f"*   **{_sentence(rng, WORDS, 2, 4)[:-1]} :** {_paragraph(rng, 2)}" for _ in range(4))
        body = (
            f"### {_sentence(rng, WORDS, 5, 9)[:-1]}\n\n{_paragraph(rng, 5)}\n\n#### Points clés\n{bullets}\n\n"
            f"{_paragraph(rng, 4)}{cve}\n\n"
            f'[Source](https://news.example.org/{source}/{i}.html){{:target="_blank"}}\n'
        )
        front = (
            "---\ntitle: '" + title.replace("'", "''") + f"'\ndate: {day:%Y-%m-%d}\n"
            f"permalink: /posts/{day:%Y/%m/%d}/{slug}/\ntags:\n" + "".join(f"- {t}\n" for t in tags) + "---\n"
        )
        (out / f"{day:%Y-%m-%d}-{slug}.md").write_text(front + body, encoding="utf-8")
    return out


def _feed_xml(index: int, extra: int, seed: int) -> str:
    rng = random.Random(seed * 100_003 + index)
    n_items = rng.randint(50, 200)
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    items = []
    for k in range(-extra, n_items):
        when = now - timedelta(hours=(k + extra) * 7 + index % 7)
        title = _sentence(rng, WORDS, 5, 11)[:-1]
        text = "\n".join(f"<p>{_paragraph(rng, 3)}</p>" for _ in range(4))
        cve = f" CVE-2026-{rng.randint(1000, 99999)}" if rng.random() < 0.2 else ""
        guid = f"https://news.example.org/feed{index:04d}/item{k}"
        items.append(
            f"<item><title>{html.escape(title)}</title><link>{guid}.html</link>"
            f'<guid isPermaLink="false">{guid}</guid><pubDate>{format_datetime(when)}</pubDate>'
            f"<category>{TOPICS[(index + k) % len(TOPICS)]}</category>"
            f"<description>{html.escape(text + cve)}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>Synthetic feed {index:04d}</title><link>https://news.example.org/feed{index:04d}/</link>"
        f"<description>Generated for the benchmark</description>{''.join(items)}</channel></rss>\n"
    )


def bumped(n_feeds: int, fraction: float) -> list[int]:
    """The indexes of the feeds that `--bump fraction` rewrites: the same ones every time."""
    count = round(n_feeds * fraction)
    return sorted(random.Random(5).sample(range(n_feeds), count)) if count else []


def make_feeds(out: Path, n_feeds: int = 500, bump: float = 0.0, seed: int = 13) -> list[str]:
    """Write the feed files (and index.txt) into `out`; returns the file names.

    A base file is written only when missing, so that a second call leaves every validator as it
    was; `bump` rewrites its fraction of the files with one more item; `bump=0` writes the files
    the last bump changed back to their base text."""
    out.mkdir(parents=True, exist_ok=True)
    names = [f"feed{i:04d}.xml" for i in range(n_feeds)]
    marker = out / ".bumped"
    was = [int(v) for v in marker.read_text().split()] if marker.exists() else []
    now = bumped(n_feeds, bump)
    for i, name in enumerate(names):
        path = out / name
        if i in now:
            path.write_text(_feed_xml(i, 1, seed), encoding="utf-8")
        elif i in was or not path.exists():
            path.write_text(_feed_xml(i, 0, seed), encoding="utf-8")
    marker.write_text(" ".join(map(str, now)))
    (out / "index.txt").write_text("\n".join(names) + "\n", encoding="utf-8")
    return names


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="what", required=True)
    p = sub.add_parser("archive")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--posts", type=int, default=2772)
    p = sub.add_parser("feeds")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--feeds", type=int, default=500)
    p.add_argument("--bump", type=float, default=0.0)
    p = sub.add_parser("store")
    p.add_argument("--db", type=Path, required=True)
    p.add_argument("--items", type=int, default=50_000)
    p.add_argument("--archive", type=Path)
    p = sub.add_parser("epss")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--rows", type=int, default=300_000)
    args = parser.parse_args()
    if args.what == "archive":
        make_archive(args.out, args.posts)
        print(f"{args.out}: {args.posts} posts")
    elif args.what == "feeds":
        names = make_feeds(args.out, args.feeds, args.bump)
        print(f"{args.out}: {len(names)} feeds")
    elif args.what == "store":
        import make_store  # bench/make_store.py

        store = make_store.make(args.db, args.items, args.archive)
        print(f"{args.db}: {store.count()} entries")
    else:
        import intel_bench  # bench/intel_bench.py

        args.out.mkdir(parents=True, exist_ok=True)
        plain, packed = intel_bench.epss_file(args.out, args.rows, [])
        print(f"{plain}, {packed}: {args.rows} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
