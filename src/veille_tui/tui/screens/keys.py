"""The keys of the main screen and of the full-screen article (screens/reading.py): the moves and
the keys that act on the entry shown are the same bindings, with the same ids, on both (a
`[keymap]` moves them on both)."""

from __future__ import annotations

from textual.binding import Binding, BindingType

# the moves between entries (screens/parts/moves.py)
MOVE_KEYS: list[BindingType] = [
    Binding("n", "next_unread", "Next unread", id="next_unread"),
    Binding("N", "previous_unread", "Previous unread", show=False, id="previous_unread"),
    Binding("J", "next_entry", "Next entry", show=False, id="next_entry"),
    Binding("K", "previous_entry", "Previous entry", show=False, id="previous_entry"),
    Binding("space", "read_on", "Page down, then the next unread", show=False, id="read_on"),
    Binding("i", "info", "The article's info (tags, link, CVE ids)", show=False, id="info"),
]

# the keys that act on the entry shown (the list's selected entry, or the full-screen article's)
ENTRY_KEYS: list[BindingType] = [
    Binding("A", "mark_view_read", "Mark the view read", id="mark_view_read"),
    Binding("M", "mark_cluster_read", "Mark the story's cluster read", show=False, id="mark_cluster_read"),
    Binding("U", "undo", "Undo the last read/starred change", show=False, id="undo"),
    Binding("L", "links", "Links and related stories", id="links"),
    Binding("c", "cves", "CVE view", id="cves"),
    Binding("I", "iocs", "IOC view (indicators of compromise)", show=False, id="iocs"),
    Binding("u", "toggle_read", "Read/unread", id="toggle_read"),
    Binding("s", "toggle_starred", "Star", id="toggle_starred"),
    Binding("o", "open_link", "Open link", id="open_link"),
    Binding("f", "full_text", "Full text", id="full_text"),
    Binding("y", "copy_link", "Copy link", show=False, id="copy_link"),
    Binding("a", "archive", "Draft a post", id="archive"),
    Binding("e", "edit_draft", "Edit the draft", show=False, id="edit_draft"),
    Binding("P", "publish_draft", "Publish the draft", show=False, id="publish_draft"),
]

MAIN_KEYS: list[BindingType] = [
    Binding("tab", "next_pane", "Next pane", show=False, id="next_pane"),
    Binding("shift+tab", "previous_pane", "Previous pane", show=False, id="previous_pane"),
    *MOVE_KEYS,
    Binding("z", "zoom", "Article full screen", id="zoom"),
    Binding("backspace", "back", "Back to the previous view", show=False, id="back"),
    Binding("F", "feeds_health", "Feeds' health", id="feeds_health"),
    Binding("right_square_bracket", "next_tag", "Next tag", id="next_tag"),
    Binding("left_square_bracket", "previous_tag", "Previous tag", show=False, id="previous_tag"),
    Binding("t", "pick_tag", "Tags", id="pick_tag"),
    Binding("slash", "query", "Query", id="query"),
    Binding("escape", "clear_query", "Clear query", show=False, id="clear_query"),
    Binding("r", "refresh_feed", "Refresh feed", show=False, id="refresh_feed"),
    Binding("R", "refresh_all", "Refresh all", id="refresh_all"),
    *ENTRY_KEYS,
]

# the full-screen article: back to the list (`q` too, as in mutt and newsboat: `q` in the list quits)
READING_KEYS: list[BindingType] = [
    Binding("backspace,escape,q", "leave", "Back to the list", id="reading.leave"),
    *MOVE_KEYS,
    *ENTRY_KEYS,
]

# the full-screen article's key bar, in this order
READING_BAR: tuple[tuple[str, str], ...] = (
    ("reading.leave", "List"),
    ("next_unread", "Unread"),
    ("toggle_read", "Read"),
    ("toggle_starred", "Star"),
    ("open_link", "Link"),
    ("links", "Links"),
    ("full_text", "Full text"),
    ("archive", "Draft"),
    ("copy_link", "Copy link"),
)
