"""The main screen's parts, each owning one concern: the list and its views (listing.py), the
article shown and its loading (articles.py), the moves between entries (moves.py), the read and
starred state with `A M U` (triage.py), links (links.py), the full text (fulltext.py), the work
in the background (background.py), `F` and back to it (feeds.py). Each is given the screen as a
`Host` (host.py): the widgets, the shared `ViewState`, the library, and a few routing calls;
parts never hold each other: what one part's work means for another goes through the screen (its
messages, its routing)."""
