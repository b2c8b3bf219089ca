"""Issue 20, 6.11: at 16 colours (TERM=xterm) every shipped theme's text/background pairs reach
a contrast ratio of 4.5:1 with xterm's default palette. veille-dark's selected row was bright
white on cyan (2:1); jumphost-16 painted starred entries, links and footer keys yellow on the
terminal's own background, white on xterm's default (1.7:1)."""

from __future__ import annotations

import pytest

from veille_tui.tui.contrast import MINIMUM, XTERM_16, contrast_16, pair_contrast, ratio
from veille_tui.tui.themes import THEME_VARIABLE_DEFAULTS, discover_themes

SHIPPED = discover_themes(None)[0]


def test_the_ratio_is_wcag_s() -> None:
    assert ratio((255, 255, 255), (0, 0, 0)) == pytest.approx(21)
    assert ratio(XTERM_16[15], XTERM_16[6]) == pytest.approx(1.98, abs=0.01)  # bright white on cyan
    assert ratio(XTERM_16[3], XTERM_16[0]) > 12  # yellow on black reads


def test_the_pairs_that_were_reported_fail() -> None:
    """The measure can fail: veille-dark's old selection, jumphost-16's old yellow keys."""
    old_dark = {"background": "#14171C", "block-cursor-foreground": "auto 87%", "block-cursor-background": "#3D8FD1"}
    assert pair_contrast(old_dark, "block-cursor-foreground", "block-cursor-background", "surface") < 2
    old_jumphost = {"background": "ansi_default", "footer-key-foreground": "ansi_yellow"}
    assert pair_contrast(old_jumphost, "footer-key-foreground", "background", "background") < 2
    own = {"background": "ansi_default", "foreground": "ansi_default"}  # the terminal's own pair
    assert pair_contrast(own, "foreground", "background", "background") == 21


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_every_shipped_theme_reads_at_16_colours(name) -> None:
    pairs = contrast_16(SHIPPED[name].theme, dict(THEME_VARIABLE_DEFAULTS))
    low = [(p.text, p.background, round(p.ratio, 2)) for p in pairs if p.ratio < MINIMUM]
    assert not low, low
