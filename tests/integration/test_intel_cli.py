"""CVE intelligence through the command line (`cves`, `intel`, `show`, `list epss:`, `tags`), on the
examples, on the real archive (skips without it), and downloads from a server on loopback
(pytest-httpserver): conditional GET, at most once a day from `fetch`, failures that keep the data."""

from __future__ import annotations

import gzip
import json
import random
import time
from pathlib import Path

import pytest
from tests.conftest import EXAMPLES, run_cli
from werkzeug import Request, Response

from veille_tui.core.library import Library

DATA = Path(__file__).resolve().parent.parent / "data" / "intel"


def run(*args, env=None, check=True):
    return run_cli(*args, env=env, check=check, timeout=180)


def as_json(*args):
    return json.loads(run(*args, "--json").stdout)


# --- the examples ----------------------------------------------------------------------------------


def test_intel_import_status_cves_show_on_the_examples() -> None:
    ex = ("--archive", str(EXAMPLES))
    assert as_json(*ex, "intel", "status")["sources"][0]["count"] == 0
    out = run(*ex, "intel", "import", str(DATA / "kev.json"))
    assert out.stdout.startswith("KEV catalogue: 4 loaded from") and out.returncode == 0
    imported = as_json(*ex, "intel", "import", str(DATA / "epss.csv.gz"))
    assert imported == [
        {
            "name": "epss",
            "status": "ok",
            "origin": str(DATA / "epss.csv.gz"),
            "count": 9,
            "version": "v2025.03.14",
            "error": None,
            "note": None,
        }
    ]
    status = as_json(*ex, "intel", "status")
    kev, epss = status["sources"]
    assert (kev["name"], kev["count"], kev["version"]) == ("kev", 4, "2026.07.20")
    assert (epss["name"], epss["count"], epss["released"]) == ("epss", 9, "2026-08-25T12:55:00Z")
    assert status["enabled"] is False  # VEILLE_TUI_INTEL=off in the tests
    plain = run(*ex, "intel", "status").stdout
    assert "KEV catalogue: 4 records, version 2026.07.20" in plain and "downloads: off" in plain

    tags = as_json(*ex, "tags")
    assert tags["kev"] == 6 and tags["cve"] == 8
    cves = as_json(*ex, "cves")
    assert len(cves) == 7
    fortios = next(c for c in cves if c["cve"] == "CVE-2026-41001")
    assert fortios["entries"] == 3 and fortios["kev"]["knownRansomwareCampaignUse"] == "Known"
    assert fortios["epss"] == 0.97102 and fortios["percentile"] == 0.99988
    assert set(fortios) >= {
        "cve",
        "entries",
        "first_seen",
        "last_seen",
        "sources",
        "kev",
        "epss",
        "percentile",
        "trend",
    }
    by_epss = as_json(*ex, "cves", "--sort", "epss", "--limit", "2")
    assert [c["cve"] for c in by_epss] == ["CVE-2026-41001", "CVE-2026-40876"]
    # a -tag term is the query's, not an option
    no_certfr = as_json(*ex, "cves", "+cve", "-certfr")
    assert "CVE-2026-41002" not in {c["cve"] for c in no_certfr}
    table = run(*ex, "cves", "--sort", "count").stdout.splitlines()
    assert table[0].startswith("CVE") and table[1].startswith("CVE-2026-41001") and "KEV R" in table[1]

    listed = as_json(*ex, "list", "cve:2026-41001")
    assert len(listed) == 3 and listed == as_json(*ex, "list", "cve:CVE-2026-41001")
    rows = run(*ex, "list", "+kev").stdout
    assert rows.count("KEV]") == 6
    high = {"CVE-2026-40876", "CVE-2026-41001", "CVE-2026-41302", "CVE-2025-99001"}  # >= 0.9 in epss.csv
    expected = {e["id"] for e in as_json(*ex, "list", "--limit", "0") if set(e["cves"]) & high}
    assert {e["id"] for e in as_json(*ex, "list", "epss:0.9", "--limit", "0")} == expected

    entry = listed[0]["id"]
    shown = run(*ex, "show", str(entry)).stdout
    assert "CVE-2026-41001  KEV: added 2026-06-25, due 2026-07-16, known ransomware use" in shown
    assert "EPSS 0.971 (99th percentile)" in shown
    assert "https://nvd.nist.gov/vuln/detail/CVE-2026-41001" in shown
    data = as_json(*ex, "show", str(entry))
    assert data["cves"] == ["CVE-2026-41001"] or "CVE-2026-41001" in data["cves"]
    (first,) = [c for c in data["cve_intel"] if c["cve"] == "CVE-2026-41001"]
    assert first["kev"]["dateAdded"] == "2026-06-25" and first["epss"] == 0.97102
    assert first["nvd"] == "https://nvd.nist.gov/vuln/detail/CVE-2026-41001"


