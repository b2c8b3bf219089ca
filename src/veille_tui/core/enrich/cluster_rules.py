"""When two entries are the same story, and the clusters that follows: pure functions over `Node`s
(no database here; core/enrich/clusters.py reads and writes them).

Two entries are linked when
- they have the same source URL (normalised link: two posts of one story), whatever their dates;
- they name a CVE id in common and lie within CVE_DAYS of each other, both naming at most
  MAX_CVES ids: a roundup (a Patch Tuesday post naming 80 CVEs) links to nothing by its CVEs, or
  it would chain a month of unrelated stories into one cluster;
- their titles are near-identical and they lie within TITLE_DAYS of each other: the titles'
  words (`title_words`: case and accents folded, a plural `s` dropped, English and French stop
  words left out), at least MIN_WORDS each; from two sources, a Jaccard index (shared words /
  words of either) of at least TITLE_JACCARD; from one source, the same words (a source does not
  report a story twice under another title: its near-identical titles are a series, part 1 and
  part 2, one product's advisories).

A cluster is a connected component of these links (union-find); its id is its smallest entry id.
Candidates are found without comparing every pair: entries by link and by CVE id, titles through
an inverted index of each title's rarest words (prefix filtering: two word sets whose Jaccard
index reaches t share one of the |x| - ceil(t |x|) + 1 rarest words of each), inside the window.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

from veille_tui.core.text import fold

DAY = 86400
CVE_DAYS = 7
TITLE_DAYS = 3
CVE_JACCARD = 0.5
TITLE_JACCARD = 0.5
MIN_WORDS = 4
# what the clusters were computed with: a change recomputes them all (Store start)
RULES = f"cve{CVE_DAYS}d>={CVE_JACCARD};title{TITLE_DAYS}d>={TITLE_JACCARD},{MIN_WORDS}w;link;v1"

_WORD = re.compile(r"\w+")
STOP_WORDS = frozenset(
    """a an and are as at be by for from has have how in into is it its new now of on or over that the
    this to up via was what when who why will with
    au aux avec ce ces d dans de des du en est et l la le les leur par plus pour qui sa se son sur un une""".split()
)


class Node(NamedTuple):
    """An entry as the rules see it."""

    id: int
    ts: int
    source: str
    link: str  # normalised link, '' when none
    cves: tuple[str, ...]
    words: frozenset[str]


def title_words(title: str) -> frozenset[str]:
    """The words a title is compared by: folded (case, accents), a final `s` dropped from words
    of four letters or more, stop words left out."""
    found = set()
    for word in _WORD.findall(fold(title)):
        if word in STOP_WORDS:
            continue
        if len(word) >= 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        found.add(word)
    return frozenset(found)


def words_key(words: frozenset[str]) -> str:
    """The words as stored (sorted, space separated)."""
    return " ".join(sorted(words))


def titles_match(a: Node, b: Node) -> bool:
    if len(a.words) < MIN_WORDS or len(b.words) < MIN_WORDS:
        return False
    if a.source == b.source:
        return a.words == b.words
    shared = len(a.words & b.words)
    return shared / (len(a.words) + len(b.words) - shared) >= TITLE_JACCARD


def _prefix_length(size: int) -> int:
    return size - math.ceil(TITLE_JACCARD * size) + 1


class _TitleIndex:
    """The rarest words of each node's title, each with the nodes that have it, by time."""

    def __init__(self, nodes: Sequence[Node], probes: Sequence[Node]) -> None:
        counts: dict[str, int] = defaultdict(int)
        for node in (*nodes, *probes):
            for word in node.words:
                counts[word] += 1
        self.counts = counts
        times: dict[str, list[int]] = defaultdict(list)
        members: dict[str, list[Node]] = defaultdict(list)
        for node in sorted(nodes, key=lambda n: n.ts):
            for word in self.prefix(node):
                times[word].append(node.ts)
                members[word].append(node)
        self.times, self.members = times, members

    def prefix(self, node: Node) -> list[str]:
        if len(node.words) < MIN_WORDS:
            return []
        ranked = sorted(node.words, key=lambda w: (self.counts[w], w))
        return ranked[: _prefix_length(len(ranked))]

    def near(self, probe: Node) -> Iterator[Node]:
        span = TITLE_DAYS * DAY
        for word in self.prefix(probe):
            times = self.times.get(word)
            if not times:
                continue
            members = self.members[word]
            for index in range(bisect_left(times, probe.ts - span), bisect_right(times, probe.ts + span)):
                yield members[index]


def links(nodes: Sequence[Node], probes: Sequence[Node] | None = None) -> Iterator[tuple[int, int]]:
    """The pairs (probe id, node id) of linked entries, each probe against every node (probes
    None: the nodes against each other). A pair may come more than once."""
    probes = nodes if probes is None else probes
    by_link: dict[str, list[int]] = defaultdict(list)
    by_cve: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for node in nodes:
        if node.link:
            by_link[node.link].append(node.id)
        for cve in node.cves:
            by_cve[cve].append((node.ts, node.id, len(node.cves)))
    for postings in by_cve.values():
        postings.sort()
    nodes_by_id = {n.id: n for n in nodes}
    titles = _TitleIndex(nodes, probes)
    for probe in probes:
        if probe.link:
            for other in by_link.get(probe.link, ()):
                if other != probe.id:
                    yield probe.id, other
        if probe.cves:
            for other in _sharing_cves(probe, by_cve):
                node = nodes_by_id[other]
                if set(node.cves) == set(probe.cves) or _topic(probe.words) & _topic(node.words):
                    yield probe.id, other
        for other_node in titles.near(probe):
            if other_node.id != probe.id and titles_match(probe, other_node):
                yield probe.id, other_node.id


def _sharing_cves(probe: Node, by_cve: dict[str, list[tuple[int, int, int]]]) -> Iterator[int]:
    """The nodes within CVE_DAYS of the probe whose CVE ids are mostly the probe's."""
    span = CVE_DAYS * DAY
    shared: dict[int, int] = defaultdict(int)
    sizes: dict[int, int] = {}
    for cve in probe.cves:
        postings = by_cve.get(cve)
        if not postings:
            continue
        for ts, other, size in postings[bisect_left(postings, (probe.ts - span, -1, 0)) :]:
            if ts > probe.ts + span:
                break
            shared[other] += 1
            sizes[other] = size
    for other, count in shared.items():
        if other != probe.id and count / (len(probe.cves) + sizes[other] - count) >= CVE_JACCARD:
            yield other


def _topic(words: frozenset[str]) -> frozenset[str]:
    """The words of a title that say what it is about (not the parts of a CVE id, not numbers)."""
    return frozenset(w for w in words if w != "cve" and not w.isdigit())


def components(ids: Iterable[int], pairs: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Union-find: each id with its cluster id (the smallest id of its component)."""
    parent: dict[int, int] = {i: i for i in ids}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            if ra < rb:
                parent[rb] = ra
            else:
                parent[ra] = rb
    return {i: root(i) for i in parent}
