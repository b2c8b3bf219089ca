"""Library's archive: the index of posts and drafts, drafting an entry, publishing a draft."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from veille_tui.core.api import NO_ARCHIVE, Part
from veille_tui.core.errors import DraftError
from veille_tui.core.models import DraftPlan, DraftSource, Entry, IndexReport

# core/drafting.py (and the archive's readers it imports) is imported by the methods that use it:
# opening a library (the TUI's start) does not need it.
if TYPE_CHECKING:
    from veille_tui.core import drafting


class ArchivePart(Part):
    def index(self, progress: Callable[[int, int], None] | None = None, parallel: bool = False) -> IndexReport | None:
        """Incremental index of the archive and its drafts. parallel=True only from the main
        thread of a process."""
        if self.archive is None:
            return None
        from veille_tui.core.archive.indexer import index_archive

        report = index_archive(
            self.store, self.archive, progress, parallel=parallel, archive_format=self.settings.archive_format
        )
        report.drafts, report.drafts_changed = self._index_drafts()
        return report

    def _places(self) -> drafting.Places:
        from veille_tui.core import drafting

        if self.archive is None:
            raise DraftError(NO_ARCHIVE)
        return drafting.places(self.archive, self.settings.archive_format)

    def _index_drafts(self) -> tuple[int, int]:
        where = self._places()
        from veille_tui.core.archive.draft_index import index_drafts

        return index_drafts(self.store, where.site, where.drafts, flagged=where.flagged)

    def _full_text(self, entry_id: int) -> str | None:
        """The entry's stored full text (Markdown), if any."""
        stored = self.full_text(entry_id)
        return stored.markdown if stored is not None and stored.markdown.strip() else None

    def _draftable(self, entry_id: int) -> tuple[Entry, list[str]]:
        if self.archive is None:
            raise DraftError(NO_ARCHIVE)
        found = self.store.item_for_draft(entry_id)
        if found is None:
            raise DraftError(f"no entry with id {entry_id}")
        entry, feed_tags = found
        if entry.kind == "post":
            raise DraftError(f"entry {entry_id} is already archived ({entry.file})")
        if entry.draft:
            raise DraftError(
                f"entry {entry_id} has a draft already: {self._places().site / entry.draft}"
                f" (`veille-tui publish {entry_id}` publishes it)"
            )
        if not entry.link:
            raise DraftError(f"entry {entry_id} has no link to cite as its source")
        return entry, feed_tags

    def draft_plan(self, entry_id: int) -> DraftPlan:
        """What the `a` form starts with: title, tags (by the archive's rule: its common tag and one
        source tag), the body sources there are. DraftError when the entry cannot be drafted
        (archived, drafted, no link)."""
        from veille_tui.core import drafting

        entry, feed_tags = self._draftable(entry_id)
        return drafting.plan(entry, feed_tags, self.settings, self._full_text(entry_id), self._tag_rule())

    def _tag_rule(self) -> drafting.TagRule:
        """How the archive's posts are tagged, learnt from them."""
        from veille_tui.core import drafting

        return drafting.TagRule.learn(*self.store.post_tag_counts())

    def write_draft(
        self,
        entry_id: int,
        extra_tags: Sequence[str] = (),
        *,
        title: str | None = None,
        tags: Sequence[str] | None = None,
        source: DraftSource | None = None,
        to_posts: bool | None = None,
        cancelled: Callable[[], bool] = lambda: False,
        notes: list[str] | None = None,
    ) -> Path:
        """Write a draft of the entry into `_drafts/` (to_posts, or [draft] folder = "posts":
        straight into `_posts/`) and index it, so that the entry shows drafted (or archived).

        title, tags: the form's (default: the entry's title; the archive's common tag, one source tag
        of its feeds, and extra_tags). source: where the body comes from (default: the draft command
        when there is one, else the full text when stored, else the summary). `cancelled` stops the
        command. `notes` gets what the user should be told of the draft written (the command's output cut)."""
        from veille_tui.core import drafting

        entry, feed_tags = self._draftable(entry_id)
        full_text = self._full_text(entry_id)
        if source is None:
            source = drafting.plan(entry, feed_tags, self.settings, full_text).sources[0]
        text = drafting.body(entry, source, self.settings, full_text, cancelled, notes)
        if cancelled():
            raise DraftError("cancelled: nothing written")
        rule = self._tag_rule()
        chosen = list(tags) if tags is not None else rule.tags(feed_tags, extra_tags)
        chosen = rule.tags([], chosen) if rule.common not in chosen else chosen
        if to_posts is None:
            to_posts = self.settings.draft.folder == "posts"
        where = self._places()
        path = drafting.write(
            where, entry, title=(title or "").strip() or entry.title, tags=chosen, text=text, to_posts=to_posts
        )
        self.index()
        return path

    def draft_file(self, entry_id: int) -> Path | None:
        """The path of the entry's draft, None when it has none."""
        entry = self.store.entry(entry_id)
        if entry is None or entry.draft is None or self.archive is None:
            return None
        return self._places().site / entry.draft

    def publish(self, target: str | Path | int) -> Path:
        """Move a draft (its path, or the id of the entry it drafts) into `_posts/` as
        `YYYY-MM-DD-slug.md`, dated today (date and permalink of its front matter too), never
        overwriting; index the archive; returns the new path."""
        from veille_tui.core import drafting

        where = self._places()
        path: Path | None = None
        if isinstance(target, int) or (isinstance(target, str) and target.isdigit() and not Path(target).exists()):
            path = self.draft_file(int(target))
            if path is None:
                raise DraftError(f"entry {target} has no draft (a: write one; `veille-tui archive {target}`)")
        else:
            path = Path(target)
        new = drafting.publish(where, drafting.draft_to_publish(where, path))
        self.index()
        return new
