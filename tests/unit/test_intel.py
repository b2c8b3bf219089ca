"""CVE intelligence on our own fixtures (tests/data/intel, CVE ids of examples/_posts): KEV and EPSS
files read and checked, bad files refused with the data loaded before kept, the `kev` tag and the
`epss:` query, CVE ids normalised, trend weighting, the [intel] config."""

from __future__ import annotations

import gzip
import math
import time
from pathlib import Path

import pytest
from tests.conftest import EXAMPLES
from tests.helpers import present

from veille_tui.core import config, intel, models
from veille_tui.core.errors import ConfigError, IntelError, QueryError
from veille_tui.core.library import Library
from veille_tui.core.models import Item
from veille_tui.core.query import parse
from veille_tui.core.update import store_fetch

DATA = Path(__file__).resolve().parent.parent / "data" / "intel"
KEV_IDS = {"CVE-2026-40876", "CVE-2026-41001", "CVE-2026-41117", "CVE-2025-99001"}  # kev.json


@pytest.fixture
def lib(tmp_path):
    library = Library.open(archive=str(EXAMPLES))
    library.index()
    yield library
    library.close()


def entries_naming(lib: Library, cves: set[str]) -> set[int]:
    return {e.id for e in lib.entries(limit=0) if set(e.cves) & cves}


def epss_scores(path: Path) -> dict[str, float]:
    parsed = intel.parse(path.read_bytes(), str(path))
    assert isinstance(parsed, intel.ParsedEpss)
    return {cve: score for cve, score, _pct in parsed.rows}


# --- reading files -------------------------------------------------------------------------------


def test_kev_catalogue_is_read_with_cisa_fields() -> None:
    parsed = intel.parse((DATA / "kev.json").read_bytes(), "kev.json")
    assert isinstance(parsed, intel.ParsedKev)
    assert parsed.version == "2026.07.20" and present(parsed.released).startswith("2026-07-20")
    assert parsed.warning is None
    by_id = {r.cve: r for r in parsed.records}
    assert set(by_id) == KEV_IDS
    fortios = by_id["CVE-2026-41001"]
    assert fortios.vendor == "Fortinet" and fortios.product == "FortiOS"
    assert fortios.date_added == "2026-06-25" and fortios.due_date == "2026-07-16"
    assert fortios.known_ransomware and not by_id["CVE-2026-41117"].known_ransomware
    assert by_id["CVE-2026-41117"].cwes == ("CWE-288", "CWE-287")
    assert fortios.summary() == "KEV: added 2026-06-25, due 2026-07-16, known ransomware use"
    record = fortios.to_json()
    assert record["cveID"] == "CVE-2026-41001" and record["knownRansomwareCampaignUse"] == "Known"


def test_kev_with_wrong_types_and_missing_fields_is_one_clear_error_and_the_data_stays(lib) -> None:
    lib.import_intel(DATA / "kev.json")
    before = lib.tag_counts()["kev"]
    with pytest.raises(IntelError) as caught:
        lib.import_intel(DATA / "kev-bad.json")
    message = str(caught.value)
    assert str(DATA / "kev-bad.json") in message
    assert "3 of 4 records" in message
    assert "vulnerabilities[1]: cveID is a number" in message
    assert "vulnerabilities[2] (CVE-2026-41002): dateAdded is missing" in message
    assert "vulnerabilities[3] (CVE-2026-41003)" in message and "nothing loaded" in message
    # what was loaded before is all there
    (kev, _epss) = lib.intel_status()
    assert kev.count == 4 and kev.version == "2026.07.20" and kev.origin == str(DATA / "kev.json")
    assert lib.tag_counts()["kev"] == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[]", "a JSON object was expected, not a list"),
        ('{"vulnerabilities": {}}', "`vulnerabilities` must be a list (an object)"),
        ('{"title": "x"}', "`vulnerabilities` must be a list (missing)"),
        ('{"vulnerabilities": []}', "holds no vulnerabilities"),
        ('{"vulnerabilities": [{"cveID": "CVE-2026-1", "dateAdded": "2026-01-01"}]}', "is not a CVE id"),
        ('{"vulnerabilities": [{"cveID": "CVE-2026-41001", "dateAdded": "2026-02-30"}]}', "is not a date"),
        ('{"vulnerabilities": [{"cveID": "CVE-2026-41001", "dateAdded": 20260101}]}', "must be a date string"),
        ('{"vulnerabilities": [{"cveID": "CVE-2026-41001", "dateAdded": "2026-01-01", "cwes": [1]}]}', "cwes"),
        ('{"catalogVersion": 3, "vulnerabilities": [{"cveID": "CVE-2026-41001"}]}', "catalogVersion"),
        ('{"vulnerabilities": [', "invalid JSON"),
    ],
)
def test_kev_problems_name_the_file(text, expected) -> None:
    with pytest.raises(IntelError) as caught:
        intel.parse(text.encode(), "/tmp/kev.json")
    assert str(caught.value).startswith("/tmp/kev.json: ") and expected in str(caught.value)


