"""The asset inventory: `[[assets]]` read and checked, a CSV inventory read, and the matcher that
says which assets a text names.

Text and names are folded alike (accents, case and punctuation: `FortiWeb's` and `fortiweb`, `BIG-IP`
and `big ip`); a name matches whole words, with a plural `s`/`es`. An asset is named by its
product, its aliases, the product part of its CPE, and its vendor when the vendor has no other
product listed (the vendor alone is not enough when it has several). One compiled regular
expression (a trie of every name) scans a text once, whatever the number of assets.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from veille_tui.core.errors import ConfigError
from veille_tui.core.models import Asset

__all__ = ["Matcher", "asset_key", "fold", "parse_assets", "read_csv"]

_NOT_WORD = re.compile(r"[\W_]+")
_COMBINING = re.compile(r"[\u0300-\u036f]")
MAX_TEXT = 400_000  # characters of one text scanned (a huge page: its head names what it is about)


def fold(text: str) -> str:
    """Lower case, no accents, words separated by one space (`FortiWeb's` -> `fortiweb s`)."""
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return _NOT_WORD.sub(" ", text.lower()).strip()


def asset_key(name: str) -> str:
    """How an asset is known in the database and in `asset:NAME`: its folded product name."""
    return fold(name)


def _cpe_product(cpe: str) -> str | None:
    """The product part of a CPE 2.3 (`cpe:2.3:a:fortinet:fortiweb:*...`) or 2.2 URI, as words."""
    parts = cpe.split(":")
    index = 4 if cpe.startswith("cpe:2.3:") else 3 if cpe.startswith("cpe:/") else -1
    if index < 0 or len(parts) <= index or parts[index] in ("", "*", "-"):
        return None
    return parts[index].replace("_", " ").replace("\\", "")


def names_of(asset: Asset, lone_vendor: bool) -> list[str]:
    """The folded names that say this asset: product, aliases, CPE product, and the vendor when
    it has no other product listed (lone_vendor)."""
    names = [asset.product, *asset.aliases]
    if asset.cpe and (cpe := _cpe_product(asset.cpe)):
        names.append(cpe)
    if lone_vendor:
        names.append(asset.vendor)
    return [n for n in dict.fromkeys(fold(n) for n in names) if len(n.replace(" ", "")) >= 2]


def _trie_pattern(words: Iterable[str]) -> str:
    """One regular expression matching any of the words: a trie, so that the scan tries each
    character once however many words there are."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = True

    def pattern(node: dict[str, Any]) -> str:
        ends = "" in node
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return "(?:" + body + ")?"
        return body

    return pattern(trie)


class Matcher:
    """Which assets a text names (by index in `assets`), and which a KEV record is about."""

    def __init__(self, assets: Sequence[Asset]) -> None:
        self.assets = tuple(assets)
        self.keys = [asset_key(a.product) for a in self.assets]
        products_of: dict[str, set[str]] = {}
        for asset in self.assets:
            products_of.setdefault(fold(asset.vendor), set()).add(fold(asset.product))
        self.by_name: dict[str, set[int]] = {}
        for index, asset in enumerate(self.assets):
            lone = len(products_of[fold(asset.vendor)]) == 1
            for name in names_of(asset, lone):
                self.by_name.setdefault(name, set()).add(index)
        # the text is lowered and its accents dropped, not folded further (a pass less over long
        # texts): the words of a name are separated by any run of non-word characters; a name is
        # whole words (`_` separates words, as in the full-text index); the lookahead on the
        # names' first letters makes the scan skip most word starts at once
        names = sorted(self.by_name)
        pattern = _trie_pattern(names).replace(r"\ ", r"[\W_]+")
        first = re.escape("".join(sorted({name[0] for name in names})))
        self.regex = (
            re.compile(r"(?<![^\W_])(?=[" + first + r"])(" + pattern + r")(?:e?s)?(?![^\W_])") if names else None
        )

    def find(self, *texts: str) -> set[int]:
        """The assets these texts name."""
        if self.regex is None:
            return set()
        said: set[str] = set()
        for text in texts:
            if not text:
                continue
            text = text[:MAX_TEXT].lower()
            if not text.isascii():
                text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
            said.update(self.regex.findall(text))
        found: set[int] = set()
        for name in said:
            found |= self.by_name.get(name if name in self.by_name else fold(name), set())
        return found

    def find_keys(self, *texts: str) -> set[str]:
        return {self.keys[i] for i in self.find(*texts)}

    def kev_keys(self, vendor: str, product: str) -> set[str]:
        """The assets a KEV record (vendorProject, product) is about: its product names the asset
        and its vendor is the asset's (one folded name inside the other)."""
        kev_vendor = fold(vendor)
        found = set()
        for index in self.find(product):
            asset_vendor = fold(self.assets[index].vendor)
            if asset_vendor and kev_vendor and (asset_vendor in kev_vendor or kev_vendor in asset_vendor):
                found.add(self.keys[index])
        return found