def test_queries_on_intelligence_not_loaded_say_what_is_missing_and_how_to_load_it() -> None:
    ex = ("--archive", str(EXAMPLES))
    epss = run(*ex, "list", "epss:0.5")
    assert epss.returncode == 0 and epss.stdout == ""
    assert "no EPSS scores are loaded" in epss.stderr and "veille-tui intel update" in epss.stderr
    kev = run(*ex, "list", "+kev")
    assert "the KEV catalogue is not loaded" in kev.stderr and "intel import FILE" in kev.stderr
    assert "words search" not in kev.stderr  # not the hint of a tag nobody has
    tested = run(*ex, "rules", "test", "+kev epss:0.1")
    assert tested.stdout.startswith("0 entries match")
    assert "KEV catalogue is not loaded" in tested.stderr and "no EPSS scores are loaded" in tested.stderr
    # once loaded, an empty answer is an empty answer
    run(*ex, "intel", "import", str(DATA / "kev.json"))
    run(*ex, "intel", "import", str(DATA / "epss.csv"))
    assert run(*ex, "list", "epss:0.9999").stderr == ""
    assert "not loaded" not in run(*ex, "list", "+kev", "+nosuchtag").stderr


def test_a_bad_file_is_one_message_naming_it_and_nothing_on_stdout() -> None:
    ex = ("--archive", str(EXAMPLES))
    run(*ex, "intel", "import", str(DATA / "kev.json"))
    bad = run(*ex, "intel", "import", str(DATA / "kev-bad.json"), "--json", check=False)
    assert bad.returncode == 1 and bad.stdout == ""
    assert str(DATA / "kev-bad.json") in bad.stderr and "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
    truncated = run(*ex, "intel", "import", str(DATA / "epss-truncated.csv.gz"), check=False)
    assert truncated.returncode == 1 and "truncated gzip" in truncated.stderr
    assert as_json(*ex, "tags")["kev"] == 6  # the catalogue loaded before stays
    bad_since = run(*ex, "cves", "--since", "soon", check=False)
    assert bad_since.returncode == 2 and "soon" in bad_since.stderr


def test_update_is_refused_when_downloads_are_off() -> None:
    result = run("intel", "update", check=False)
    assert result.returncode == 1 and "intel import FILE" in result.stderr


# --- the real archive --------------------------------------------------------------------------------


def test_real_archive_cve_figures_and_intel(real_archive, tmp_path) -> None:
    ra = ("--archive", str(real_archive))
    cves = as_json(*ra, "cves")
    ids = [c["cve"] for c in cves]
    assert len(ids) == len(set(ids)) == 1051
    assert len(as_json(*ra, "list", "cve:CVE-2026-33825", "--limit", "0")) == 13
    assert len(as_json(*ra, "list", "cve:2026-33825", "--limit", "0")) == 13
    assert as_json(*ra, "tags")["cve"] == 731
    entries = as_json(*ra, "list", "--limit", "0")

    # a KEV catalogue naming some of the archive's CVE ids (and some it does not name)
    rng = random.Random(9)
    chosen = sorted(rng.sample(ids, 40))
    vulns = [
        {
            "cveID": cve,
            "vendorProject": "Vendor",
            "product": "Product",
            "vulnerabilityName": f"{cve} vulnerability",
            "dateAdded": "2026-05-01",
            "shortDescription": "",
            "requiredAction": "Apply mitigations per vendor instructions.",
            "dueDate": "2026-05-22",
            "knownRansomwareCampaignUse": "Unknown",
            "notes": "",
            "cwes": [],
        }
        for cve in [*chosen, "CVE-2019-0001", "CVE-2020-0002"]
    ]
    kev = tmp_path / "kev.json"
    kev.write_text(
        json.dumps({"catalogVersion": "t", "dateReleased": "2026-12-01", "count": 42, "vulnerabilities": vulns})
    )
    run(*ra, "intel", "import", str(kev))
    naming = {e["id"] for e in entries if set(e["cves"]) & set(chosen)}
    assert as_json(*ra, "tags")["kev"] == len(naming)
    assert {e["id"] for e in as_json(*ra, "list", "+kev", "--limit", "0")} == naming

    # EPSS scores for every CVE id of the archive, and as many more
    scores = {cve: round(rng.random(), 5) for cve in ids}
    lines = ["#model_version:v2025.03.14,score_date:2026-12-01T00:00:00Z", "cve,epss,percentile"]
    lines += [f"{cve},{score},{score}" for cve, score in sorted(scores.items())]
    lines += [f"CVE-2099-{n:05d},0.99,0.99" for n in range(1000)]
    epss = tmp_path / "epss.csv.gz"
    epss.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    run(*ra, "intel", "import", str(epss))
    high = {cve for cve, score in scores.items() if score >= 0.9}
    expected = {e["id"] for e in entries if set(e["cves"]) & high}
    assert expected and {e["id"] for e in as_json(*ra, "list", "epss:0.9", "--limit", "0")} == expected