def test_kev_count_that_does_not_match_is_a_note_not_a_refusal() -> None:
    text = (DATA / "kev.json").read_text().replace('"count": 4', '"count": 5')
    parsed = intel.parse(text.encode(), "kev.json")
    assert isinstance(parsed, intel.ParsedKev) and len(parsed.records) == 4
    assert parsed.warning == "the file says 5 vulnerabilities and holds 4"


def test_epss_plain_and_gzipped_are_the_same() -> None:
    plain = intel.parse((DATA / "epss.csv").read_bytes(), "epss.csv")
    packed = intel.parse((DATA / "epss.csv.gz").read_bytes(), "epss.csv.gz")
    assert isinstance(plain, intel.ParsedEpss) and isinstance(packed, intel.ParsedEpss)
    assert plain.rows == packed.rows and len(plain.rows) == 9
    assert plain.version == "v2025.03.14" and plain.released == "2026-08-25T12:55:00Z"
    assert ("CVE-2026-41001", 0.97102, 0.99988) in plain.rows


def test_epss_with_bom_and_crlf() -> None:
    parsed = intel.parse((DATA / "epss-bom-crlf.csv").read_bytes(), "epss-bom-crlf.csv")
    assert isinstance(parsed, intel.ParsedEpss)
    assert parsed.version == "v2025.03.14" and parsed.released == "2026-08-26T12:55:00Z"
    # a lower-case id is stored as CVE-..., no \r left anywhere, the blank last line ignored
    assert parsed.rows == [
        ("CVE-2026-40876", 0.944, 0.99911),
        ("CVE-2026-41001", 0.97, 0.9998),
        ("CVE-2026-41117", 0.9, 0.99501),
    ]


def test_epss_with_a_new_model_version_line(lib) -> None:
    lib.import_intel(DATA / "epss.csv")
    outcome = lib.import_intel(DATA / "epss-new-model.csv")
    assert outcome.version == "v2026.09.01"
    assert outcome.note and "new EPSS model v2026.09.01 (was v2025.03.14)" in outcome.note
    (_kev, epss) = lib.intel_status()
    assert epss.version == "v2026.09.01" and epss.released == "2026-09-02T00:00:00Z" and epss.count == 3
    # its columns come in another order (cve,percentile,epss): found by name
    known = lib.cve_intel(["CVE-2026-40876", "CVE-2026-41250"])
    assert known["CVE-2026-40876"].epss == 0.61 and known["CVE-2026-40876"].percentile == 0.991
    assert known["CVE-2026-41250"].epss is None  # the import replaced the day's scores whole


def test_epss_model_line_in_the_middle_wins() -> None:
    text = (DATA / "epss.csv").read_text() + "#model_version:v2027.01.01,score_date:2027-01-02\nCVE-2027-0001,0.5,0.5\n"
    parsed = intel.parse(text.encode(), "two.csv")
    assert isinstance(parsed, intel.ParsedEpss)
    assert parsed.version == "v2027.01.01" and len(parsed.rows) == 10


