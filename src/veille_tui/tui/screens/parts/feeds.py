"""`F`, the feeds' health (screens/feeds.py), over the main screen, and back to it: a feed chosen
there lists its entries; `backspace` on them brings the view before back, with `F` over it."""

from __future__ import annotations

from collections.abc import Callable

from veille_tui.tui.screens.parts.host import Host


class FeedsPivot:
    """`F` over the main screen, and back to it: `backspace` on the entries of a feed chosen in
    `F` brings the view before back, with `F` over it, its cursor on that feed."""

    def __init__(self, host: Host, fetch_one: Callable[[str], None]) -> None:
        self.host = host
        self.fetch_one = fetch_one  # `r` in `F`: that feed refreshed
        self.chosen: str | None = None  # the sidebar choice `F` opened ("feed:12")

    def open(self, current: int | None = None) -> None:
        host, choice = self.host, self.host.state.choice
        if current is None and choice.kind == "feed":
            feed = choice.id.removeprefix("feed:")
            current = int(feed) if feed.isdigit() else None

        def chosen(feed_id: int | None) -> None:
            if feed_id is None:
                host.entries.focus()
                return
            choice_id = f"feed:{feed_id}"
            host.apply_choice(choice_id)
            self.chosen = choice_id if host.state.choice.id == choice_id else None

        from veille_tui.tui.screens.feeds import FeedsScreen  # when first opened, not at start

        host.app.push_screen(FeedsScreen(host.state.feeds or [], self.fetch_one, current), chosen)

    def back(self, go_back: Callable[[], None]) -> None:
        """`backspace` on the main screen's list: `go_back` to the view before, then, when the list
        was a feed chosen in `F` (and not gone elsewhere since), `F` again, its cursor on that feed."""
        chosen, self.chosen = self.chosen, None
        left = self.host.state.choice.id  # the view `backspace` leaves
        go_back()
        if chosen is not None and chosen == left:
            self.open(int(chosen.removeprefix("feed:")))
