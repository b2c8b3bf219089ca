"""`veille-tui assets [--json]`: each asset of [[assets]] with the entries that touch it and their
CVE ids, KEV ones first; `veille-tui assets import FILE.csv`: add an inventory's assets
(vendor,product[,aliases] a line) to the config, its comments kept."""

from __future__ import annotations

from argparse import Namespace
from pathlib import Path

from veille_tui.cli.output import emit_json, err
from veille_tui.core.library import Library
from veille_tui.core.text import clean_line

SHOWN = 10  # entries listed per asset (their count is always given)


def config_required(args: Namespace) -> bool:
    return getattr(args, "assets_command", None) != "import"  # `assets import` may write a new config


def run(args: Namespace, lib: Library) -> int:
    if getattr(args, "assets_command", None) == "import":
        added, read = lib.import_assets(Path(args.file))
        if getattr(args, "json", False):
            emit_json({"read": read, "added": added, "config": str(lib.settings.path)})
        else:
            print(f"{read} asset{'s' if read != 1 else ''} read, {added} added to {lib.settings.path}")
        return 0
    if not lib.settings.assets:
        err(f"veille-tui: no [[assets]] in {lib.settings.path}: `veille-tui assets import FILE.csv` adds an inventory")
    reports = lib.assets_report()
    if getattr(args, "json", False):
        emit_json([r.to_json() for r in reports])
        return 0
    for report in reports:
        asset = report.asset
        kev = sum(1 for _, k in report.cves if k)
        head = f"{clean_line(asset.product)} ({clean_line(asset.vendor)})  {len(report.entries)} entries"
        print(head + (f", {kev} KEV CVE{'s' if kev != 1 else ''}" if kev else ""))
        if report.cves:
            print("  CVEs: " + " ".join(f"{cve}{' (KEV)' if k else ''}" for cve, k in report.cves))
        for entry_id, title, link, via_kev in report.entries[:SHOWN]:
            print(f"  {entry_id}\t{'KEV ' if via_kev else ''}{clean_line(title)}\t{clean_line(link or '')}")
        if len(report.entries) > SHOWN:
            print(
                f"  +{len(report.entries) - SHOWN} more"
                f" (veille-tui list asset:{clean_line(asset.product).replace(' ', '-')})"
            )
    return 0