def test_truncated_gzip_is_refused_and_the_scores_stay(lib) -> None:
    lib.import_intel(DATA / "epss.csv")
    with pytest.raises(IntelError) as caught:
        lib.import_intel(DATA / "epss-truncated.csv.gz")
    assert str(DATA / "epss-truncated.csv.gz") in str(caught.value) and "truncated gzip" in str(caught.value)
    assert lib.intel_status()[1].count == 9
    assert lib.cve_intel(["CVE-2026-41001"])["CVE-2026-41001"].epss == 0.97102


def test_damaged_gzip_and_gzip_bomb() -> None:
    good = gzip.compress(b"cve,epss,percentile\n" + b"CVE-2026-41001,0.1,0.2\n" * 1000)
    damaged = good[:10] + bytes(b ^ 0xFF for b in good[10:40]) + good[40:]
    with pytest.raises(IntelError, match="damaged gzip"):
        intel.decompress(damaged, "d.gz")
    with pytest.raises(IntelError, match="once decompressed: refused"):
        intel.decompress(good, "bomb.gz", limit=1000)


def test_bad_epss_row_names_the_line_and_nothing_is_loaded(lib) -> None:
    lib.import_intel(DATA / "epss.csv")
    with pytest.raises(IntelError) as caught:
        lib.import_intel(DATA / "epss-bad-row.csv")
    assert "epss-bad-row.csv: line 3: not an EPSS row" in str(caught.value)
    assert lib.intel_status()[1].count == 9


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CVE-2026-41001,0.1,0.2\n", "neither a KEV catalogue"),
        ("#model_version:v1\nCVE-2026-41001,0.1,0.2\n", "before the cve,epss,percentile header"),
        ("cve,epss\nCVE-2026-41001,0.1\n", "without epss and percentile"),
        ("cve,epss,percentile\nCVE-2026-41001,1.5,0.2\n", "line 2: not an EPSS row"),
        ("cve,epss,percentile\nCVE-2026-41001,nan,0.2\n", "line 2: not an EPSS row"),
        ("cve,epss,percentile\n", "no EPSS scores"),
        ("<html>not found</html>", "neither a KEV catalogue"),
    ],
)
def test_epss_problems(text, expected) -> None:
    with pytest.raises(IntelError, match=expected):
        intel.parse(text.encode(), "e.csv")


def test_binary_and_missing_files(lib, tmp_path) -> None:
    blob = tmp_path / "blob.bin"
    blob.write_bytes(b"\xff\xfe\x00\x01" * 100)
    with pytest.raises(IntelError, match="not UTF-8"):
        lib.import_intel(blob)
    with pytest.raises(IntelError, match="no such file"):
        lib.import_intel(tmp_path / "missing.json")
    with pytest.raises(IntelError, match="not a file"):
        lib.import_intel(tmp_path)


# --- the kev tag, epss:, cve: --------------------------------------------------------------------


def test_kev_tag_is_on_every_entry_naming_a_kev_cve_and_recomputed_when_the_catalogue_changes(lib, tmp_path) -> None:
    assert "kev" not in lib.tag_counts()
    lib.import_intel(DATA / "kev.json")
    wanted = entries_naming(lib, KEV_IDS)
    assert len(wanted) == 6
    assert lib.tag_counts()["kev"] == len(wanted)
    assert set(lib.entry_ids("+kev")) == wanted
    assert all("kev" in e.tags for e in lib.entries("+kev", limit=0))
    # a smaller catalogue: the entries naming only the CVE that left lose the tag, in both places
    smaller = (DATA / "kev.json").read_text().replace('"cveID": "CVE-2026-41001"', '"cveID": "CVE-2020-0001"')
    (tmp_path / "kev2.json").write_text(smaller)
    lib.import_intel(tmp_path / "kev2.json")
    wanted = entries_naming(lib, {"CVE-2026-40876", "CVE-2026-41117"})
    assert set(lib.entry_ids("+kev")) == wanted and len(wanted) == 3
    shown = {e.id for e in lib.entries(limit=0) if "kev" in e.tags}
    assert shown == wanted


