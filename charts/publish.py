"""Publishing a chart as a newsroom would: a description for screen readers (alt text) built from the
figure's own data, labelled SVG/HTML/PDF files, a citation, a data package and an embed snippet.

Everything here reads a finished figure (its traces, title, `layout.meta` units and source ids) and the
sources table, so it says what the figure draws, in the figure's language.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from charts import export
from i18n import t

MAX_SERIES = 6  # series named in the alt text; the rest are counted
MAX_BARS = 8  # bars named per bar series


# --- plain text of the figure ---------------------------------------------------------------------------

_TAG = re.compile(r"<[^>]+>")


def plain_text(value: object) -> str:
    """Figure text without its HTML: `<br>` becomes a space, `10<sup>24</sup>` becomes 10^24."""
    text = "" if value is None else str(value)
    text = re.sub(r"<br\s*/?>", " ", text, flags=re.IGNORECASE)
    text = re.sub(r"<sup>(.*?)</sup>", r"^\1", text, flags=re.IGNORECASE)
    return " ".join(html.unescape(_TAG.sub("", text)).split())


def figure_title(fig: go.Figure) -> str:
    return plain_text(fig.layout.title.text)


def _meta(fig: go.Figure) -> dict:
    meta = fig.layout.meta
    return dict(meta) if isinstance(meta, Mapping) else {}


def _number(value: object) -> str:
    """A value as a reader hears it: 3.1×10^25, 1,234, 0.42; dates as ISO dates."""
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return value.date().isoformat() if hasattr(value, "date") and callable(value.date) else value.isoformat()
    if isinstance(value, str):
        return plain_text(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(number):
        return "–"
    if number == 0:
        return "0"
    exponent = math.floor(math.log10(abs(number)))
    if exponent >= 6 or exponent < -3:
        return f"{number / 10**exponent:.1f}×10^{exponent}"
    if abs(number) >= 100:
        return f"{number:,.0f}"
    return f"{number:.3g}"


def _x_text(value: object, units: Mapping, lang: str) -> str:
    if units.get("x") == "year" and isinstance(value, (int, float)) and math.isfinite(value):
        year = str(math.floor(value + 1e-9))
        return f"{year}年" if lang == "zh" else year
    return _number(value)


def _with_unit(value: object, unit: str) -> str:
    text = _number(value)
    return f"{text} {unit}".strip() if unit and unit not in ("year",) else text


def _described_traces(fig: go.Figure) -> list:
    """The traces a reader is told about: visible, named, not band edges (their hover is skipped)."""
    traces = []
    for trace in fig.data:
        if trace.visible is False or trace.visible == "legendonly" or not trace.name:
            continue
        if getattr(trace, "hoverinfo", None) == "skip":
            continue
        traces.append(trace)
    return traces


def _series_text(trace, units: Mapping, lang: str) -> str | None:
    points = [(x, y) for x, y in export.trace_points(trace) if y is not None and not _is_nan(y)]
    if not points:
        return None
    name = plain_text(trace.name)
    unit = export._trace_unit(trace, units)
    if trace.type == "bar":
        horizontal = getattr(trace, "orientation", None) == "h"
        pairs = [(y, x) if horizontal else (x, y) for x, y in points][:MAX_BARS]
        comma = "、" if lang == "zh" else ", "
        text = comma.join(f"{plain_text(label)} {_with_unit(value, unit)}" for label, value in pairs)
        return t("publish.alt_bars", lang, name=name, pairs=text)
    (x0, y0), (x1, y1) = points[0], points[-1]
    if "lines" in (trace.mode or "lines") and len(points) > 1:
        return t("publish.alt_line", lang, name=name, start=_with_unit(y0, unit), x0=_x_text(x0, units, lang),
                 end=_with_unit(y1, unit), x1=_x_text(x1, units, lang))
    return t("publish.alt_points", lang, name=name, n=len(points), end=_with_unit(y1, unit),
             x1=_x_text(x1, units, lang))


def _is_nan(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)


def _marks(fig: go.Figure) -> list[str]:
    """Named annotations the figure marks on its plot (the ceiling year, events), not the export footer
    nor the direct labels of the series (the series are described already)."""
    marks = []
    for note in fig.layout.annotations:
        if note.name and note.name not in ("export-footer", "direct-label") and note.text:
            marks.append(plain_text(note.text))
    return list(dict.fromkeys(marks))


def source_names(fig: go.Figure, sources: pd.DataFrame | None) -> list[str]:
    """Each source of the figure as "Organisation, Title (licence)", the figure's own sources first."""
    return [export.source_credit(sid, sources) for sid in export.figure_sources(fig)]


def source_organisations(fig: go.Figure, sources: pd.DataFrame | None) -> list[str]:
    """The organisations behind the figure's sources, once each (the ids when the table lacks them)."""
    names = []
    for sid in export.figure_sources(fig):
        row = sources.loc[sources["source_id"] == sid] if sources is not None and "source_id" in sources else None
        organisation = export._text(row.iloc[0].get("organisation")) if row is not None and len(row) else ""
        names.append(organisation or sid)
    return list(dict.fromkeys(names))