# --- the config and the CSV inventory ---------------------------------------------------------------

_KEYS = ("vendor", "product", "aliases", "cpe")


def parse_assets(raw: Any, path: Path) -> tuple[Asset, ...]:
    """The [[assets]] tables: vendor and product strings (a product named by at least two letters
    or digits), aliases a list of strings, cpe a `cpe:` string; a bad one named by its place."""
    if not isinstance(raw, list):
        raise ConfigError(f"{path}: [[assets]] must be an array of tables")
    assets = []
    for n, table in enumerate(raw, 1):
        where = f"{path}: [[assets]] #{n}"
        if not isinstance(table, dict):
            raise ConfigError(f"{where} must be a table")
        unknown = sorted(set(table) - set(_KEYS))
        if unknown:
            raise ConfigError(f"{where}: unknown setting(s): {', '.join(unknown)} (known: {', '.join(_KEYS)})")
        for key in ("vendor", "product"):
            if not isinstance(table.get(key), str) or not table[key].strip():
                raise ConfigError(f'{where} needs {key} = "..." (a non-empty string)')
        if len(fold(table["product"]).replace(" ", "")) < 2:
            raise ConfigError(f"{where}: product {table['product']!r} needs at least two letters or digits")
        aliases = table.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise ConfigError(f"{where}: aliases must be a list of strings")
        cpe = table.get("cpe")
        if cpe is not None and (not isinstance(cpe, str) or not cpe.strip().lower().startswith("cpe:")):
            raise ConfigError(f"{where}: cpe must be a CPE name (cpe:2.3:a:vendor:product:...)")
        assets.append(
            Asset(
                table["vendor"].strip(),
                table["product"].strip(),
                tuple(a.strip() for a in aliases if a.strip()),
                cpe.strip() if cpe else None,
            )
        )
    return tuple(assets)


def read_csv(path: Path) -> list[Asset]:
    """An inventory as CSV: vendor,product[,aliases] a line (aliases separated by `;` or `|`), a
    header line (vendor,product,...) skipped. A line without a vendor or product is an error."""
    import csv  # here: only an inventory in CSV needs it

    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    assets: list[Asset] = []
    for line, row in enumerate(csv.reader(io.StringIO(text), dialect), 1):
        cells = [c.strip() for c in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if line == 1 and [c.lower() for c in cells[:2]] == ["vendor", "product"]:
            continue
        if len(cells) < 2 or not cells[0] or not cells[1]:
            raise ConfigError(f"{path}:{line}: a line is vendor,product[,aliases]")
        if len(fold(cells[1]).replace(" ", "")) < 2:
            raise ConfigError(f"{path}:{line}: product {cells[1]!r} needs at least two letters or digits")
        aliases = [a.strip() for cell in cells[2:] for a in re.split(r"[;|]", cell) if a.strip()]
        assets.append(Asset(cells[0], cells[1], tuple(dict.fromkeys(aliases))))
    return assets
