"""The database schema: one script per version, applied in order (PRAGMA user_version)."""

from __future__ import annotations

import sqlite3

_SCHEMA_V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE files (
    name TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER,
    status TEXT NOT NULL,          -- indexed | skipped | problem
    reason TEXT
);
CREATE TABLE feeds (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '[]',
    site_title TEXT,
    etag TEXT, last_modified TEXT,
    last_fetch REAL, last_ok REAL, last_error TEXT, retry_after REAL,
    active INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE entries (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,            -- post | item
    file TEXT UNIQUE,              -- posts: file name in the archive
    link TEXT, link_norm TEXT,
    title TEXT NOT NULL, date TEXT NOT NULL, ts INTEGER NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    permalink TEXT,
    post_tags TEXT NOT NULL DEFAULT '',   -- the post's own tags, space separated
    tags TEXT NOT NULL DEFAULT '',        -- every tag, space separated (display)
    feeds TEXT NOT NULL DEFAULT '',       -- titles of the feeds that brought it, \x1f separated
    cves TEXT NOT NULL DEFAULT '',
    read INTEGER NOT NULL DEFAULT 0,
    starred INTEGER NOT NULL DEFAULT 0,
    added REAL NOT NULL
);
CREATE INDEX entries_order ON entries (ts DESC, id DESC);
CREATE INDEX entries_link ON entries (link_norm);
CREATE INDEX entries_unread ON entries (ts DESC, id DESC) WHERE read = 0;
CREATE INDEX entries_starred ON entries (ts DESC, id DESC) WHERE starred = 1;
CREATE INDEX entries_kind ON entries (kind, ts DESC, id DESC);
CREATE TABLE items (
    id INTEGER PRIMARY KEY,
    feed_id INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    guid TEXT NOT NULL,
    link TEXT, link_norm TEXT,
    title TEXT NOT NULL, date TEXT, ts INTEGER,
    summary TEXT NOT NULL DEFAULT '', author TEXT NOT NULL DEFAULT '',
    categories TEXT NOT NULL DEFAULT '',
    entry_id INTEGER NOT NULL,
    fetched REAL NOT NULL,
    UNIQUE (feed_id, guid)
);
CREATE INDEX items_entry ON items (entry_id);
CREATE INDEX items_link ON items (link_norm);
CREATE TABLE entry_tags (tag TEXT NOT NULL, entry_id INTEGER NOT NULL, PRIMARY KEY (tag, entry_id)) WITHOUT ROWID;
CREATE INDEX entry_tags_entry ON entry_tags (entry_id);
CREATE TABLE entry_cves (cve TEXT NOT NULL, entry_id INTEGER NOT NULL, PRIMARY KEY (cve, entry_id)) WITHOUT ROWID;
CREATE INDEX entry_cves_entry ON entry_cves (entry_id);
-- Titles and bodies, searchable; also where bodies are kept, so that scans of `entries` stay small.
-- rowid = entries.id; written by the store with each entry (Store._set_text).
CREATE VIRTUAL TABLE entries_fts USING fts5 (title, body, tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER entries_ad AFTER DELETE ON entries BEGIN
    DELETE FROM entries_fts WHERE rowid = old.id;
    DELETE FROM entry_tags WHERE entry_id = old.id;
    DELETE FROM entry_cves WHERE entry_id = old.id;
END;
"""

_V2_FEED_COUNTS = """
-- feed counts (sidebar, `feeds`) from an index-only scan
CREATE INDEX items_feed_entry ON items (feed_id, entry_id);
"""

_V3_FEED_IDENTITY = """
-- a feed is known by the URL of its subscription; `url` is where it is fetched from now
-- (a permanent redirect changes it, not the subscription); per-feed retention
ALTER TABLE feeds ADD COLUMN config_url TEXT;
UPDATE feeds SET config_url = url;
CREATE UNIQUE INDEX feeds_config_url ON feeds (config_url);
ALTER TABLE feeds ADD COLUMN retention_days INTEGER;
"""

_V4_KEPT_STATE = """
-- read/starred state of posts that left the index (file moved away, another archive indexed):
-- given back when a post of that name is indexed again
CREATE TABLE kept_state (file TEXT PRIMARY KEY, read INTEGER NOT NULL, starred INTEGER NOT NULL, kept REAL NOT NULL);
"""

_V5_INTEL = """
-- CVE intelligence (core/intel.py): CISA's KEV catalogue and FIRST's EPSS scores, each replaced
-- whole by an import; intel_sources says where each came from, its version, and the conditional
-- GET state of its URL
CREATE TABLE kev (
    cve TEXT PRIMARY KEY,
    vendor TEXT NOT NULL DEFAULT '', product TEXT NOT NULL DEFAULT '', name TEXT NOT NULL DEFAULT '',
    date_added TEXT NOT NULL, due_date TEXT,
    ransomware TEXT NOT NULL DEFAULT '',   -- knownRansomwareCampaignUse: Known | Unknown
    description TEXT NOT NULL DEFAULT '', action TEXT NOT NULL DEFAULT '', notes TEXT NOT NULL DEFAULT '',
    cwes TEXT NOT NULL DEFAULT ''          -- space separated
) WITHOUT ROWID;
CREATE TABLE epss (cve TEXT PRIMARY KEY, score REAL NOT NULL, percentile REAL NOT NULL) WITHOUT ROWID;
CREATE TABLE intel_sources (
    name TEXT PRIMARY KEY,                 -- kev | epss
    origin TEXT, version TEXT, released TEXT, records INTEGER, loaded REAL,
    url TEXT, etag TEXT, last_modified TEXT, last_check REAL, last_error TEXT
);
"""

_V6_FEED_FAILURES = """
-- feed health (`F`, `feeds list`): fetches failed in a row since the last success
ALTER TABLE feeds ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
UPDATE feeds SET failures = 1 WHERE last_error IS NOT NULL;
"""

_V_WATCH_RULES = """
-- the watch terms each entry matched (JSON list, in the config's order) and when it first did;
-- watch_alerts: the entries a fetch made match for the first time (the TUI's bell, `fetch --watch`)
CREATE TABLE entry_watch (entry_id INTEGER PRIMARY KEY, terms TEXT NOT NULL, first REAL NOT NULL);
CREATE TABLE watch_alerts (seq INTEGER PRIMARY KEY AUTOINCREMENT, entry_id INTEGER NOT NULL, at REAL NOT NULL);
-- [[rules]] (core/enrich/rules.py): what the rules did, so that it can be given back when they
-- change: the tags they added (not the entry's own), hidden, the read/starred they set; and which
-- state the analyst changed by hand (a rule never overrides it)
CREATE TABLE rule_tags (tag TEXT NOT NULL, entry_id INTEGER NOT NULL, PRIMARY KEY (tag, entry_id)) WITHOUT ROWID;
CREATE INDEX rule_tags_entry ON rule_tags (entry_id);
ALTER TABLE entries ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
ALTER TABLE entries ADD COLUMN rule_read INTEGER NOT NULL DEFAULT 0;
ALTER TABLE entries ADD COLUMN rule_star INTEGER NOT NULL DEFAULT 0;
ALTER TABLE entries ADD COLUMN hand_read INTEGER NOT NULL DEFAULT 0;
ALTER TABLE entries ADD COLUMN hand_star INTEGER NOT NULL DEFAULT 0;
CREATE INDEX entries_hidden ON entries (id) WHERE hidden = 1;
CREATE TRIGGER entries_ad_watch_rules AFTER DELETE ON entries BEGIN
    DELETE FROM entry_watch WHERE entry_id = old.id;
    DELETE FROM rule_tags WHERE entry_id = old.id;
END;
-- the watch terms of every entry are computed at the next open
DELETE FROM meta WHERE key = 'watch';
"""

_V_FULLTEXT = """
-- full text of an entry's article page (core/fulltext): fetched, extracted to Markdown, kept for
-- reading offline; `text` (plain) is what search finds, through fulltext_fts (external content:
-- the text is stored once). A failed fetch records `error` and keeps a full text fetched before.
-- (the small columns first: has:fulltext and the fetch-time checks read them without the texts)
CREATE TABLE fulltext (
    entry_id INTEGER PRIMARY KEY,
    words INTEGER NOT NULL DEFAULT 0,     -- 0: no text (only a failure recorded)
    fetched REAL NOT NULL,
    error TEXT,                           -- the last attempt's failure, NULL when it worked
    source TEXT NOT NULL DEFAULT '',      -- the URL (or file) it was extracted from
    title TEXT NOT NULL DEFAULT '',
    markdown TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL DEFAULT ''
);
CREATE VIRTUAL TABLE fulltext_fts USING fts5 (
    text, content = 'fulltext', content_rowid = 'entry_id', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER fulltext_ai AFTER INSERT ON fulltext BEGIN
    INSERT INTO fulltext_fts (rowid, text) VALUES (new.entry_id, new.text);
END;
CREATE TRIGGER fulltext_ad AFTER DELETE ON fulltext BEGIN
    INSERT INTO fulltext_fts (fulltext_fts, rowid, text) VALUES ('delete', old.entry_id, old.text);
END;
CREATE TRIGGER fulltext_au AFTER UPDATE OF entry_id, text ON fulltext BEGIN
    INSERT INTO fulltext_fts (fulltext_fts, rowid, text) VALUES ('delete', old.entry_id, old.text);
    INSERT INTO fulltext_fts (rowid, text) VALUES (new.entry_id, new.text);
END;
CREATE TRIGGER entries_ad_fulltext AFTER DELETE ON entries BEGIN
    DELETE FROM fulltext WHERE entry_id = old.id;
END;
"""

_V_DRAFTS = """
-- archive drafts (`_drafts/slug.md`): each file with the story it drafts (its Source link), and
-- the entry of that story knowing its draft (`is:drafted`, the list's marker)
CREATE TABLE drafts (
    file TEXT PRIMARY KEY,         -- relative to the site's folder: _drafts/slug.md
    link_norm TEXT, title TEXT NOT NULL DEFAULT '', size INTEGER, mtime_ns INTEGER
);
CREATE INDEX drafts_link ON drafts (link_norm);
ALTER TABLE entries ADD COLUMN draft TEXT;
CREATE INDEX entries_drafted ON entries (ts DESC, id DESC) WHERE draft IS NOT NULL;
"""

_V_SYNC = """
-- the team server (core/sync/): a feed the server holds is known by its stream id there
-- (`feed/12`; NULL: not on the server); `active` still says subscribed here, in the config
ALTER TABLE feeds ADD COLUMN server_id TEXT;
CREATE UNIQUE INDEX feeds_server_id ON feeds (server_id) WHERE server_id IS NOT NULL;
-- each item the server sent: its id there (64-bit decimal), the item row it was stored as, and the
-- server's read/starred state as last seen (a difference at the next pull is a change made there)
CREATE TABLE sync_items (
    server_id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL UNIQUE REFERENCES items (id) ON DELETE CASCADE,
    read INTEGER NOT NULL DEFAULT 0,
    starred INTEGER NOT NULL DEFAULT 0
);
-- read/starred changes made here, written in the transaction of the change, pushed by `sync`:
-- the latest per entry and field (what = 'read' | 'starred'), with when it was made
CREATE TABLE outbox (
    entry_id INTEGER NOT NULL,
    what TEXT NOT NULL,
    value INTEGER NOT NULL,
    changed REAL NOT NULL,
    PRIMARY KEY (entry_id, what)
) WITHOUT ROWID;
CREATE TRIGGER outbox_entry_ad AFTER DELETE ON entries BEGIN
    DELETE FROM outbox WHERE entry_id = old.id;
END;
"""

_V_CLUSTERS = """
-- story clusters (core/enrich/clusters.py): each entry's cluster, the smallest entry id of its
-- story (its own id when alone), and the title words it is compared by; clusters_dirty: the
-- clusters an entry left when it was deleted, recomputed by the next enrich pass
CREATE TABLE entry_clusters (entry_id INTEGER PRIMARY KEY, cluster INTEGER NOT NULL, words TEXT NOT NULL DEFAULT '');
CREATE INDEX entry_clusters_cluster ON entry_clusters (cluster);
CREATE TABLE clusters_dirty (cluster INTEGER PRIMARY KEY);
CREATE TRIGGER entries_ad_clusters AFTER DELETE ON entries BEGIN
    INSERT OR IGNORE INTO clusters_dirty SELECT c.cluster FROM entry_clusters c
        WHERE c.entry_id = old.id
        AND EXISTS (SELECT 1 FROM entry_clusters o WHERE o.cluster = c.cluster AND o.entry_id != old.id);
    DELETE FROM entry_clusters WHERE entry_id = old.id;
END;
"""

_V_CLUSTERS_PENDING = """
-- the entries a fetch stored whose clusters wait for the end of that fetch (one cluster pass over
-- all of them, not one a feed: each pass reads every entry within days of its batch, which at 500
-- feeds made a cold fetch quadratic); the next fetch's end takes what a killed one left
CREATE TABLE clusters_pending (entry_id INTEGER PRIMARY KEY);
"""

_V_PRUNE_INDEX = """
-- the entries the retention prune may drop (read, not starred, not drafted items): the prune
-- of a fetch walks these, not every item (63,000 unread items: 0.14-0.38 s a fetch before)
CREATE INDEX entries_prunable ON entries (id) WHERE kind = 'item' AND read = 1 AND starred = 0 AND draft IS NULL;
"""

_V_UNDO = """
-- the undo history of the analyst's read/starred changes (core/store/undo.py): one row per change
-- (a `u`, an `A` of 50,000 entries, a `mark`), per field the value its entries had before and the
-- ids it changed, as a JSON array; the newest 50 are kept
CREATE TABLE undo_steps (
    id INTEGER PRIMARY KEY,
    made REAL NOT NULL,
    what TEXT NOT NULL,
    entries INTEGER NOT NULL,
    read_was INTEGER, read_ids TEXT,
    star_was INTEGER, star_ids TEXT
);
"""

_V_STORIES = """
-- stories do not chain (core/enrich/cluster_rules.py `stories`): an entry's cluster is its story,
-- and `component` the connected component of the links it is in (its smallest entry id), what a
-- write batch recomputes; clusters_dirty now holds components (the trigger below). The clusters'
-- rules changed with this version: every cluster is recomputed when the store opens.
ALTER TABLE entry_clusters ADD COLUMN component INTEGER NOT NULL DEFAULT 0;
CREATE INDEX entry_clusters_component ON entry_clusters (component);
DROP TRIGGER entries_ad_clusters;
CREATE TRIGGER entries_ad_clusters AFTER DELETE ON entries BEGIN
    INSERT OR IGNORE INTO clusters_dirty SELECT c.component FROM entry_clusters c
        WHERE c.entry_id = old.id
        AND EXISTS (SELECT 1 FROM entry_clusters o WHERE o.component = c.component AND o.entry_id != old.id);
    DELETE FROM entry_clusters WHERE entry_id = old.id;
END;
"""

_V_FEED_WARNING = """
-- a feed read, but not all of it (malformed XML, entries dropped, dates unreadable): the feeds'
-- health shows it as a warning with its reason, not as `ok`
ALTER TABLE feeds ADD COLUMN last_warning TEXT;
"""

_V_ASSETS = """
-- the assets each entry touches (core/enrich/assets.py): `asset` is the asset's key (its folded
-- product name), `via` says how: 'text' (its title, body or full text names it) or 'kev' (it names
-- a CVE that KEV lists for it); match_alerts: the entries a fetch made touch an asset (kind
-- 'asset') or name a KEV CVE (kind 'kev') for the first time (`fetch --watch`, notifications)
CREATE TABLE entry_assets (
    asset TEXT NOT NULL, entry_id INTEGER NOT NULL, via TEXT NOT NULL, PRIMARY KEY (asset, entry_id, via)
) WITHOUT ROWID;
CREATE INDEX entry_assets_entry ON entry_assets (entry_id);
CREATE TABLE match_alerts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, entry_id INTEGER NOT NULL, at REAL NOT NULL
);
CREATE INDEX match_alerts_entry ON match_alerts (entry_id, kind);
CREATE TRIGGER entries_ad_assets AFTER DELETE ON entries BEGIN
    DELETE FROM entry_assets WHERE entry_id = old.id;
END;
"""

_V_NOTIFY = """
-- notifications (core/notify): each message waits here until its target took it; `state` queued
-- -> sending (a token written before the request) -> sent; notify_marks: per target, the newest
-- watch alert and match alert already put in a message
CREATE TABLE notify_outbox (
    id INTEGER PRIMARY KEY,
    target TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created REAL NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued',
    token TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_try REAL,
    last_error TEXT,
    sent REAL
);
CREATE INDEX notify_outbox_waiting ON notify_outbox (target, id) WHERE state != 'sent';
CREATE TABLE notify_marks (target TEXT PRIMARY KEY, watch INTEGER NOT NULL, alerts INTEGER NOT NULL);
"""

_V_IOCS = """
-- indicators of compromise each entry names (core/enrich/iocs.py), refanged and normalised;
-- seen_in: where (title, summary, fulltext; space separated). Entries stored before this version
-- get theirs when the store opens (the derived key `iocs` differs).
CREATE TABLE entry_iocs (
    entry_id INTEGER NOT NULL,
    type TEXT NOT NULL,            -- ipv4 ipv6 domain url email md5 sha1 sha256 sha512
    value TEXT NOT NULL,
    seen_in TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (entry_id, type, value)
) WITHOUT ROWID;
CREATE INDEX entry_iocs_value ON entry_iocs (value, type);
CREATE TRIGGER entries_ad_iocs AFTER DELETE ON entries BEGIN
    DELETE FROM entry_iocs WHERE entry_id = old.id;
END;
"""

_V_ITEM_HTML = """
-- an item's body as its feed gave it, when HTML (bounded): a fetch no longer makes its Markdown
-- (half a cold fetch's CPU); `summary` then holds its plain text (what search and the enrich steps
-- read, as entries_fts.body) and the Markdown is made when the entry is first shown, drafted or
-- exported, and kept in `markdown`; html_base: what its relative links resolve against. Items
-- stored before hold their Markdown in `summary` (html NULL), as text bodies still do.
ALTER TABLE items ADD COLUMN html TEXT;
ALTER TABLE items ADD COLUMN html_base TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN markdown TEXT;
"""

# Each migration takes the schema from version N to N+1; append, never edit.

_V_RULED = """
-- the entries a rule hid or marked, indexed apart: each write batch asks whether a rule ever did
-- anything here (Store.rules_touched), which scanned every entry when none had (issue 22)
CREATE INDEX entries_ruled ON entries (id) WHERE hidden = 1 OR rule_read = 1 OR rule_star = 1;
"""

MIGRATIONS: list[str] = [
    _SCHEMA_V1,
    _V2_FEED_COUNTS,
    _V3_FEED_IDENTITY,
    _V4_KEPT_STATE,
    _V5_INTEL,
    _V6_FEED_FAILURES,
    _V_WATCH_RULES,
    _V_FULLTEXT,
    _V_DRAFTS,
    _V_SYNC,
    _V_CLUSTERS,
    _V_PRUNE_INDEX,
    _V_CLUSTERS_PENDING,
    _V_UNDO,
    _V_STORIES,
    _V_FEED_WARNING,
    _V_ASSETS,
    _V_NOTIFY,
    _V_IOCS,
    _V_ITEM_HTML,
    _V_RULED,
]

SCHEMA_VERSION = len(MIGRATIONS)


def statements(script: str) -> list[str]:
    """Split a schema script into statements (trigger bodies hold semicolons)."""
    found, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                found.append(buffer.strip())
            buffer = ""
    return found
