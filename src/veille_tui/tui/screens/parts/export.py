"""The palette's "Export the list (STIX / MISP)…": the format asked, then the path (a STIX 2.1
bundle file, or a MISP feed folder), then `Library.export` of the entries of the list shown (its
query; the whole store for "All entries") in a worker, as `veille-tui export` does; the
notification says where it wrote and how many entries."""

from __future__ import annotations

from pathlib import Path

from veille_tui.core.errors import VeilleError
from veille_tui.core.query import parse
from veille_tui.core.text import clean_line
from veille_tui.tui.screens.parts.host import Host

FORMATS = {"stix": "STIX 2.1 bundle (a file)", "misp": "MISP feed (a folder)"}
DEFAULT_PATHS = {"stix": "veille-export.json", "misp": "veille-misp-feed"}


class Exporting:
    def __init__(self, host: Host) -> None:
        self.host = host

    def start(self) -> None:
        """Asks the format (stix or misp), then the path."""
        from veille_tui.tui.screens.dialogs import NameScreen

        host = self.host
        blink = host.app.animation_level != "none"

        def formatted(answer: str | None) -> None:
            if answer is None:
                return
            kind = answer.strip().lower()
            if kind not in FORMATS:
                host.notify(f"No export format {clean_line(answer)!r}: stix or misp.", severity="error", markup=False)
                return
            what = "File" if kind == "stix" else "Folder"
            note = f"{FORMATS[kind]} of {clean_line(host.state.view_label())} (esc: cancel)"
            host.app.push_screen(
                NameScreen(f"{what}:", DEFAULT_PATHS[kind], note, cursor_blink=blink),
                lambda path: self._run(kind, path),
            )

        host.app.push_screen(
            NameScreen(
                "Export format (stix or misp):",
                "stix",
                f"Exports {clean_line(host.state.view_label())}: stix, a STIX 2.1 bundle; misp, a MISP feed folder",
                cursor_blink=blink,
            ),
            formatted,
        )

    def _run(self, kind: str, path: str | None) -> None:
        if path is None:
            return
        host = self.host
        target = Path(path).expanduser()
        query = host.state.query_text
        host.run_worker(
            lambda: self._export(kind, target, query),
            thread=True,
            group="export",
            exit_on_error=False,
        )

    def _export(self, kind: str, target: Path, query: str) -> None:
        host = self.host
        try:
            with host.lib.for_thread() as lib:
                parsed = parse(query)  # an empty query: every entry of the list, not the starred ones
                count = lib.export(
                    parsed, stix=target if kind == "stix" else None, misp=target if kind == "misp" else None
                )
        except (VeilleError, OSError) as exc:
            reason = clean_line(str(exc))
            host.app.call_from_thread(
                host.notify, f"Export to {clean_line(str(target))} failed: {reason}", severity="error", markup=False
            )
            return
        noun = "entry" if count == 1 else "entries"
        told = f"{count:,} {noun} exported as a {FORMATS[kind]} to {clean_line(str(target))}"
        host.app.call_from_thread(host.notify, told, markup=False, timeout=8)
