"""When two entries are the same story, and the clusters that follow: pure functions over `Node`s
(no database here; core/enrich/clusters.py reads and writes them).

Two entries are linked when
- they have the same source URL (normalised link: two posts of one story), whatever their dates;
- they lie within CVE_DAYS of each other and name mostly the same CVE ids: the Jaccard index of
  their CVE sets reaches CVE_JACCARD, and the sets are equal or the titles share a word (CVE ids
  and numbers aside). A roundup (a Patch Tuesday post naming 80 CVEs) shares 1/80 of its set with
  a story about one of them: it links to none (else it would chain a month of unrelated stories
  into one cluster), only to another writeup of the same CVEs;
- their titles are near-identical and they lie within TITLE_DAYS of each other: the titles'
  words (`title_words`: case and accents folded, a plural `s` dropped, English and French stop
  words left out), at least MIN_WORDS each; from two sources, a Jaccard index (shared words /
  words of either) of at least TITLE_JACCARD; from one source, the same words (a source does not
  report a story twice under another title: its near-identical titles are a series, part 1 and
  part 2, one product's advisories). But two titles are never the same story on their words
  alone when their entries name CVE ids and none in common, or when the words they do not share
  are names on both sides (`renamed`: "Multiple vulnerabilities in Cisco IOS XE" and "... in
  Juniper Junos": templated advisories share every other word).

Links do not chain (`stories`): in time order, an entry joins a story when it is linked to the
story's first entry, or to more than half of its entries, or has its link (the same source URL is
the same story); else it starts one. A≈B and B≈C does not put A and C together unless C is close
to the story itself: a few templated titles cannot join hundreds of stories. A story's id is its
smallest entry id. The connected components of the links (`components`, union-find) bound what
a new entry can change: the stories of a component depend on it alone.

Candidates are found without comparing every pair: entries by link and by CVE id; titles against
those of their window only, counted in bit sets (see _need).
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import NamedTuple

from veille_tui.core.text import fold

DAY = 86400
CVE_DAYS = 7
TITLE_DAYS = 3
CVE_JACCARD = 0.5
TITLE_JACCARD = 0.5
MIN_WORDS = 4
# what the clusters were computed with: a change recomputes them all (Store start)
RULES = f"cve{CVE_DAYS}d>={CVE_JACCARD};title{TITLE_DAYS}d>={TITLE_JACCARD},{MIN_WORDS}w,renamed;link;stories;v2"
RENAMED_WORDS = 3  # at most this many words apart on each side for two titles to be one renamed

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
    title: str = ""  # as written: its names are read from it (`renamed`), for the pairs that get there


def _stem(word: str) -> str:
    return word[:-1] if len(word) >= 4 and word[-1] == "s" and word[-2] != "s" else word


def title_words(title: str) -> frozenset[str]:
    """The words a title is compared by: folded (case, accents), a final `s` dropped from words
    of four letters or more, stop words left out (the loop is `_stem` written inline: 52,000
    titles at a recompute)."""
    found = set()
    for word in _WORD.findall(title.lower() if title.isascii() else fold(title)):
        if word in STOP_WORDS:
            continue
        if len(word) >= 4 and word[-1] == "s" and word[-2] != "s":
            word = word[:-1]
        found.add(word)
    return frozenset(found)


def title_names(title: str) -> frozenset[str]:
    """The words of a title that name something (a vendor, a product), as `title_words` writes
    them: a capital inside the word (FortiOS, IOS, VMware), letters and digits (XE17), or a
    capital first letter past the title's first word, unless the title capitalises most of its
    other words (Title Case: there a capital says nothing)."""
    raw = _WORD.findall(title)
    long = [w for w in raw[1:] if len(w) >= 4 and w.isalpha() and w.lower() not in STOP_WORDS]
    title_case = len(long) >= 3 and sum(w[0].isupper() for w in long) >= 0.75 * len(long)
    found = set()
    for position, word in enumerate(raw):
        inner = any(c.isupper() for c in word[1:])
        mixed = not word.isalpha() and not word.isdigit() and any(c.isalpha() for c in word)
        capital = word[0].isupper() and position > 0 and not title_case
        if inner or mixed or capital:
            found.add(_stem(word.lower() if word.isascii() else fold(word)))
    return frozenset(found)


def renamed(a: Node, b: Node) -> bool:
    """The titles differ only in a name (and numbers): one template said of two vendors or
    products. Each side has a word the other has not, at most RENAMED_WORDS, each a name or a
    number, a name among them."""
    only_a, only_b = a.words - b.words, b.words - a.words
    if not only_a or not only_b or len(only_a) > RENAMED_WORDS or len(only_b) > RENAMED_WORDS:
        return False
    for only, node in ((only_a, a), (only_b, b)):
        names = title_names(node.title)
        if not only & names or any(w not in names and not w.isdigit() for w in only):
            return False
    return True


def words_key(words: frozenset[str]) -> str:
    """The words as stored (sorted, space separated)."""
    return " ".join(sorted(words))


def titles_match(a: Node, b: Node) -> bool:
    la, lb = len(a.words), len(b.words)
    if la < MIN_WORDS or lb < MIN_WORDS:
        return False
    if a.cves and b.cves and set(a.cves).isdisjoint(b.cves):
        return False  # two stories of one template, each its CVE id
    if a.source == b.source:
        return a.words == b.words
    shared = len(a.words & b.words)
    return shared >= TITLE_JACCARD * (la + lb - shared) and not renamed(a, b)


def cves_match(a: Node, b: Node, shared: int) -> bool:
    """Two entries of CVE_DAYS of each other naming `shared` CVE ids in common."""
    if shared < CVE_JACCARD * (len(a.cves) + len(b.cves) - shared):
        return False
    return set(a.cves) == set(b.cves) or bool(_topic(a.words) & _topic(b.words))


# Near-identical titles are found without comparing each title with every other of its window:
# two titles whose words reach a Jaccard index t share at least `_need(la, lb)` words. A word in
# many titles is a bit set over the titles (bit n: the n-th title in time order), cut to the
# window of a group of titles once; a title's counts of shared words with every title of its
# window are added in those bit sets, a bit plane per binary digit (counters[i]: bit i of each
# count), and compared with `_need` for each length of title. A rarer word is looked up in its
# list of titles (a title that shares one is a candidate whatever its count). The candidates are
# checked with titles_match.
_GROUP = 256  # titles whose window is cut from the bit sets at once
_RARE = 128  # a word in fewer than one title in _RARE is looked up in its list


def _need(la: int, lb: int, _known: dict[tuple[int, int], int] = {}) -> int:  # noqa: B006 (a cache)
    """The fewest words two titles of la and lb words share when their Jaccard index reaches
    TITLE_JACCARD (as titles_match reckons it)."""
    found = _known.get((la, lb))
    if found is None:
        found = 0
        while found < TITLE_JACCARD * (la + lb - found):
            found += 1
        _known[(la, lb)] = found
    return found


def _bits(positions: Iterable[int], size: int) -> int:
    found = bytearray(size // 8 + 1)
    for position in positions:
        found[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(found, "little")


def _at_least(counters: Sequence[int], least: int, among: int) -> int:
    """The bits of `among` whose count (bit planes, lowest first) is at least `least`."""
    if least <= 0:
        return among
    if least >> len(counters):
        return 0
    above, equal = 0, among
    for i in range(len(counters) - 1, -1, -1):
        if least >> i & 1:
            equal &= counters[i]
        else:
            above |= equal & counters[i]
            equal &= ~counters[i]
    return above | equal


def _span_bits(start: int, end: int) -> int:
    return ((1 << (end - start)) - 1) << start if end > start else 0


def _title_pairs(ordered: Sequence[Node], probes: Collection[int] | None) -> Iterator[tuple[int, int]]:
    """The pairs of near-identical titles within TITLE_DAYS: each node against those before it
    (probes: each probe against every node before it and the nodes after it that are not probes)."""
    span = TITLE_DAYS * DAY
    titled = [node for node in ordered if len(node.words) >= MIN_WORDS]
    count = len(titled)
    times = [node.ts for node in titled]
    probing = [probes is None or node.id in probes for node in titled]
    postings: dict[str, list[int]] = defaultdict(list)
    by_length: dict[int, list[int]] = defaultdict(list)
    for position, node in enumerate(titled):
        by_length[len(node.words)].append(position)
        for word in node.words:
            postings[word].append(position)
    common = {word: _bits(found, count) for word, found in postings.items() if len(found) * _RARE >= count}
    lengths = {length: _bits(found, count) for length, found in by_length.items()}
    others = _bits((n for n in range(count) if not probing[n]), count)
    for group in range(0, count, _GROUP):
        members = [n for n in range(group, min(group + _GROUP, count)) if probing[n]]
        if not members:
            continue
        base = bisect_left(times, times[members[0]] - span)
        top = bisect_right(times, times[members[-1]] + span) if probes is not None else members[-1]
        cut = (1 << (top - base)) - 1
        words = {w: common[w] >> base & cut for n in members for w in titled[n].words if w in common}
        sizes = [(length, found >> base & cut) for length, found in lengths.items()]
        later = others >> base & cut
        for position in members:
            node = titled[position]
            low = bisect_left(times, node.ts - span)
            high = bisect_right(times, node.ts + span) if probes is not None else position
            window = _span_bits(low - base, position - base) | (_span_bits(position + 1 - base, high - base) & later)
            if not window:
                continue
            counters: list[int] = []
            rare: set[int] = set()
            for word in node.words:
                carry = words.get(word)
                if carry is None:  # a rare word: its titles in the window
                    listed = postings[word]
                    for n in listed[bisect_left(listed, low) : bisect_left(listed, high)]:
                        if n < position or (n > position and not probing[n]):
                            rare.add(n)
                    continue
                carry &= window
                for i, plane in enumerate(counters):
                    if not carry:
                        break
                    counters[i], carry = plane ^ carry, plane & carry
                if carry:
                    counters.append(carry)
            candidates = 0
            for length, sized in sizes:
                if sized & window:
                    candidates |= _at_least(counters, _need(len(node.words), length), window & sized)
            while candidates:
                bit = candidates & -candidates
                candidates ^= bit
                rare.add(bit.bit_length() - 1 + base)
            for n in rare:
                if titles_match(node, titled[n]):
                    yield node.id, titled[n].id


def links(nodes: Sequence[Node], probes: Collection[int] | None = None) -> Iterator[tuple[int, int]]:
    """Enough pairs of linked entries among the nodes to join what is linked: each node, in time
    order, against the nodes before it (the first of its link, those naming its CVE ids within
    CVE_DAYS, those with a near-identical title within TITLE_DAYS). probes: only the pairs with
    one of these ids (the others are neither looked for nor given)."""
    cve_span = CVE_DAYS * DAY
    ordered = sorted(nodes, key=lambda n: (n.ts, n.id))
    # per CVE id and per prefix word, the nodes met so far (positions in `ordered`) and their
    # times: all of them [0], the probes alone [1] (what a node that is not a probe looks at)
    cve_seen: dict[str, tuple[_Postings, _Postings]] = defaultdict(_two_postings)
    link_seen: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for position, node in enumerate(ordered):
        ts = node.ts
        probe = probes is None or node.id in probes
        side = 0 if probe else 1
        if node.link:
            earlier = link_seen[node.link]
            if earlier[side]:
                yield node.id, earlier[side][0]
            earlier[0].append(node.id)
            if probe:
                earlier[1].append(node.id)
        if node.cves:
            shared: dict[int, int] = defaultdict(int)
            for cve in node.cves:
                postings = cve_seen[cve]
                times, others = postings[side]
                for index in range(bisect_left(times, ts - cve_span), len(times)):
                    shared[others[index]] += 1
                _add(postings, ts, position, probe)
            for other, count in shared.items():
                if cves_match(node, ordered[other], count):
                    yield node.id, ordered[other].id
    yield from _title_pairs(ordered, probes)


_Postings = tuple[list[int], list[int]]  # times, positions


def _two_postings() -> tuple[_Postings, _Postings]:
    return ([], []), ([], [])


def _add(postings: tuple[_Postings, _Postings], ts: int, position: int, probe: bool) -> None:
    for times, positions in postings[: 2 if probe else 1]:
        times.append(ts)
        positions.append(position)


def _topic(words: frozenset[str]) -> frozenset[str]:
    """The words of a title that say what it is about (not the parts of a CVE id, not numbers)."""
    return frozenset(w for w in words if w != "cve" and not w.isdigit())


def stories(nodes: Mapping[int, Node], pairs: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Each node's story (its smallest entry id), links not chained: in time order, a node joins
    the story of an earlier node with its link, else the story it is linked to the first entry
    of or to more than half of (the one it has most links to, then the oldest), else it starts
    one. `pairs` holds every linked pair among the nodes (but those of one link: one earlier
    node of the same link is enough)."""
    partners: dict[int, list[int]] = defaultdict(list)  # lists (a pair may come twice): sets are 4x larger
    for a, b in pairs:
        partners[a].append(b)
        partners[b].append(a)
    story_of: dict[int, int] = {}  # node -> its story's first node
    members: dict[int, list[int]] = {}  # a story's first node -> its nodes
    linked = sorted((nodes[i] for i in partners), key=lambda n: (n.ts, n.id))  # the others are alone
    for node in linked:
        story = None
        mine = set(partners.pop(node.id))
        links_to: dict[int, int] = defaultdict(int)
        for other in mine:
            if other not in story_of:
                continue  # later: it looks back at this one
            if node.link and nodes[other].link == node.link:
                story = story_of[other]
                break
            links_to[story_of[other]] += 1
        if story is None:
            near = [
                (count, -nodes[first].ts, -first)
                for first, count in links_to.items()
                if first in mine or 2 * count > len(members[first])
            ]
            story = -max(near)[2] if near else node.id
        story_of[node.id] = story
        members.setdefault(story, []).append(node.id)
    smallest = {first: min(ids) for first, ids in members.items()}
    found = {node: node for node in nodes}
    found.update((node, smallest[first]) for node, first in story_of.items())
    return found


