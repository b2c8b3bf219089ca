"""Drafting an entry: where its draft goes (the archive's layout), what its form starts with
(title, tags, the body sources there are), its body (the draft command, the full text, the
summary), and publishing it. `Library.write_draft`, `draft_plan` and `publish` are its front door.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from veille_tui.core.archive import draft_command, drafts, hugo
from veille_tui.core.archive.draft_index import drafts_folder
from veille_tui.core.config import Settings
from veille_tui.core.errors import DraftError
from veille_tui.core.models import DraftPlan, DraftSource, Entry
from veille_tui.core.text import clean, normalize_tag

ARCHIVE_TAG = "veille-cyber"


@dataclass(frozen=True)
class Places:
    """Where an archive keeps its drafts and its posts. Jekyll: `_drafts/slug.md` beside `_posts/`
    (the site's folder is their parent); Hugo: the content section itself, a draft being a file
    with `draft: true` (the site's folder is the section)."""

    site: Path  # what Entry.draft is relative to
    drafts: Path
    posts: Path
    flagged: bool  # Hugo: a draft says `draft: true`


def places(archive: Path, archive_format: str) -> Places:
    layout = hugo.detect(archive, archive_format)
    if layout.format == "hugo":
        return Places(layout.root, layout.root, layout.root, flagged=True)
    return Places(archive.parent, drafts_folder(archive), archive, flagged=False)


def draft_day(entry: Entry) -> date:
    try:
        return datetime.fromisoformat(entry.date).astimezone(UTC).date() if entry.date else date.today()
    except ValueError:
        return date.today()


@dataclass(frozen=True)
class TagRule:
    """How the archive's posts are tagged, learnt from them: the tag (nearly) every post carries
    (the archive's own, `veille-cyber`), and the source tags that go with it (one a post)."""

    common: str = ARCHIVE_TAG
    sources: frozenset[str] = frozenset()

    @classmethod
    def learn(cls, posts: int, counts: Mapping[str, int]) -> TagRule:
        """From the posts' own tags (Store.post_tag_counts); an archive without posts: the default."""
        if not posts or not counts:
            return cls()
        common, seen = max(counts.items(), key=lambda kv: (kv[1], kv[0] == ARCHIVE_TAG))
        if seen < 0.9 * posts:  # no tag on (nearly) every post: the default common tag
            common = ARCHIVE_TAG
        return cls(common, frozenset(tag for tag in counts if tag != common))

    def tags(self, feed_tags: Sequence[str], extra: Sequence[str] = ()) -> list[str]:
        """A draft's tags: the common tag, one source tag (the first of the feeds' tags that the
        archive's posts use as one, else the feeds' first), then those the analyst adds."""
        feed = [t for t in map(normalize_tag, feed_tags) if t and t != self.common]
        source = next((t for t in feed if t in self.sources), feed[0] if feed else "")
        tags = [self.common]
        for tag in [source, *extra]:
            tag = normalize_tag(tag)
            if tag and tag not in tags:
                tags.append(tag)
        return tags


def plan(
    entry: Entry, feed_tags: Sequence[str], settings: Settings, full_text: str | None, rule: TagRule | None = None
) -> DraftPlan:
    """What the `a` form starts with: the tags by the archive's rule (`TagRule`), nothing more
    until the analyst adds it."""
    sources: list[DraftSource] = []
    if settings.draft.command:
        sources.append("command")
    if full_text:
        sources.append("fulltext")
    sources.append("summary")
    return DraftPlan(
        entry_id=entry.id,
        title=entry.title,
        tags=tuple((rule or TagRule()).tags(feed_tags)),
        sources=tuple(sources),
        command=settings.draft.command,
    )


# the heading a post opens with: the French title the analyst writes (the front matter has the
# source's title already: repeating it there says nothing)
HEADING_TO_WRITE = "### Titre à écrire"


def summary_body(entry: Entry) -> str:
    """The feed's summary, opened by a heading as the archive's posts are (its own, else one to write)."""
    body = (entry.body or "").strip()
    return body if body.startswith("#") else f"{HEADING_TO_WRITE}\n\n{body}".strip()


def article_markdown(entry: Entry, full_text: str | None) -> str:
    """What the draft command reads on stdin: the title as a heading, then the full text when
    there is one, else the feed's summary."""
    return f"# {entry.title}\n\n{(full_text or entry.body or '').strip()}\n"


def body(
    entry: Entry,
    source: DraftSource,
    settings: Settings,
    full_text: str | None,
    cancelled: Callable[[], bool] = lambda: False,
    notes: list[str] | None = None,
) -> str:
    """The draft's body from `source`; what the user should know of it (the command's output
    cut) is added to `notes`."""
    if source == "command":
        if not settings.draft.command:
            raise DraftError(f"no [draft] command in {settings.path}")
        link = drafts.clean_source_url(entry.link or "")
        env = {"VEILLE_TITLE": entry.title, "VEILLE_LINK": link, "VEILLE_SOURCE": entry.source}
        output = draft_command.run(
            settings.draft.command, article_markdown(entry, full_text), env, settings.draft.timeout, cancelled
        )
        if output.cut and notes is not None:
            notes.append(output.cut)
        return output.body
    if source == "fulltext":
        if not full_text:
            raise DraftError(f"entry {entry.id} has no full text stored (f, or `veille-tui extract {entry.id}`)")
        return f"{HEADING_TO_WRITE}\n\n{clean(full_text).strip()}"
    return summary_body(entry)


def write(
    where: Places,
    entry: Entry,
    *,
    title: str,
    tags: Sequence[str],
    text: str,
    to_posts: bool,
) -> Path:
    """Write the draft (or, to_posts, the post) of entry; returns its path."""
    assert entry.link
    if to_posts:
        return drafts.write_unique(
            where.posts, title=title, day=draft_day(entry), tags=list(tags), body=text, link=entry.link, dated=True
        )
    return drafts.write_unique(
        where.drafts,
        title=title,
        day=draft_day(entry),
        tags=list(tags),
        body=text,
        link=entry.link,
        dated=False,
        create=True,
        flagged=where.flagged,
    )


_FLAGGED = re.compile(r"\A(?:---|\+\+\+)[ \t]*\r?\n(?:.*\n)*?draft\s*[:=]\s*['\"]?true\b", re.I)


def draft_to_publish(where: Places, target: Path) -> Path:
    """The draft file `target` names, checked to be one of the archive's drafts."""
    path = target if target.is_absolute() else Path.cwd() / target
    if not path.is_file():
        raise DraftError(f"{target}: no such draft")
    if path.resolve().parent != where.drafts.resolve():
        raise DraftError(f"{target}: not a draft of this archive (its drafts are in {where.drafts})")
    if where.flagged:
        try:
            head = path.read_text(encoding="utf-8", errors="replace")[:4096]
        except OSError as exc:
            raise DraftError(f"{target}: cannot read the draft: {exc.strerror or exc}") from None
        if not _FLAGGED.match(head):
            raise DraftError(f"{target}: not a draft (no `draft: true` in its front matter): published already")
    return path


def publish(where: Places, draft: Path, day: date | None = None) -> Path:
    return drafts.publish(draft, where.posts, day or date.today())
