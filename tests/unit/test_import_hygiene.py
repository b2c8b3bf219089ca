"""The data layer never imports Textual or Rich (harlequin checks the same)."""

import subprocess
import sys


def test_core_does_not_import_textual_or_rich():
    code = (
        "import sys, pkgutil, importlib, veille_tui.core as core\n"
        "for m in pkgutil.iter_modules(core.__path__):\n"
        "    importlib.import_module('veille_tui.core.' + m.name)\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
