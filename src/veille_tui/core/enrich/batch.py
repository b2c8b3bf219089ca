"""A write batch as the enrich steps see it, and the derived tags they give back."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from veille_tui.core.models import Rule
from veille_tui.core.store.rows import Text

if TYPE_CHECKING:
    from veille_tui.core.store import Store

__all__ = ["Batch", "Step", "Text"]


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
    # the IOC step's work done where the texts were read (iocs.ahead): (title, body) -> (site, found)
    iocs_ahead: Mapping[tuple[str, str], tuple[str, Mapping[tuple[str, str], Sequence[str]]]] = field(
        default_factory=dict
    )
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