def test_new_entries_get_the_kev_tag_from_the_enrich_pass(lib) -> None:
    lib.import_intel(DATA / "kev.json")
    store = lib.store
    from veille_tui.core.models import Feed

    store.sync_feeds([Feed("https://feed.example.org/rss", "Feed")])
    (state,) = store.feed_states()
    item = Item("g1", "https://feed.example.org/1", "Exploited Ivanti bug", None, None, "cve-2026-41117 again")
    other = Item("g2", "https://feed.example.org/2", "Not in KEV", None, None, "CVE-2026-41302")
    store_fetch(store, state.id, status="ok", items=[item, other])
    tagged = {e.title for e in lib.entries("+kev is:item", limit=0)}
    assert tagged == {"Exploited Ivanti bug"}


def test_epss_query_gives_exactly_the_entries_naming_a_cve_scored_that_high(lib) -> None:
    lib.import_intel(DATA / "epss.csv")
    scores = epss_scores(DATA / "epss.csv")
    for threshold in (0.9, 0.5, 0.95, 0.0):
        high = {cve for cve, score in scores.items() if score >= threshold}
        assert set(lib.entry_ids(f"epss:{threshold}")) == entries_naming(lib, high), threshold
    assert set(lib.entry_ids("epss:90%")) == set(lib.entry_ids("epss:0.9"))
    assert lib.count("epss:0.9 +certfr") == 1


def test_cve_ids_are_normalised_in_queries(lib) -> None:
    expected = lib.entry_ids("cve:CVE-2026-41001")
    assert len(expected) == 3
    for spelling in ("cve:2026-41001", "cve:cve-2026-41001", "CVE:Cve-2026-41001"):
        assert lib.entry_ids(spelling) == expected
    for bad in ("cve:2026-1", "cve:", "epss:", "epss:1.5", "epss:high"):
        with pytest.raises(QueryError):
            parse(bad)


# --- cves: aggregation and trend -----------------------------------------------------------------


def store_items(lib, stories):
    """Feed items naming CVE ids: (age in days from now, [ids]); returns the `now` they are dated from."""
    from veille_tui.core.models import Feed

    store = lib.store
    store.sync_feeds([Feed("https://feed.example.org/rss", "Feed")])
    (state,) = store.feed_states()
    now = time.time()

    def item(n, age, ids):
        ts = int(now - age * 86400)
        date = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(ts))
        return Item(f"t{n}", f"https://feed.example.org/t{n}", f"Story {n}", date, ts, " ".join(ids))

    items = [item(n, age, ids) for n, (age, ids) in enumerate(stories)]
    store_fetch(store, state.id, status="ok", items=items)
    return now


def test_trend_weighs_each_entry_by_one_over_sqrt_of_its_cve_count(lib) -> None:
    day = 86400
    now = store_items(
        lib,
        [
            (1, ["CVE-2026-0001"]),  # alone: weight 1
            (2, ["CVE-2026-0001", "CVE-2026-0002", "CVE-2026-0003", "CVE-2026-0004"]),  # a roundup of 4: 1/2 each
            (10, ["CVE-2026-0001"]),  # the previous window
            (9, ["CVE-2026-0002", "CVE-2026-0003"]),  # two CVEs: 1/sqrt(2) each
            (30, ["CVE-2026-0001"]),  # before both windows: counted, not trending
        ],
    )
    where: tuple[str, list[object]] = ("e.kind = 'item'", [])
    found = {c.cve: c for c in intel.cves(lib.store, *where, now=now, window=7 * day)}
    one = found["CVE-2026-0001"]
    assert one.entries == 4 and one.trend == pytest.approx(1.5) and one.previous == pytest.approx(1.0)
    two = found["CVE-2026-0002"]
    assert two.trend == pytest.approx(0.5) and two.previous == pytest.approx(1 / math.sqrt(2))
    assert found["CVE-2026-0004"].trend == pytest.approx(0.5) and found["CVE-2026-0004"].previous == 0
    assert one.first_seen == time.strftime("%Y-%m-%d", time.gmtime(int(now - 30 * day)))
    assert one.sources == ("Feed",)
    order = [c.cve for c in intel.cves(lib.store, *where, now=now, window=7 * day)]
    # by trend, then by its change from the window before: 0004 (+0.5) before 0002 and 0003 (-0.21)
    assert order == ["CVE-2026-0001", "CVE-2026-0004", "CVE-2026-0002", "CVE-2026-0003"]
    # a window of 30 days: everything but the oldest story; nothing before it
    month = {c.cve: c for c in intel.cves(lib.store, *where, now=now, window=30 * day + 60)}
    assert month["CVE-2026-0001"].trend == pytest.approx(3.5) and month["CVE-2026-0001"].previous == 0


