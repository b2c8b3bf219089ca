"""An article page's main text as Markdown: trafilatura (Apache-2.0) finds it and keeps
headings, lists, links, tables and code, leaving menus, ads, share bars and comments out (chosen
by measurement: bench/extract_compare.py, README "Full text"). Before it reads the page, pull
quotes go (they repeat the article) and an article body split into sibling containers around them
is made one again (trafilatura would keep the first part only); after, a one-line `<pre>` is a
fenced block rather than inline code, a paragraph the page repeats is kept once, and lines of
spaces go. What comes out is untrusted text: escapes and control characters removed, links made
absolute and safe, the size capped."""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

from veille_tui.core.feeds.html import safe_links
from veille_tui.core.fulltext.engine import extractor
from veille_tui.core.models import FullText
from veille_tui.core.text import clean, clean_line

MAX_HTML = 3_000_000  # characters of a page handed to the extractor
MAX_MARKDOWN = 300_000  # characters of Markdown kept
MAX_TITLE = 300
MIN_WORDS = 10  # less is a menu or a stub, not an article's text

_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
_TRAILING_PIPE_SPACE = re.compile(r"\|[ \t]+$", re.M)
_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")
_BLANKISH = re.compile(r"^[^\S\n]+$", re.M)  # a line of spaces (tabs, no-break spaces)
_PULL_QUOTE = re.compile(r"pull-?_?quote", re.I)
_MIN_PARAGRAPHS = 3  # a container of the article's body holds at least this many paragraphs
_MIN_REPEAT = 80  # characters of a paragraph that, seen twice, is the page repeating itself
_MARKS = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)|```\w*|\*\*|__|`|^\|?\s*-{3,}.*$", re.M)


class NoText(Exception):
    """The page holds no main text that can be found."""


def extract(html: str, source: str) -> FullText:
    """The main text of a page (`source`: its URL, for links, or its file name). Raises NoText."""
    extract_main = extractor()  # trafilatura.extract, imported lean (engine.py)
    html = html[:MAX_HTML]
    if not html.strip():
        raise NoText("an empty page")
    tree = _parse(html)  # parsed once, as trafilatura parses it: the title is read from it too
    if tree is None:
        raise NoText("not HTML that can be read")
    title = _title(tree)
    _join_split_body(tree)
    one_line_code = _one_line_code(tree)
    base = source if source.startswith(("http://", "https://")) else ""
    markdown = extract_main(
        tree,
        url=None,  # links are made absolute by tidy(), as a browser does (courlan not imported)
        output_format="markdown",
        include_comments=False,
        include_tables=True,
        include_links=True,
        include_formatting=True,
        include_images=False,
        deduplicate=False,
        with_metadata=False,
    )
    markdown = tidy(_fence(markdown or "", one_line_code), title, base)
    text = markdown_text(markdown)
    words = len(text.split())
    if words < MIN_WORDS:
        found = f" ({words} word{'s' if words > 1 else ''})" if words else ""
        raise NoText(f"no main text found in the page{found}")
    return FullText(title=title, markdown=markdown, text=text, words=words, source=source)


def _title(tree: object) -> str:
    """og:title, else the first <h1> when <title> begins with it (no site name), else <title>."""
    xpath = tree.xpath  # type: ignore[attr-defined]
    for value in xpath("//meta[@property='og:title']/@content"):
        if clean_line(value):
            return clean_line(value)[:MAX_TITLE]
    page_title = clean_line(" ".join(xpath("//title//text()")))
    headings = xpath("//h1")
    first_h1 = clean_line(headings[0].text_content()) if headings else ""
    if first_h1 and (not page_title or page_title.startswith(first_h1)):
        return first_h1[:MAX_TITLE]
    return (page_title or first_h1)[:MAX_TITLE]


def _parse(html: str) -> Any:
    """The page's tree as trafilatura's load_html makes it from a string (the same repairs, the
    same parser options, the bytes tried when the text fails), None when it is not HTML; but its
    elements are given their class by lxml's C lookup (HtmlElement, HtmlComment...): lxml.html's
    own lookup is a Python method called for every element Python touches, ~10 % of the
    extraction's CPU, and it only adds form classes (FormElement, InputElement...) nobody uses."""
    from lxml.html import fromstring

    extractor()  # trafilatura imported lean before its utils are
    from trafilatura.utils import is_dubious_html, repair_faulty_html

    beginning = html[:50].lower()
    dubious = is_dubious_html(beginning)
    html = repair_faulty_html(html, beginning)
    tree = None
    tried_bytes = False
    try:
        tree = fromstring(html, parser=_parser())
    except ValueError:  # "Unicode strings with encoding declaration are not supported."
        tree, tried_bytes = _parse_bytes(html), True
    except Exception:  # noqa: BLE001  (trafilatura logs it and goes on with the bytes)
        tree = None
    if (tree is None or len(tree) < 1) and not tried_bytes:
        tree = _parse_bytes(html)
    if tree is not None and dubious and len(tree) < 2:
        return None
    return tree


def _parse_bytes(html: str) -> Any:
    from lxml.html import fromstring

    try:
        return fromstring(html.encode("utf8", "surrogatepass"), parser=_parser())
    except Exception:  # noqa: BLE001
        return None


