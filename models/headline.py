"""The one ceiling year the product quotes: the page's metric, the hero chart's title, the CLI's
`headline_year` and every export read it from here, so they cannot disagree by a year.

It is the calendar year of the Monte Carlo median crossing when there is a Monte Carlo result (the
median of the samples' first years in which demand exceeds what is available), else the year of the
central scenario's crossing; None when the crossing lies after the horizon.
"""

from __future__ import annotations

import math


def headline_year(fc, mc=None) -> int | None:
    """Calendar year of the ceiling: floor of the Monte Carlo median, else of the deterministic crossing."""
    value = getattr(mc, "p50", None) if mc is not None else getattr(fc, "ceiling_time", None)
    if value is None or not math.isfinite(value):
        return None
    return math.floor(value + 1e-9)
