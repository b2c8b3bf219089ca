"""trafilatura imported lean (core/fulltext/engine.py) extracts what the plain `import trafilatura`
extracts, each in a fresh interpreter; what it deferred is not imported by `veille-tui extract
FILE`, is the real thing when imported later, and is imported when first called."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
DEFERRED_ROOTS = ("courlan", "htmldate", "charset_normalizer", "urllib3", "justext", "tld", "dateutil", "httpx")

EXTRACT_ALL = f"""
import json, sys
from pathlib import Path
from veille_tui.core.fulltext import extract as ex
from veille_tui.core.fulltext.page import decode, read_file
found = {{}}
for path in sorted(Path({str(PAGES)!r}).glob("*.html*")):
    html = decode(read_file(path, 10_000_000))
    for source in ("https://example.org/a/page", path.name):
        r = ex.extract(html, source)
        found[path.name + " " + source] = [r.title, r.markdown, r.text, r.words]
loaded = sorted({{m.split(".")[0] for m in sys.modules}} & set({DEFERRED_ROOTS!r}))
print(json.dumps({{"found": found, "loaded": loaded}}))
"""


def run(code: str) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.splitlines()[-1])  # type: ignore[no-any-return]


def test_lean_and_plain_trafilatura_extract_the_same() -> None:
    lean = run(EXTRACT_ALL)
    plain = run("import trafilatura\n" + EXTRACT_ALL)
    assert lean["found"] == plain["found"]
    assert len(lean["found"]) == 2 * len(list(PAGES.glob("*.html*")))  # type: ignore[arg-type]
    assert lean["loaded"] == []  # none of the deferred modules, and no HTTP client
    assert "urllib3" in plain["loaded"]  # type: ignore[operator]  # what the plain import costs


def test_what_was_deferred_is_real_when_imported_or_called_later() -> None:
    code = """
import json, sys
from veille_tui.core.fulltext.engine import DEFERRED, extractor
extract = extractor()
assert not any(name in sys.modules for name in DEFERRED)
import trafilatura.external as external, trafilatura.utils as utils
# a deferred name, first called: its module imported then, the real function run
stoplist = external.get_stoplist("English")
assert "the" in stoplist and "justext" in sys.modules
assert utils.fix_relative_urls("https://example.org/a/b", "c") == "https://example.org/a/c"
import courlan, urllib3
assert type(courlan).__name__ == "module" and hasattr(urllib3, "PoolManager")
# the package's own names: its __init__ run at the first one asked
import trafilatura
assert trafilatura.extract is extract and callable(trafilatura.fetch_url) and trafilatura.__version__
html = "<html><body><article><p>" + "word " * 60 + "</p></article></body></html>"
print(json.dumps({"out": trafilatura.extract(html)}))
"""
    assert run(code)["out"] == " ".join(["word"] * 60)


def test_veille_tui_extract_file_loads_no_http_client_nor_trafilatura_extras_nor_the_store(tmp_path: Path) -> None:
    code = f"""
import json, sys, io, contextlib
from veille_tui.cli import main
buf = io.StringIO()
with contextlib.redirect_stdout(buf):
    status = main(["extract", {str(PAGES / "advisory.html")!r}])
loaded = sorted({{m.split(".")[0] for m in sys.modules}} & set({DEFERRED_ROOTS!r} + ("textual", "rich")))
store = "veille_tui.core.store" in sys.modules  # a saved page needs no database
print(json.dumps({{"status": status, "words": len(buf.getvalue().split()), "loaded": loaded, "store": store}}))
"""
    env = {
        "VEILLE_TUI_DATA_DIR": str(tmp_path),
        "VEILLE_TUI_CONFIG": str(tmp_path / "none.toml"),
        "PATH": "/usr/bin:/bin",
    }
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0, out.stderr[-3000:]
    found = json.loads(out.stdout.splitlines()[-1])
    assert found["status"] == 0 and found["words"] > 50
    assert found["loaded"] == []
    assert found["store"] is False


def test_trafilatura_warnings_are_not_printed() -> None:
    """trafilatura logs "empty link" for <a> without text; its __init__ gives its logger a
    NullHandler, without which Python prints the warning on stderr: the lean import does the same."""
    code = """
from veille_tui.core.fulltext import extract as ex
body = "<p>" + "Words of the article, enough of them to be its main text. " * 8 + "</p>"
html = f"<html><body><article>{body}<p>See <a href='/x'> </a> and <a>this</a>.</p>{body}</article></body></html>"
print(ex.extract(html, "https://example.org/a").words)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    assert int(out.stdout) > 50
    assert out.stderr == ""