_PARSER: list[Any] = []  # made on first use: lxml is imported with the extractor only


def _parser() -> Any:
    if not _PARSER:
        from lxml import etree
        from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HtmlProcessingInstruction

        # trafilatura's options (trafilatura.utils.HTML_PARSER)
        parser = etree.HTMLParser(
            collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True
        )
        lookup = etree.ElementDefaultClassLookup(
            element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
        )
        parser.set_element_class_lookup(lookup)
        _PARSER.append(parser)
    return _PARSER[0]


def _join_split_body(tree: Any) -> None:
    """Pull quotes removed, and the runs of sibling containers of one kind (tag and class) that
    each hold paragraphs of the body made one container, what stood between them kept in place.
    The elements are found by XPath (in C): the whole walk in Python runs only on a page that has
    such a run."""
    for value in tree.xpath("//@class"):
        if "pull" in value.lower() and _PULL_QUOTE.search(value):
            el = value.getparent()
            if el.getparent() is not None:
                el.drop_tree()
    containers: dict[Any, list[Any]] = {}  # parent -> its kids of >= _MIN_PARAGRAPHS <p>, in order
    for kid in tree.xpath(f"//p[{_MIN_PARAGRAPHS}]/.."):
        parent = kid.getparent()
        if parent is not None:
            containers.setdefault(parent, []).append(kid)
    if any(_has_run(kids) for kids in containers.values()):
        _join_runs(tree)


def _has_run(containers: list[Any]) -> bool:
    """Two containers of the body one after the other (among the containers) of one kind."""
    return any((a.tag, a.get("class")) == (b.tag, b.get("class")) for a, b in pairwise(containers))


def _join_runs(tree: Any) -> None:
    for parent in list(tree.iter()):
        kids = [k for k in parent if isinstance(k.tag, str)]
        head: Any = None  # the first container of the run
        n = 0
        while n < len(kids):
            kid = kids[n]
            if sum(1 for c in kid if c.tag == "p") >= _MIN_PARAGRAPHS:
                if head is not None and (head.tag, head.get("class")) == (kid.tag, kid.get("class")):
                    for moved in [*kids[kids.index(head) + 1 : n], *kid]:
                        head.append(moved)
                    parent.remove(kid)
                    kids = [k for k in parent if isinstance(k.tag, str)]
                    n = kids.index(head) + 1
                    continue
                head = kid
            n += 1


def _one_line_code(tree: object) -> set[str]:
    """The texts of the page's one-line <pre> blocks (trafilatura gives them as inline code)."""
    found = set()
    for pre in tree.iter("pre"):  # type: ignore[attr-defined]
        text = pre.text_content().strip()
        if text and "\n" not in text and "`" not in text:
            found.add(" ".join(text.split()))
    return found


def _fence(markdown: str, one_line_code: set[str]) -> str:
    """A line that is only the inline code of a one-line <pre> becomes a fenced block."""
    if not one_line_code:
        return markdown
    lines = []
    for line in markdown.split("\n"):
        inner = line.strip()
        if len(inner) > 2 and inner[0] == inner[-1] == "`" and " ".join(inner[1:-1].split()) in one_line_code:
            lines += ["", "```", inner[1:-1], "```", ""]
        else:
            lines.append(line)
    return "\n".join(lines)


def _once(markdown: str) -> str:
    """Each paragraph once: a page that repeats its article (a print copy, a second layout) gives
    it twice; code blocks and short lines (table rows, list items) are left as they are."""
    seen: set[str] = set()
    kept: list[str] = []
    fenced = False
    for block in re.split(r"\n{2,}", markdown):
        if block.count("```") % 2:
            fenced = not fenced
        key = " ".join(block.split()).casefold()
        if not fenced and "```" not in block and len(key) >= _MIN_REPEAT and not block.lstrip().startswith("|"):
            if key in seen:
                continue
            seen.add(key)
        kept.append(block)
    return "\n\n".join(kept)


def tidy(markdown: str, title: str, base_url: str) -> str:
    """Clean the extractor's Markdown: no escapes, no title repeated as its first heading,
    links made safe, table rows without trailing spaces, no line of spaces, each paragraph once,
    blank lines folded, the size capped."""
    markdown = _BLANKISH.sub("", clean(markdown)).strip()
    first, _, rest = markdown.partition("\n")
    heading = _HEADING.match(first)
    if heading and title and clean_line(heading.group(1)).casefold() == title.casefold():
        markdown = rest.strip()
    markdown = safe_links(markdown, base_url)
    markdown = _TRAILING_PIPE_SPACE.sub("|", markdown)
    markdown = _once(re.sub(r"\n{3,}", "\n\n", markdown))
    if len(markdown) > MAX_MARKDOWN:
        markdown = markdown[: MAX_MARKDOWN - 1].rstrip() + "…"
    return markdown


def markdown_text(markdown: str) -> str:
    """The plain text of our Markdown (what search indexes): link text kept, marks removed."""
    text = _LINK.sub(r"\1", markdown)
    text = _MARKS.sub("", text)
    text = _BLANKISH.sub("", text.replace("|", " "))
    return re.sub(r"[ \t]+", " ", re.sub(r"\n{3,}", "\n\n", text)).strip()
