"""Keys as the user has them (the config's keymap applied): for the help screen, the command
palette and the key bar.

This module and toasts.py are the ones of veille-tui that read private Textual API, which is why pyproject pins
Textual to one minor version (8.2): each private read below says what it is and why. Nothing else
in `veille_tui.tui` reads a private Textual attribute but toasts.py (the toast class).
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.geometry import Size
from textual.widget import Widget

# The key bar, most useful first: (binding id, its short name in the bar). The bar shows as many
# as its width holds, from the first, and always `help` (the help screen lists every key).
KEY_BAR: tuple[tuple[str, str], ...] = (
    ("list.open", "Open"),
    ("next_unread", "Unread"),
    ("query", "Query"),
    ("next_tag", "Next tag"),
    ("pick_tag", "Tags"),
    ("toggle_read", "Read"),
    ("toggle_starred", "Star"),
    ("open_link", "Link"),
    ("archive", "Draft"),
    ("zoom", "Full screen"),
    ("mark_view_read", "All read"),
    ("links", "Links"),
    ("feeds_health", "Feeds"),
    ("refresh_all", "Refresh"),
    ("quit", "Quit"),
    ("copy_link", "Copy link"),
    ("previous_tag", "Prev tag"),
    ("next_pane", "Pane"),
    ("theme", "Theme"),
    ("command_palette", "Commands"),
)
KEY_BAR_PINNED = "help"


@dataclass(frozen=True)
class KeyItem:
    """One key of the key bar."""

    keys: str  # as shown
    description: str
    node: Widget | App[Any]  # where the action runs
    action: str
    pinned: bool = False  # shown whatever the width

    @property
    def width(self) -> int:
        return cell_len(f" {self.keys} {self.description} ")


def effective_bindings(node: DOMNode, app: App[Any]) -> list[tuple[list[str], Binding]]:
    """The bindings of `node` as the user has them: (keys, binding), keymap applied, in the
    order they are declared, one row per binding id (or action)."""
    # Private: `DOMNode._bindings`, the node's own BindingsMap (its BINDINGS and those of its
    # bases). The public API gives only the bindings active for the focused widget
    # (`Screen.active_bindings`), not those of every pane.
    declared = node._bindings
    bindings = declared.copy()
    # Private: `App._keymap`, the keymap given to `App.set_keymap` (there is no public getter).
    keymap = getattr(app, "_keymap", None)
    if keymap:
        bindings.apply_keymap(keymap)
    rows: dict[str, tuple[list[str], Binding]] = {}
    for key, binding in bindings:
        group = binding.id or binding.action
        keys, stored = rows.setdefault(group, ([], binding))
        if binding.id and not stored.id:
            rows[group] = (keys, binding)
        if key not in keys:
            keys.append(key)
    order: dict[str, int] = {}
    for n, (_key, binding) in enumerate(declared):
        order.setdefault(binding.id or binding.action, n)
    return [rows[group] for group in sorted(rows, key=lambda g: order.get(g, len(order)))]


def key_display(app: App[Any], binding: Binding, key: str) -> str:
    """How one key of `binding` is shown (`⏎`, `]`, `ctrl+p`)."""
    return app.get_key_display(dataclasses.replace(binding, key=key, key_display=None))


def keys_text(app: App[Any], binding: Binding, keys: list[str]) -> str:
    return " ".join(key_display(app, binding, key) for key in keys)


def key_bar_items(
    app: App[Any],
    nodes: Iterable[Widget | App[Any]],
    skip: Collection[str] = (),
    order: tuple[tuple[str, str], ...] = KEY_BAR,
) -> list[KeyItem]:
    """The key bar's items from the live bindings of `nodes` (the first node binding an id wins),
    in KEY_BAR's order, without the ids in `skip`, then the pinned `help`."""
    found: dict[str, KeyItem] = {}
    for node in nodes:
        for keys, binding in effective_bindings(node, app):
            name = binding.id or binding.action
            if name in found or not keys:
                continue
            shown = min((key_display(app, binding, key) for key in keys), key=len)
            found[name] = KeyItem(shown, binding.description, node, binding.action, pinned=name == KEY_BAR_PINNED)
    items = [
        dataclasses.replace(found[name], description=label)
        for name, label in order
        if name in found and name not in skip
    ]
    if KEY_BAR_PINNED in found:
        items.append(found[KEY_BAR_PINNED])
    return items


def set_virtual_height(widget: Widget, height: int) -> None:
    """Give a mounted scrolling widget whose vertical scrollbar is always shown
    (`overflow-y: scroll`) a new virtual height without a layout pass: a layout would repaint every
    scrollbar of the screen, twice (bytes on the wire)."""
    size = Size(0, height)
    widget.set_reactive(Widget.virtual_size, size)
    # Private: `Widget._scroll_update`, what the `virtual_size` watcher runs after its layout
    # request: it resizes the scrollbars and clamps the scroll offsets to the new size.
    widget._scroll_update(size)


def keymap_problems(app: App[Any], chains: Sequence[Sequence[DOMNode | type[DOMNode]]]) -> list[str]:
    """What is wrong with the user's keymap (`App.set_keymap`, from the config's [keymap]): ids
    that name no binding, and keys it gives to two actions reachable at once (in one node, or in
    a node and those around it: each chain is a pane and what holds it, from the app down),
    naming both. Textual itself drops the clashing binding without a word."""
    # Private: `App._keymap`, the keymap as set (normalised: "?" is "question_mark").
    keymap: dict[str, str] = dict(getattr(app, "_keymap", None) or {})
    if not keymap:
        return []
    known: set[str] = set()
    described: dict[str, str] = {}
    problems: list[str] = []
    for chain in chains:
        owners: dict[str, list[str]] = {}  # key -> binding ids, in the chain, keymap applied
        keys_of: dict[str, list[str]] = {}
        for node in chain:
            # Private: `DOMNode._bindings` (an instance's) and `DOMNode._merge_bindings()` (a
            # class's, for screens not yet shown): the bindings as declared, with their bases'.
            declared = node._merge_bindings() if isinstance(node, type) else node._bindings
            for key, binding in declared:
                if not binding.id:
                    continue
                known.add(binding.id)
                described.setdefault(binding.id, binding.description or binding.action)
                keys = keymap[binding.id].split(",") if binding.id in keymap else [key]
                for k in keys:
                    k = k.strip()
                    if binding.id not in owners.setdefault(k, []):
                        owners[k].append(binding.id)
                    if k not in keys_of.setdefault(binding.id, []):
                        keys_of[binding.id].append(k)
        for key, ids in owners.items():
            if len(ids) < 2 or not any(i in keymap for i in ids):
                continue
            names = " and ".join(f"{i} ({described[i]})" for i in ids)
            text = f"[keymap] {key} is given to {names}"
            stranded = [i for i in ids if i not in keymap and all(len(owners[k]) > 1 for k in keys_of.get(i, []))]
            if stranded:
                text += "; " + ", ".join(described[i] for i in stranded) + " has no key left"
            if text not in problems:
                problems.append(text)
    for binding_id in keymap:
        if binding_id not in known:
            hint = difflib.get_close_matches(binding_id, sorted(known), n=1)
            problems.append(
                f"[keymap] {binding_id}: no such action"
                + (f" (did you mean {hint[0]}?)" if hint else "; `?` lists the keys, the README every id")
            )
    return problems