# --- downloads -------------------------------------------------------------------------------------


def serve(httpserver, path, body, etag, content_type="application/octet-stream"):
    """A path answered 200 with an ETag, 304 when it is sent back; returns the requests' headers."""
    seen: list[dict[str, str]] = []

    def handler(request: Request) -> Response:
        seen.append(dict(request.headers))
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(body, status=200, headers={"ETag": etag}, content_type=content_type)

    httpserver.expect_request(path).respond_with_handler(handler)
    return seen


def write_config(tmp_path, httpserver, feeds: bool = False, kev="/kev.json", epss="/epss-current.csv.gz", extra=""):
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir(exist_ok=True)
    text = f'[intel]\nkev_url = "{httpserver.url_for(kev)}"\nepss_url = "{httpserver.url_for(epss)}"\n{extra}'
    if feeds:
        text += f'\n[[feeds]]\nurl = "{httpserver.url_for("/feed.xml")}"\ntitle = "Local"\n'
    config.write_text(text)
    return config


@pytest.fixture
def online(monkeypatch) -> None:
    monkeypatch.delenv("VEILLE_TUI_INTEL")


def test_update_with_conditional_get_and_a_redirect(httpserver, tmp_path, online) -> None:
    write_config(tmp_path, httpserver)
    kev_seen = serve(httpserver, "/kev.json", (DATA / "kev.json").read_bytes(), '"k1"', "application/json")
    # FIRST's "current" file redirects to the dated one
    httpserver.expect_request("/epss-current.csv.gz").respond_with_response(
        Response(status=302, headers={"Location": "/epss_scores-2026-08-25.csv.gz"})
    )
    epss_seen = serve(httpserver, "/epss_scores-2026-08-25.csv.gz", (DATA / "epss.csv.gz").read_bytes(), '"e1"')
    with Library.open(archive=str(EXAMPLES)) as lib:
        lib.index()
        first = lib.update_intel()
        assert [(o.name, o.status, o.count) for o in first] == [("kev", "ok", 4), ("epss", "ok", 9)]
        assert lib.tag_counts()["kev"] == 6
        second = lib.update_intel()
        assert [(o.name, o.status) for o in second] == [("kev", "unchanged"), ("epss", "unchanged")]
        assert kev_seen[1]["If-None-Match"] == '"k1"' and epss_seen[1]["If-None-Match"] == '"e1"'
        assert kev_seen[0]["User-Agent"].startswith("veille-tui/")
        kev, epss = lib.intel_status()
        assert kev.origin == httpserver.url_for("/kev.json") and kev.last_error is None
        assert epss.count == 9 and epss.url == httpserver.url_for("/epss-current.csv.gz")
    out = run("--archive", str(EXAMPLES), "intel", "update", "--json")
    assert [o["status"] for o in json.loads(out.stdout)] == ["unchanged", "unchanged"]


