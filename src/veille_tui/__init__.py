"""veille-tui: a terminal reader for security watch."""

__version__ = "0.1.0"
