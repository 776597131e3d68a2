"""Text measures every figure module shares: the display width of a string and greedy line wrapping.

`charts.common` (titles, legends, direct labels) and `charts.export` (the footer) both wrap text; this
module holds the one implementation, so neither has to import the other for it.
"""

from __future__ import annotations

import itertools
import unicodedata


def display_width(text: str) -> int:
    """Width in Latin-character units: CJK glyphs are about twice as wide."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap_line(text: str, max_units: int) -> list[str]:
    """Greedy wrap on spaces (or anywhere, for CJK runs) to at most `max_units` per line."""
    lines, current = [], ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if display_width(candidate) <= max_units:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while display_width(current) > max_units:  # a long run without spaces (URL, CJK)
            widths = itertools.accumulate(display_width(ch) for ch in current)  # one pass, not one per cut
            cut = max(1, sum(1 for width in widths if width <= max_units))
            lines.append(current[:cut])
            current = current[cut:]
    if current:
        lines.append(current)
    return lines
