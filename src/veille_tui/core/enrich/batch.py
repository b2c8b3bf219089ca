"""A write batch as the enrich steps see it, and the derived tags they give back."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from veille_tui.core.models import Rule
from veille_tui.core.store.rows import Text

if TYPE_CHECKING:
    from veille_tui.core.store import Store

__all__ = ["Ahead", "Batch", "Step", "Text"]


@dataclass(frozen=True)
class Ahead:
    """What the steps that read only an entry's title, body and link find in them, found where
    the texts were read (enrich.ahead: the archive's reading helper, while the writer writes)."""

    link: str  # the link it was found for (the IOC step: an entry's own site is not an indicator)
    iocs: Mapping[tuple[str, str], Sequence[str]]  # (kind, value) -> where seen: "title", "summary"
    cves: Sequence[str]  # find_cves of title + "\n" + body


@dataclass
class Batch:
    """The entries one write batch made or changed. Their own tags (post, feeds, categories) are
    written already; the steps add what derives from them, through the store's methods."""

    store: Store
    ids: Sequence[int]
    watch: tuple[str, ...] = ()  # the watch terms (config)
    rules: tuple[Rule, ...] = ()  # the [[rules]] (config)
    alerts: bool = False  # a fetch: entries matching the watch list for the first time are alerts
    known_texts: Mapping[int, Text] = field(default_factory=dict)  # what the writer had at hand
    # what the steps found where the texts were read (enrich.ahead), by (title, body)
    ahead: Mapping[tuple[str, str], Ahead] = field(default_factory=dict)
    _texts: dict[int, Text] | None = field(default=None, init=False, repr=False)

    def texts(self) -> Mapping[int, Text]:
        """Title and body of every entry of the batch: those the writer gave, the others read back."""
        if self._texts is None:
            texts = {i: self.known_texts[i] for i in self.ids if i in self.known_texts}
            texts.update(self.store.entry_texts([i for i in self.ids if i not in texts]))
            self._texts = texts
        return self._texts


# A step derives something from the entries of a batch: it writes its own tables (through the
# store) and returns the derived tags, by entry id, that the pass adds to the entries' tags.
Step = Callable[[Batch], Mapping[int, Sequence[str]]]