def linked_stories(
    ids: Sequence[int], times: Sequence[int], link_keys: Sequence[int], pairs: Iterable[tuple[int, int]]
) -> tuple[dict[int, int], dict[int, int]]:
    """`stories` and `components` over compact data (a fetch's pass links 45,000 entries): the
    entries' ids in order, their times and link keys (0: no link; equal keys, equal links) by
    position, the pairs. Returns the story and the component of each entry whose story or
    component is not itself (the others are alone)."""
    count = len(ids)
    ends = array("q")  # the pairs as positions
    for pair in pairs:
        for entry_id in pair:
            position = bisect_left(ids, entry_id)
            if position == count or ids[position] != entry_id:
                raise KeyError(entry_id)
            ends.append(position)
    offsets = array("q", bytes(8 * (count + 1)))
    for end in ends:
        offsets[end + 1] += 1
    for position in range(count):
        offsets[position + 1] += offsets[position]
    partners = array("q", bytes(8 * len(ends)))  # each position's partners: partners[offsets[p]:offsets[p + 1]]
    filled = array("q", offsets[:count])
    parent = array("q", range(count))  # union-find: the root of a component is its smallest id
    for a, b in zip(ends[::2], ends[1::2], strict=True):
        partners[filled[a]], partners[filled[b]] = b, a
        filled[a] += 1
        filled[b] += 1
        ra, rb = _root(parent, a), _root(parent, b)
        if ra < rb:
            parent[rb] = ra
        elif rb < ra:
            parent[ra] = rb
    del filled, ends
    story_of = array("q", [-1]) * count  # a position's story: the position of its first entry
    size = array("q", bytes(8 * count))  # a story's entries, by its first entry's position
    smallest = array("q", range(count))  # a story's smallest position (its id: the smallest id)
    for position in sorted((p for p in range(count) if offsets[p + 1] > offsets[p]), key=lambda p: (times[p], ids[p])):
        story = -1
        mine = set(partners[offsets[position] : offsets[position + 1]])
        links_to: dict[int, int] = defaultdict(int)
        link = link_keys[position]
        for other in mine:
            if story_of[other] < 0:
                continue  # later: it looks back at this one
            if link and link_keys[other] == link:
                story = story_of[other]
                break
            links_to[story_of[other]] += 1
        if story < 0:
            near = [
                (linked, -times[first], -ids[first], first)
                for first, linked in links_to.items()
                if first in mine or 2 * linked > size[first]
            ]
            story = max(near)[3] if near else position
        story_of[position] = story
        size[story] += 1
        smallest[story] = min(smallest[story], position)
    found_story: dict[int, int] = {}
    found_component: dict[int, int] = {}
    for position in range(count):
        if story_of[position] >= 0 and smallest[story_of[position]] != position:
            found_story[ids[position]] = ids[smallest[story_of[position]]]
        root = _root(parent, position)
        if root != position:
            found_component[ids[position]] = ids[root]
    return found_story, found_component


def _root(parent: array[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


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
