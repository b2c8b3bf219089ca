"""Malformed intel files (issue 26, item 3), made here: JSON nested 100,000 deep, a CSV line of
5 MB, a NUL in a row. `veille-tui intel import FILE` says in one line what is wrong, naming the
file, exit 1, nothing on stdout, the data loaded before kept; `intel.parse` raises IntelError (not
RecursionError or csv.Error) for each, in process too."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from tests.conftest import EXAMPLES, run_cli

from veille_tui.core import intel
from veille_tui.core.errors import IntelError

DATA = Path(__file__).resolve().parent.parent / "data" / "intel"
DEEP = 100_000
BIG = 5 * 1024 * 1024

EPSS_HEAD = "#model_version:v2025.03.14,score_date:2026-08-25T12:55:00Z\ncve,epss,percentile\n"

HOSTILE: dict[str, tuple[bytes, str]] = {
    "deep-arrays.json": (b"[" * DEEP + b"]" * DEEP, "JSON nested too deep"),
    "deep-objects.json": (b'{"a":' * DEEP + b"1" + b"}" * DEEP, "JSON nested too deep"),
    "deep-in-catalogue.json": (
        b'{"catalogVersion": "1", "vulnerabilities": ' + b"[" * DEEP + b"]" * DEEP + b"}",
        "JSON nested too deep",
    ),
    "deep-arrays.json.gz": (gzip.compress(b"[" * DEEP + b"]" * DEEP), "JSON nested too deep"),
    "long-line.csv": (
        (EPSS_HEAD + "CVE-2026-41001,0.1,0.2\n" + "x" * BIG + "\n").encode(),
        "line 4: not EPSS scores: a field longer than 131,072 characters",
    ),
    "long-quoted.csv": (
        (EPSS_HEAD + 'CVE-2026-41001,0.1,"' + "y" * BIG + '"\n').encode(),
        "not EPSS scores: a field longer than 131,072 characters",
    ),
    "long-score.csv.gz": (
        gzip.compress((EPSS_HEAD + "CVE-2026-41001," + "9" * BIG + ",0.5\n").encode()),
        "a field longer than 131,072 characters",
    ),
    "nul.csv": (
        (EPSS_HEAD + "CVE-2026-41001,0.1,0.2\nCVE-2026-41002,0.\x001,0.2\n").encode(),
        "line 4: not an EPSS row",
    ),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_parse_names_the_file_and_what_is_wrong(name) -> None:
    data, said = HOSTILE[name]
    with pytest.raises(IntelError) as raised:
        intel.parse(data, f"/x/{name}")
    message = str(raised.value)
    assert message.startswith(f"/x/{name}: ") and said in message and len(message) < 300


@pytest.mark.parametrize("name", list(HOSTILE))
def test_intel_import_is_one_line_and_nothing_loaded(name, tmp_path) -> None:
    ex = ("--archive", str(EXAMPLES))
    run_cli(*ex, "intel", "import", str(DATA / "kev.json"))
    run_cli(*ex, "intel", "import", str(DATA / "epss.csv.gz"))
    before = json.loads(run_cli(*ex, "intel", "status", "--json").stdout)["sources"]
    data, said = HOSTILE[name]
    path = tmp_path / name
    path.write_bytes(data)
    done = run_cli(*ex, "intel", "import", str(path), check=False)
    assert done.returncode == 1 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and said in lines[0], done.stderr
    assert "Error:" not in lines[0] and "RecursionError" not in lines[0] and "intel failed" not in lines[0]
    after = json.loads(run_cli(*ex, "intel", "status", "--json").stdout)["sources"]
    assert [(s["name"], s["count"], s["version"]) for s in after] == [
        (s["name"], s["count"], s["version"]) for s in before
    ]


def test_hostile_intel_count() -> None:
    print(f"\n{len(HOSTILE)} hostile intel files")
    assert len(HOSTILE) == 8
