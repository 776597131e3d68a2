"""The house style: one Plotly template (light and dark), the palette, and axis helpers.

Why a registered template and not `pio.templates.default`: `import streamlit` replaces plotly's
default template, so every figure names its template explicitly (see toolchain.md, pitfall 2).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

import plotly.graph_objects as go
import plotly.io as pio

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}
ACCENT = OKABE_ITO["vermillion"]  # the one thing the reader should look at
CONTEXT_GREY = "#8C8C8C"  # background series, readable on white and on near-black
# Series colours in order; black is left out so that the sequence works on a dark background too.
SERIES_COLOURS = [OKABE_ITO[k] for k in ("blue", "orange", "green", "sky_blue", "purple", "yellow")]

# Latin fonts first (Chromium takes the first family holding a glyph), then a CJK fallback so
# that Chinese titles are drawn with real glyphs instead of boxes.
FONT_FAMILY = (
    '"Source Sans 3", "Liberation Sans", Arial, "Noto Sans CJK SC", "Noto Sans SC", '
    '"Microsoft YaHei", "PingFang SC", sans-serif'
)
TEMPLATE_LIGHT = "compute_ceiling"
TEMPLATE_DARK = "compute_ceiling_dark"

PROJECTION_DASH = "dash"  # history solid, projections dashed
BAND_OPACITY = 0.18  # confidence bands: a light fill of the line's colour


def _template(*, paper: str, ink: str, grid: str, muted: str) -> go.layout.Template:
    axis = dict(
        showgrid=True,
        gridcolor=grid,
        zeroline=False,
        linecolor=muted,
        ticks="outside",
        tickcolor=muted,
        title=dict(font=dict(size=13, color=muted)),
        tickfont=dict(color=muted),
        automargin=True,
    )
    layout = go.Layout(
        font=dict(family=FONT_FAMILY, size=13, color=ink),
        paper_bgcolor=paper,
        plot_bgcolor=paper,
        colorway=SERIES_COLOURS,
        title=dict(
            x=0, xref="paper", xanchor="left", font=dict(size=19, color=ink), subtitle=dict(font=dict(size=13, color=muted))
        ),
        xaxis=axis,
        yaxis=axis,
        legend=dict(bgcolor="rgba(0,0,0,0)", font=dict(color=ink), orientation="h", y=-0.18, x=0),
        hoverlabel=dict(font=dict(family=FONT_FAMILY, size=12)),
        margin=dict(l=70, r=110, t=90, b=60),  # room on the right for direct labels
        hovermode="closest",
    )
    return go.layout.Template(layout=layout)


pio.templates[TEMPLATE_LIGHT] = _template(paper="#FFFFFF", ink="#1A1A1A", grid="#E6E6E6", muted="#555555")
pio.templates[TEMPLATE_DARK] = _template(paper="#0E1117", ink="#F0F0F0", grid="#2B2F36", muted="#B0B0B0")


def template_name(dark: bool = False) -> str:
    return TEMPLATE_DARK if dark else TEMPLATE_LIGHT


def new_figure(dark: bool = False) -> go.Figure:
    """An empty figure in the house template."""
    return go.Figure(layout=dict(template=template_name(dark)))


# Series colours are set on the traces, so the template cannot remap them: on the near-black paper the dark
# variant swaps the palette's dark colours for lighter ones, all at once (blue takes sky blue's place and sky
# blue moves paler, so two blues on one chart stay apart, the lighter one still the "low" one).
DARK_SWAPS = {
    OKABE_ITO["blue"]: OKABE_ITO["sky_blue"],  # 3.7:1 on #0E1117 -> 8.3:1
    OKABE_ITO["sky_blue"]: "#B3DDF5",
    OKABE_ITO["black"]: "#F0F0F0",
}
_RGB_SWAPS = {tuple(int(old[i : i + 2], 16) for i in (1, 3, 5)): new for old, new in DARK_SWAPS.items()}


def dark_colour(value: str) -> str:
    """`value` (#RRGGBB, rgb() or rgba()) as drawn on the dark paper; any other string unchanged."""
    if value.upper() in DARK_SWAPS:
        return DARK_SWAPS[value.upper()]
    match = re.fullmatch(r"(rgba?)\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*(,[^)]*)?\)", value)
    if match and (new := _RGB_SWAPS.get(tuple(int(match[k]) for k in (2, 3, 4)))):
        red, green, blue = (int(new[i : i + 2], 16) for i in (1, 3, 5))
        return f"{match[1]}({red},{green},{blue}{match[5] or ''})"
    return value


def _recolour(node):
    if isinstance(node, dict):
        return {key: _recolour(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_recolour(value) for value in node]
    return dark_colour(node) if isinstance(node, str) else node


def use_theme(fig: go.Figure, dark: bool) -> go.Figure:
    """A copy of `fig` in the light or dark variant; the dark one with the series colours lightened."""
    if not dark:
        return go.Figure(fig).update_layout(template=template_name(False))
    spec = fig.to_plotly_json()
    layout = _recolour({key: value for key, value in spec["layout"].items() if key != "template"})
    return go.Figure(data=[_recolour(trace) for trace in spec["data"]], layout=layout).update_layout(
        template=template_name(True))


def power_of_ten(exponent: int) -> str:
    """Tick text for 10^exponent: superscript on screen, the same in every language."""
    return f"10<sup>{exponent}</sup>"


def format_sci(value: float, digits: int = 2) -> str:
    """3.14e23 -> "3.1×10<sup>23</sup>": the one number notation used in hover text."""
    if value is None or not math.isfinite(value):
        return "–"
    if value == 0:
        return "0"
    exponent = math.floor(math.log10(abs(value)))
    if -3 <= exponent < 4:
        return f"{value:.{digits}g}"
    mantissa = value / 10**exponent
    return f"{mantissa:.{max(digits - 1, 0)}f}×{power_of_ten(exponent)}"


def decade_ticks(low: float, high: float, max_ticks: int = 9) -> tuple[list[float], list[str]]:
    """Tick values and labels at powers of ten spanning [low, high], thinned to at most `max_ticks`."""
    if not (low > 0 and high > 0):
        raise ValueError(f"log axis needs positive bounds, got {low!r}..{high!r}")
    first, last = math.floor(math.log10(min(low, high))), math.ceil(math.log10(max(low, high)))
    step = max(1, math.ceil((last - first + 1) / max_ticks))
    exponents = range(first - first % step, last + 1, step)
    return [float(f"1e{k}") for k in exponents], [power_of_ten(k) for k in exponents]  # exact decimals


def positive_values(values: Iterable[float]) -> list[float]:
    return [float(v) for v in values if v is not None and math.isfinite(float(v)) and float(v) > 0]


def log_axis(fig: go.Figure, title: str, values: Iterable[float], axis: str = "yaxis") -> go.Figure:
    """Make `axis` logarithmic, ticked at powers of ten over the range of `values`."""
    data = positive_values(values)
    low, high = (min(data), max(data)) if data else (1.0, 10.0)
    tickvals, ticktext = decade_ticks(low, high)
    fig.update_layout({axis: dict(type="log", title=dict(text=title), tickvals=tickvals, ticktext=ticktext)})
    return fig


def year_axis(fig: go.Figure, title: str, axis: str = "xaxis") -> go.Figure:
    """Decimal years shown as whole years (no thousands separator, no half years)."""
    fig.update_layout({axis: dict(title=dict(text=title), tickformat="d", hoverformat=".1f")})
    return fig


def colour_for(index: int) -> str:
    return SERIES_COLOURS[index % len(SERIES_COLOURS)]


def band_fill(colour: str, opacity: float = BAND_OPACITY) -> str:
    """`#RRGGBB` -> an rgba() fill for a confidence band in the same colour."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{opacity})"


def _memoise_plotly_key_paths() -> None:
    """Plotly parses every property path ("xaxis.title.font", "paper_bgcolor") afresh on each set, defining a
    helper class per call; the parse is a pure function of the string, so it is cached (a figure sets the same
    few hundred paths every time). Same results: the cached tuple is shared, the list of positions copied."""
    import functools

    import plotly.basedatatypes as base

    parse = base._str_to_dict_path_full
    if getattr(parse, "memoised", False):
        return
    cached = functools.lru_cache(maxsize=8192)(parse)

    def memoised(key_path_str):
        try:
            path, positions = cached(key_path_str)
        except TypeError:  # not hashable: parse it as plotly would
            return parse(key_path_str)
        return path, list(positions)

    memoised.memoised = True
    base._str_to_dict_path_full = memoised


_memoise_plotly_key_paths()


def _skip_plotly_validator_import() -> None:
    """Plotly looks a property's validator up through an import statement on every get and set (thousands per
    figure: a fifth of a figure's build); the lookup itself is cached by plotly, so it is called directly.
    Same validators, same figures."""
    import plotly.basedatatypes as base
    from plotly.validator_cache import ValidatorCache

    if getattr(base.BasePlotlyType._get_validator, "direct", False):
        return
    lookup = ValidatorCache.get_validator

    def _get_validator(self, prop):
        return lookup(self._path_str, prop)

    _get_validator.direct = True
    base.BasePlotlyType._get_validator = _get_validator


_skip_plotly_validator_import()


def _copy_registered_templates_as_validated() -> None:
    """A figure naming a registered template gets a deep copy of it, which plotly makes by validating the whole
    template again (~3 ms, the most of an empty figure). The registered template is already validated, so its
    plain copy is taken as is. Same template, same figures."""
    import plotly.io as pio
    from _plotly_utils.basevalidators import BaseTemplateValidator

    original = BaseTemplateValidator.validate_coerce
    if getattr(original, "copies_validated", False):
        return

    def validate_coerce(self, v, skip_invalid=False):
        if isinstance(v, str) and v in pio.templates:
            return self.data_class(pio.templates[v].to_plotly_json(), _validate=False)
        return original(self, v, skip_invalid)

    validate_coerce.copies_validated = True
    BaseTemplateValidator.validate_coerce = validate_coerce


_copy_registered_templates_as_validated()