def test_a_failed_download_keeps_the_data_and_says_why(httpserver, tmp_path, online) -> None:
    write_config(tmp_path, httpserver)
    serve(httpserver, "/kev.json", (DATA / "kev.json").read_bytes(), '"k1"', "application/json")
    serve(httpserver, "/epss-current.csv.gz", (DATA / "epss.csv.gz").read_bytes(), '"e1"')
    with Library.open(archive=str(EXAMPLES)) as lib:
        lib.index()
        lib.update_intel()
    httpserver.clear()
    httpserver.expect_request("/kev.json").respond_with_data("oops", status=500)
    httpserver.expect_request("/epss-current.csv.gz").respond_with_data(
        gzip.compress(b"cve,epss,percentile\nCVE-2026-41001,0.5")[:30]
    )
    result = run("--archive", str(EXAMPLES), "intel", "update", check=False)
    assert result.returncode == 1
    assert "KEV catalogue: FAILED: " in result.stdout and "HTTP 500" in result.stdout
    assert "EPSS scores: FAILED: " in result.stdout and "truncated gzip" in result.stdout
    with Library.open(archive=str(EXAMPLES)) as lib:
        kev, epss = lib.intel_status()
        assert (kev.count, epss.count) == (4, 9)
        assert "HTTP 500" in (kev.last_error or "") and "truncated" in (epss.last_error or "")
        assert lib.tag_counts()["kev"] == 6
    status = as_json("intel", "status")["sources"]
    assert "HTTP 500" in status[0]["last_error"]


def test_the_wrong_kind_and_the_size_cap(httpserver, tmp_path, online, monkeypatch) -> None:
    write_config(tmp_path, httpserver, extra="[fetch]\nmax_bytes = 1000\n")
    serve(httpserver, "/kev.json", (DATA / "epss.csv").read_bytes(), '"x"')  # EPSS where KEV is expected
    serve(httpserver, "/epss-current.csv.gz", b"cve,epss,percentile\n" + b"CVE-2026-41001,0.5,0.5\n" * 200, '"y"')
    from veille_tui.core import intel

    monkeypatch.setattr(intel, "INTEL_MAX_BYTES", 1000)
    with Library.open(archive=str(EXAMPLES)) as lib:
        kev, epss = lib.update_intel()
        assert kev.status == "error" and "the KEV catalogue were expected" in (kev.error or "")
        assert epss.status == "error" and "too large" in (epss.error or "")


def test_fetch_refreshes_intel_at_most_once_a_day(httpserver, tmp_path, online) -> None:
    write_config(tmp_path, httpserver, feeds=True)
    rss = (Path(__file__).resolve().parent.parent / "data" / "feeds" / "rss20.xml").read_bytes()
    httpserver.expect_request("/feed.xml").respond_with_data(rss, content_type="application/rss+xml")
    kev_seen = serve(httpserver, "/kev.json", (DATA / "kev.json").read_bytes(), '"k1"', "application/json")
    epss_seen = serve(httpserver, "/epss-current.csv.gz", (DATA / "epss.csv.gz").read_bytes(), '"e1"')
    first = run("fetch")
    assert "intel      KEV catalogue: 4 loaded" in first.stdout
    assert "intel      EPSS scores: 9 loaded" in first.stdout
    run("fetch")
    run("fetch", "Local")  # a named feed: no intel
    assert len(kev_seen) == 1 and len(epss_seen) == 1
    # a day later (the last check moved back): asked again, conditionally
    with Library.open() as lib:
        lib.store.db.execute("UPDATE intel_sources SET last_check = last_check - 86400")
    again = run("fetch")
    assert "intel      KEV catalogue: unchanged" in again.stdout
    assert len(kev_seen) == 2 and kev_seen[1]["If-None-Match"] == '"k1"'
    # off: never asked
    with Library.open() as lib:
        lib.store.db.execute("UPDATE intel_sources SET last_check = last_check - 86400")
    run("fetch", env={"VEILLE_TUI_INTEL": "off"})
    assert len(kev_seen) == 2


def test_fetch_tries_again_an_hour_after_a_failure(httpserver, tmp_path, online) -> None:
    write_config(tmp_path, httpserver)
    httpserver.expect_request("/kev.json").respond_with_data("no", status=503)
    httpserver.expect_request("/epss-current.csv.gz").respond_with_data("no", status=503)
    with Library.open() as lib:
        now = time.time()
        assert [o.status for o in lib.update_intel(due_only=True)] == ["error", "error"]
        assert lib.update_intel(due_only=True) == []  # not due again so soon
        kev, _ = lib.intel_status()
        assert kev.last_error and "HTTP 503" in kev.last_error
        from veille_tui.core import intel

        source = lib.store.intel_sources()["kev"]
        assert not intel.due(source, httpserver.url_for("/kev.json"), now + 60)
        assert intel.due(source, httpserver.url_for("/kev.json"), now + 3601)
        assert intel.due(source, "https://elsewhere.example/kev.json", now + 60)  # the URL changed