def test_trend_over_stored_entries_and_the_window_length(lib) -> None:
    roundup = [f"CVE-2026-9{n:03d}" for n in range(16)]  # 16 ids: 1/4 each
    store_items(
        lib,
        [
            (1, ["CVE-2026-9000"]),
            (2, roundup),
            (12, ["CVE-2026-9001"]),
            (3, ["CVE-2026-9001", "CVE-2026-9002", "CVE-2026-9003", "CVE-2026-9004"]),
        ],
    )
    week = {c.cve: c for c in lib.cves("is:item")}
    assert week["CVE-2026-9000"].trend == pytest.approx(1.25)
    assert week["CVE-2026-9001"].trend == pytest.approx(0.75) and week["CVE-2026-9001"].previous == pytest.approx(1)
    assert week["CVE-2026-9015"].trend == pytest.approx(0.25)
    # 9001 and 9002 trend alike (0.75); 9002 is new, 9001 was mentioned more the week before
    assert [c.cve for c in lib.cves("is:item")][:3] == ["CVE-2026-9000", "CVE-2026-9002", "CVE-2026-9003"]
    fortnight = {c.cve: c for c in lib.cves("is:item", since="14d")}
    assert fortnight["CVE-2026-9001"].trend == pytest.approx(1.75) and fortnight["CVE-2026-9001"].previous == 0
    assert len(lib.cves("is:item", limit=3)) == 3
    with pytest.raises(QueryError):
        lib.cves(since="soon")
    with pytest.raises(IntelError, match="unknown sort"):
        lib.cves(sort="loudest")


def test_cves_of_the_examples_with_their_intel(lib) -> None:
    lib.import_intel(DATA / "kev.json")
    lib.import_intel(DATA / "epss.csv")
    found = {c.cve: c for c in lib.cves()}
    assert len(found) == 7  # the distinct CVE ids of examples/_posts
    fortios = found["CVE-2026-41001"]
    assert fortios.entries == 3 and fortios.sources == ("bleepingcomp", "certfr", "hackernews")
    assert fortios.first_seen == "2026-06-25" and fortios.last_seen == "2026-06-29"
    assert fortios.kev is not None and fortios.kev.known_ransomware
    assert fortios.epss == 0.97102 and fortios.percentile == 0.99988
    assert found["CVE-2026-41250"].kev is None
    data = fortios.to_json()
    assert set(data) >= {"cve", "entries", "first_seen", "last_seen", "sources", "kev", "epss", "percentile", "trend"}
    assert [c.cve for c in lib.cves(sort="epss")][:2] == ["CVE-2026-41001", "CVE-2026-40876"]
    assert [c.cve for c in lib.cves(sort="count")][:2] == ["CVE-2026-41001", "CVE-2026-41117"]
    assert lib.cves(sort="recent")[0].cve == "CVE-2026-41302"
    assert {c.cve for c in lib.cves("+certfr")} == {
        "CVE-2026-41001",
        "CVE-2026-41002",
        "CVE-2026-41003",
        "CVE-2026-41117",
    }


def test_cve_intel_for_the_article_header(lib) -> None:
    lib.import_intel(DATA / "kev.json")
    lib.import_intel(DATA / "epss.csv")
    known = lib.cve_intel(["CVE-2026-41001", "CVE-2030-0001"])
    fortios = known["CVE-2026-41001"]
    assert fortios.nvd == "https://nvd.nist.gov/vuln/detail/CVE-2026-41001"
    assert fortios.epss_text() == "EPSS 0.971 (99th percentile)"
    assert known["CVE-2030-0001"] == models.CveIntel("CVE-2030-0001")
    assert fortios.to_json()["kev"]["dueDate"] == "2026-07-16"


