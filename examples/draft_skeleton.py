#!/usr/bin/env python3
"""A draft command for veille-tui that works offline: the archive's usual skeleton from the article.

veille-tui runs `[draft] command` with the article as Markdown on stdin (the full text when one is
stored, else the feed's summary; its first line is `# Title`) and VEILLE_TITLE, VEILLE_LINK,
VEILLE_SOURCE in the environment. What this prints on stdout becomes the draft's body:

    ### Titre à écrire            (the French heading: the front matter has the title already)

    <the first paragraphs of the article>

    **Points clés :**
    *   <one bullet per following paragraph's first sentence>

    **Vulnérabilités et Recommandations :**
    *   **CVE-2026-1234** : à qualifier (gravité, exploitation, correctif).
    *   Appliquer les correctifs de l'éditeur ...

The analyst then writes the French summary over it (`e` in veille-tui). Standard library only.

    [draft]
    command = "python3 /path/to/examples/draft_skeleton.py"
"""

from __future__ import annotations

import re
import sys

CVE = re.compile(r"\bCVE-\d{4}-\d{4,7}\b", re.IGNORECASE)
SENTENCE = re.compile(r"(.+?[.!?])(?:\s|$)")
INTRO_PARAGRAPHS = 2
KEY_POINTS = 4


def paragraphs(markdown: str) -> list[str]:
    """The text paragraphs: headings, images, tables, code and link-only lines left out."""
    found: list[str] = []
    in_code = False
    for block in re.split(r"\n\s*\n", markdown):
        block = block.strip()
        if block.startswith("```"):
            in_code = not in_code or block.count("```") % 2 == 0
            continue
        if in_code or not block or block.startswith(("#", "|", "!", ">", "<")):
            continue
        text = " ".join(line.strip().lstrip("*-+ ").strip() for line in block.splitlines())
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links: their text
        if len(text) >= 30:
            found.append(text)
    return found


def first_sentence(text: str, limit: int = 220) -> str:
    m = SENTENCE.match(text)
    sentence = m.group(1) if m else text
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rsplit(" ", 1)[0] + "…"


def skeleton(article: str) -> str:
    lines = article.splitlines()
    if lines and lines[0].startswith("# "):  # veille-tui's title line (the front matter's title)
        article = "\n".join(lines[1:])
    found = paragraphs(article)
    keep = min(INTRO_PARAGRAPHS, max(1, len(found) - 1))  # a short article keeps one for the points
    intro, rest = found[:keep], found[keep:]
    points = [first_sentence(p) for p in (rest or found)[:KEY_POINTS]]
    cves = list(dict.fromkeys(m.upper() for m in CVE.findall(article)))
    out = ["### Titre à écrire", ""]  # the title is the front matter's: the heading is the French one
    out += [p + "\n" for p in intro] or ["Résumé à écrire.\n"]
    out += ["**Points clés :**"] + [f"*   {p}" for p in points or ["À compléter."]] + [""]
    out.append("**Vulnérabilités et Recommandations :**")
    out += [f"*   **{cve}** : à qualifier (gravité, exploitation, correctif)." for cve in cves]
    out.append("*   Appliquer les correctifs de l'éditeur et surveiller les indicateurs de compromission.")
    return "\n".join(out).strip() + "\n"


def main() -> int:
    article = sys.stdin.read()
    if not article.strip():
        print("draft_skeleton: nothing on stdin (veille-tui gives the article there)", file=sys.stderr)
        return 1
    sys.stdout.write(skeleton(article))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