def alt_text(fig: go.Figure, lang: str = "en", sources: pd.DataFrame | None = None) -> str:
    """A description of `fig` from its own data, in `lang`: the finding (title), what is measured
    (subtitle), each series with its first and last values, what is marked (the ceiling year) and who
    the data comes from (organisations, from `sources`, the sources table; else the source ids)."""
    units = _meta(fig).get("units") or {}
    parts = [t("publish.alt_intro", lang, title=figure_title(fig))]
    subtitle = plain_text(fig.layout.title.subtitle.text)
    if subtitle:
        parts.append(t("publish.alt_measure", lang, subtitle=subtitle.rstrip(".。")))
    marks = _marks(fig)
    traces = [trace for trace in _described_traces(fig) if plain_text(trace.name) not in marks]
    series = [text for trace in traces if (text := _series_text(trace, units, lang))]
    if series:
        shown = series[:MAX_SERIES]
        if len(series) > MAX_SERIES:
            shown.append(t("publish.alt_more_series", lang, n=len(series) - MAX_SERIES))
        parts.append(t("publish.alt_series", lang, series=t("publish.separator", lang).join(shown)))
    if marks:
        parts.append(t("publish.alt_marked", lang, marks=t("publish.separator", lang).join(marks)))
    credits = source_organisations(fig, sources)
    if credits:
        parts.append(t("publish.alt_sources", lang, sources=t("publish.separator", lang).join(credits)))
    return ("" if lang == "zh" else " ").join(parts)


# --- labelled files -------------------------------------------------------------------------------------


def label_svg(svg: bytes, title: str, description: str) -> bytes:
    """The SVG with `<title>` and `<desc>` as its first children and role="img" naming them."""
    text = svg.decode("utf-8")
    match = re.search(r"<svg\b[^>]*>", text)
    if match is None:
        raise ValueError("not an SVG document: no <svg> element")
    opening = match.group(0)
    attributes = ' role="img" aria-labelledby="cc-title cc-desc"'
    labelled = opening[:-1].rstrip("/") + attributes + ">"
    head = (f'<title id="cc-title">{html.escape(title, quote=False)}</title>'
            f'<desc id="cc-desc">{html.escape(description, quote=False)}</desc>')
    return (text[: match.start()] + labelled + head + text[match.end():]).encode("utf-8")


def _pdf_text_string(value: str) -> bytes:
    """A PDF text string in UTF-16BE hex with its byte-order mark (any language, no escaping)."""
    return b"<FEFF" + value.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def label_pdf(pdf: bytes, title: str, subject: str = "") -> bytes:
    """The PDF with its document title set (Chromium writes "Kaleido-fier"), by an incremental update:
    the information dictionary is written again at the end with a new cross-reference section, so
    nothing before it moves. A PDF whose trailer cannot be read is returned unchanged."""
    start = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", pdf)
    trailers = list(re.finditer(rb"trailer\s*<<(.*?)>>", pdf, flags=re.DOTALL))
    if start is None or not trailers:
        return pdf
    trailer = trailers[-1].group(1)
    info = re.search(rb"/Info\s+(\d+)\s+(\d+)\s+R", trailer)
    root = re.search(rb"/Root\s+(\d+)\s+(\d+)\s+R", trailer)
    size = re.search(rb"/Size\s+(\d+)", trailer)
    if not (info and root and size):
        return pdf
    number, generation = int(info.group(1)), int(info.group(2))
    body = pdf if pdf.endswith(b"\n") else pdf + b"\n"
    offset = len(body)
    entries = b"/Title " + _pdf_text_string(title) + b"\n/Creator " + _pdf_text_string("Compute Ceiling")
    if subject:
        entries += b"\n/Subject " + _pdf_text_string(subject)
    obj = b"%d %d obj\n<<%s>>\nendobj\n" % (number, generation, entries)
    xref_at = offset + len(obj)
    xref = b"xref\n%d 1\n%010d %05d n \n" % (number, offset, generation)
    new_trailer = (b"trailer\n<</Size %s /Root %s %s R /Info %d %d R /Prev %s>>\nstartxref\n%d\n%%%%EOF\n"
                   % (size.group(1), root.group(1), root.group(2), number, generation, start.group(1), xref_at))
    return body + obj + xref + new_trailer


def accessible_html(fig: go.Figure, title: str, description: str, lang: str = "en") -> str:
    """A standalone page (plotly.js inlined once, no network) with a `<title>`, the language, and the
    chart in a `role="img"` element whose aria-label is the description."""
    from plotly import io as pio

    figure = export._plain(export.for_export(fig).to_plotly_json())
    chart = pio.to_html(figure, validate=False, full_html=False, include_plotlyjs=True, include_mathjax=False,
                        config={"displaylogo": False, "responsive": True})
    return (
        f'<!DOCTYPE html>\n<html lang="{html.escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n"
        f'<meta name="description" content="{html.escape(description)}">\n</head>\n<body style="margin:0">\n'
        f'<figure role="img" aria-label="{html.escape(description)}" style="margin:0">\n{chart}\n</figure>\n'
        "</body>\n</html>\n"
    )


def render(fig: go.Figure, fmt: str, *, width: int, height: int, scale: float = 1, lang: str = "en",
           description: str | None = None, sources: pd.DataFrame | None = None) -> bytes:
    """The bytes of an export of a prepared figure: PNG as drawn; SVG, HTML and PDF labelled with the
    chart title and the description (`alt_text` of the figure unless one is given)."""
    title = figure_title(fig)
    if fmt == "csv":
        return export.to_csv(fig).encode("utf-8")
    if fmt == "json":
        return export.to_json(fig).encode("utf-8")
    described = description if description is not None else alt_text(fig, lang, sources)
    if fmt == "html":
        return accessible_html(fig, title, described, lang).encode("utf-8")
    image = export.to_image(fig, fmt, width=width, height=height, scale=scale)
    if fmt == "svg":
        return label_svg(image, title, described)
    if fmt == "pdf":
        return label_pdf(image, title, described)
    return image