@pytest.mark.parametrize(
    ("value", "text"), [(99.99, "99th"), (1.2, "1st"), (12.5, "12th"), (22, "22nd"), (0.4, "<1st")]
)
def test_ordinal(value, text) -> None:
    assert models.ordinal(value) == text


# --- status, the config --------------------------------------------------------------------------


def test_status_before_and_after(lib) -> None:
    kev, epss = lib.intel_status()
    assert (kev.name, kev.count, kev.loaded, epss.count) == ("kev", 0, None, 0)
    lib.import_intel(DATA / "epss.csv.gz")
    _kev, epss = lib.intel_status()
    data = epss.to_json()
    assert data["count"] == 9 and data["version"] == "v2025.03.14" and data["origin"].endswith("epss.csv.gz")
    assert data["age_hours"] == 0.0 and data["last_check"] is None


def test_intel_config(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("VEILLE_TUI_INTEL")
    defaults = config.load(None).intel
    assert defaults.enabled and "cisa.gov" in defaults.kev_url and defaults.epss_url.endswith(".csv.gz")
    path = tmp_path / "c.toml"
    path.write_text('[intel]\nkev_url = "http://127.0.0.1:9/kev.json"\nenabled = false\n')
    s = config.load(path).intel
    assert s.kev_url == "http://127.0.0.1:9/kev.json" and s.epss_url == config.EPSS_URL and not s.enabled
    for bad, expected in [
        ('[intel]\nkev_url = "ftp://x/kev.json"\n', "kev_url must be an http(s) URL"),
        ("[intel]\nenabled = 1\n", "enabled must be true or false"),
        ('[intel]\nnvd_url = "https://x"\n', "unknown [intel] setting(s): nvd_url"),
        ('intel = "yes"\n', "[intel] must be a table"),
    ]:
        path.write_text(bad)
        with pytest.raises(ConfigError) as caught:
            config.load(path)
        assert str(path) in str(caught.value) and expected in str(caught.value)
    path.write_text("[intel]\nenabled = true\n")
    monkeypatch.setenv("VEILLE_TUI_INTEL", "off")
    assert not config.load(path).intel.enabled and not config.load(None).intel.enabled


def test_update_refused_when_downloads_are_off(lib) -> None:
    assert not lib.settings.intel.enabled  # VEILLE_TUI_INTEL=off in every test (tests/conftest.py)
    with pytest.raises(IntelError, match="intel import FILE"):
        lib.update_intel()


def test_the_head_of_the_trend_order_and_a_few_ids_alone(lib) -> None:
    """recent=True: the CVE ids with a trend, exactly the head of the full order (the TUI shows it
    first); only=: those ids alone, with the same figures as in the whole table."""
    store_items(
        lib,
        [
            (1, ["CVE-2026-0001", "CVE-2026-0002"]),
            (3, ["CVE-2026-0003"]),
            (10, ["CVE-2026-0002", "CVE-2026-0004"]),
            (40, ["CVE-2026-0005"]),
        ],
    )
    full = lib.cves()
    head = lib.cves(recent=True)
    assert [c.cve for c in head] == ["CVE-2026-0003", "CVE-2026-0001", "CVE-2026-0002"]
    assert full[: len(head)] == head and all(c.trend > 0 for c in head)
    assert all(c.trend == 0 for c in full[len(head) :])
    some = lib.cves(only=["CVE-2026-0004", "CVE-2026-41001", "CVE-2030-0001"])
    assert {c.cve for c in some} == {"CVE-2026-0004", "CVE-2026-41001"}
    by_id = {c.cve: c for c in full}
    assert all(c == by_id[c.cve] for c in some)
    assert lib.cves(only=[]) == []
    assert [c.cve for c in lib.cves("is:item", recent=True)] == [c.cve for c in head]
