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


def _page(title: str, description: str, lang: str, body: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{html.escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n"
        f'<meta name="description" content="{html.escape(description)}">\n</head>\n<body style="margin:0">\n'
        f'<figure role="img" aria-label="{html.escape(description)}" style="margin:0">\n{body}\n</figure>\n'
        "</body>\n</html>\n"
    )


def _plotly_js_gzip_base64(figure: dict) -> str:
    """The plotly.js that draws `figure`, gzipped and base64-encoded, computed once per bundle: the basic
    bundle when installed and enough (`charts.plotlyjs`: 1.2 MB -> about 0.5 MB), else plotly.py's full one
    (4.8 MB -> about 2 MB)."""
    import base64
    import gzip

    from charts import plotlyjs

    bundle = plotlyjs.page_bundle() if plotlyjs.basic_draws(figure) else None
    if bundle not in _PLOTLY_PACKED:
        if bundle is None:
            from plotly.offline.offline import get_plotlyjs

            code = get_plotlyjs()
        else:
            code = bundle.read_text(encoding="utf-8")
        packed = gzip.compress(code.encode("utf-8"), compresslevel=9, mtime=0)
        _PLOTLY_PACKED[bundle] = base64.b64encode(packed).decode("ascii")
    return _PLOTLY_PACKED[bundle]


_PLOTLY_PACKED: dict = {}  # bundle path (None: the full one) -> packed text
_COMPACT_LOADER = """<div id="cc-chart" style="width:100%;min-height:{height}px"></div>
<script id="cc-plotly" type="application/octet-stream">{packed}</script>
<script id="cc-figure" type="application/json">{figure}</script>
<script>
(async function () {{
  var bytes = Uint8Array.from(atob(document.getElementById("cc-plotly").textContent), function (c) {{ return c.charCodeAt(0); }});
  var code = await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).text();
  var library = document.createElement("script");
  library.textContent = code;
  document.head.appendChild(library);
  var figure = JSON.parse(document.getElementById("cc-figure").textContent);
  Plotly.newPlot("cc-chart", figure.data, figure.layout, {{displaylogo: false, responsive: true}});
}})();
</script>"""


def accessible_html(fig: go.Figure, title: str, description: str, lang: str = "en", *, compact: bool = True) -> str:
    """A standalone page that needs no server and no network, with a `<title>`, the language, and the chart
    in a `role="img"` element whose aria-label is the description.

    `compact` (the default) carries plotly.js gzipped in the page (about 0.5 MB in all with the basic bundle,
    2 MB with the full one, instead of 4.9 MB) and unpacks it with the browser's DecompressionStream (every
    current browser); `compact=False` inlines plotly.py's full plotly.js as it is, for very old browsers."""
    from plotly import io as pio

    figure = export._plain(export.for_export(fig).to_plotly_json())
    if not compact:
        chart = pio.to_html(figure, validate=False, full_html=False, include_plotlyjs=True, include_mathjax=False,
                            config={"displaylogo": False, "responsive": True})
        return _page(title, description, lang, chart)
    layout = dict(figure.get("layout") or {})
    height = int(layout.get("height") or export.SIZES["article"][1])
    layout.pop("width", None)  # responsive: the page's width; the height stays the exported one
    data = pio.to_json({"data": figure.get("data") or [], "layout": layout}, validate=False).replace("</", "<\\/")
    chart = _COMPACT_LOADER.format(packed=_plotly_js_gzip_base64(figure), figure=data, height=height)
    return _page(title, description, lang, chart)


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
    image = export.to_image(export.for_static_image(fig, lang), fmt, width=width, height=height, scale=scale)
    if fmt == "svg":
        return label_svg(image, title, described)
    if fmt == "pdf":
        return label_pdf(image, title, described)
    return image


# --- citation -------------------------------------------------------------------------------------------

PUBLIC_URL_ENV = "COMPUTE_CEILING_PUBLIC_URL"  # the same variable the app reads for its share links
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8501/"
EMBED_PATH = "embed"


def public_base_url() -> str:
    """Where readers open the app: COMPUTE_CEILING_PUBLIC_URL, else the local server (ends with /)."""
    import os

    base = os.environ.get(PUBLIC_URL_ENV, "").strip() or DEFAULT_PUBLIC_URL
    return base if base.endswith("/") else base + "/"


def data_version(build_info: pd.DataFrame | None) -> tuple[str, str]:
    """(data version, data as of) from `Store.build_info()`; empty strings when the build lacks them."""
    if not isinstance(build_info, pd.DataFrame) or build_info.empty:
        return "", ""
    version = build_info["data_version"].dropna() if "data_version" in build_info else pd.Series(dtype=str)
    as_of = pd.to_datetime(build_info["data_as_of"].dropna()) if "data_as_of" in build_info else pd.Series()
    version_text = str(version.iloc[0]) if len(version) and str(version.iloc[0]).strip() else ""
    return version_text, (as_of.max().date().isoformat() if len(as_of) else "")


def chart_url(chart_id: str, scenario, lang: str, base_url: str | None = None, theme: str | None = None) -> str:
    """The chart-only view of the live app: `<base>embed?chart=ID&<scenario params>&lang=..[&theme=..]`."""
    from urllib.parse import urlencode

    base = base_url or public_base_url()
    base = base if base.endswith("/") else base + "/"
    params = {"chart": chart_id, **(scenario.to_params() if scenario is not None else {}), "lang": lang}
    if theme:
        params["theme"] = theme
    return f"{base}{EMBED_PATH}?{urlencode(params)}"


def pinned_scenario(fig: go.Figure):
    """The pinned scenario A a comparison figure draws beside its own scenario (B), read back from the
    parameters its meta records (`charts.forecast._compare_meta`); None for a figure without one."""
    params = (_meta(fig).get("compare") or {}).get("params")
    if not params:
        return None
    from models.scenario import Scenario

    scenario, _warnings = Scenario.from_params({key: str(value) for key, value in params.items()})
    return scenario


PAIR_PAGE = "forecast"  # the page that shows a pinned pair side by side (hero, inputs that differ, years)


def citation_url(fig: go.Figure, chart_id: str, scenario, lang: str, base_url: str | None = None) -> str:
    """The address a citation gives: the chart-only view of the chart, or, for a figure comparing a pinned
    scenario A with B, the pair's share link (the Forecast page with `compare=`), which shows both."""
    pinned = pinned_scenario(fig)
    if pinned is None or scenario is None:
        return chart_url(chart_id, scenario, lang, base_url)
    from models.scenario import share_link

    return share_link(scenario, lang, base_url or public_base_url(), page=PAIR_PAGE, compare=pinned)


def _citation_parts(fig: go.Figure, lang: str, build_info, sources, accessed: dt.date) -> dict:
    version, as_of = data_version(build_info)
    unknown = t("publish.version_unknown", lang)
    return dict(title=figure_title(fig), version=version or unknown, as_of=as_of or unknown,
                accessed=accessed.isoformat(), credits=t("publish.separator", lang).join(source_names(fig, sources)))


def citation_apa(fig: go.Figure, *, chart_id: str, url: str, lang: str = "en", build_info=None, sources=None,
                 accessed: dt.date | None = None) -> str:
    """APA-like text: author, year, the chart's title, data version and date, access date, URL, and the
    credits every upstream source needs (Epoch AI's CC BY first among them when the chart uses it)."""
    accessed = accessed or dt.date.today()
    parts = _citation_parts(fig, lang, build_info, sources, accessed)
    return t("publish.cite_apa", lang, year=accessed.year, url=url, **parts)


def _bibtex_escape(text: str) -> str:
    for char in "\\{}":
        text = text.replace(char, "")
    for char in "&%$#_":
        text = text.replace(char, "\\" + char)
    return text


def citation_bibtex(fig: go.Figure, *, chart_id: str, url: str, lang: str = "en", build_info=None, sources=None,
                    accessed: dt.date | None = None) -> str:
    """A BibTeX @misc entry with the same facts as `citation_apa` (the note carries version and credits)."""
    accessed = accessed or dt.date.today()
    parts = _citation_parts(fig, lang, build_info, sources, accessed)
    note = t("publish.cite_note", lang, chart=chart_id, version=parts["version"], as_of=parts["as_of"],
             accessed=parts["accessed"], credits=parts["credits"])
    key = re.sub(r"[^a-z0-9]+", "-", f"compute-ceiling-{chart_id}-{accessed.isoformat()}".lower())
    fields = [("author", "{Compute Ceiling}"), ("title", _bibtex_escape(parts["title"])),
              ("year", str(accessed.year)), ("howpublished", f"\\url{{{url}}}"), ("url", url),
              ("urldate", parts["accessed"]), ("note", _bibtex_escape(note))]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}"


def citation(fig: go.Figure, style: str = "apa", **kwargs) -> str:
    if style not in ("apa", "bibtex"):
        raise ValueError(f"unknown citation style {style!r}; expected apa or bibtex")
    return citation_apa(fig, **kwargs) if style == "apa" else citation_bibtex(fig, **kwargs)


# --- embed ----------------------------------------------------------------------------------------------

EMBED_MESSAGE = "compute-ceiling:height"  # the postMessage type the chart-only view sends with its height
EMBED_DEFAULT_HEIGHT = 520


def embed_snippet(url: str, *, title: str, description: str, lang: str = "en",
                  height: int = EMBED_DEFAULT_HEIGHT) -> str:
    """An `<iframe>` of the chart-only view, full width, with `title` and `aria-label`, followed by the
    script that sets its height when the view posts `{type: "compute-ceiling:height", height: px}`;
    the script accepts messages only from the iframe's own window and origin."""
    frame_id = "compute-ceiling-" + re.sub(r"[^a-z0-9]+", "-", url.rsplit("chart=", 1)[-1].split("&")[0].lower())
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    iframe = (f'<iframe id="{html.escape(frame_id)}" src="{html.escape(url)}" title="{html.escape(title)}" '
              f'aria-label="{html.escape(description)}" lang="{html.escape(lang)}" loading="lazy" '
              f'style="width:100%;height:{int(height)}px;border:0" scrolling="no"></iframe>')
    script = (
        "<script>\n"
        "window.addEventListener(\"message\", function (event) {\n"
        f"  var frame = document.getElementById({_js_string(frame_id)});\n"
        f"  if (!frame || event.source !== frame.contentWindow || event.origin !== {_js_string(origin)}) return;\n"
        f"  if (event.data && event.data.type === {_js_string(EMBED_MESSAGE)} && event.data.height > 0) {{\n"
        "    frame.style.height = Math.ceil(event.data.height) + \"px\";\n"
        "  }\n"
        "});\n"
        "</script>"
    )
    return f"{iframe}\n{script}"


def _js_string(value: str) -> str:
    import json

    return json.dumps(value).replace("</", "<\\/")


# --- data package ---------------------------------------------------------------------------------------

CSV_BOM = "\ufeff"


def data_package(fig: go.Figure, *, chart_id: str, scenario, lang: str = "en", build_info=None, sources=None,
                 description: str | None = None, accessed: dt.date | None = None, url: str | None = None) -> bytes:
    """A ZIP for a newsroom: data.csv (the plotted points, UTF-8 with BOM so Excel reads Chinese),
    metadata.json (units, definitions, sources with licences, data version, scenario, description,
    citation), scenario.json (reproduces the chart) and README.md."""
    import io
    import json
    import zipfile

    accessed = accessed or dt.date.today()
    url = url or citation_url(fig, chart_id, scenario, lang)
    pinned = pinned_scenario(fig)
    described = description if description is not None else alt_text(fig, lang, sources)
    version, as_of = data_version(build_info)
    cite_args = dict(chart_id=chart_id, url=url, lang=lang, build_info=build_info, sources=sources, accessed=accessed)
    metadata = {
        "chart": chart_id,
        "title": figure_title(fig),
        "subtitle": plain_text(fig.layout.title.subtitle.text),
        "description": described,
        "language": lang,
        "units": dict(_meta(fig).get("units") or {}),
        "definitions": _definitions(fig),
        "columns": {"trace": "series name as in the chart", "x": "x value", "y": "y value",
                    "unit": "unit of the plotted value", "source": "source ids (see sources)"},
        "sources": _source_records(fig, sources),
        "licence": t("publish.licence_note", lang),
        "data_version": version,
        "data_as_of": as_of,
        "accessed": accessed.isoformat(),
        "url": url,
        "scenario": json.loads(scenario.to_json()) if scenario is not None else None,
        "citation": {"apa": citation_apa(fig, **cite_args), "bibtex": citation_bibtex(fig, **cite_args)},
    }
    if _meta(fig).get("compare"):  # a pinned scenario A drawn beside it: its series are named "A: …"
        metadata["compare"] = _meta(fig)["compare"]
    if pinned is not None:
        metadata["scenario_a"] = json.loads(pinned.to_json())
        metadata["files"] = {PAIR_FILES[0]: "scenario A (pinned, grey)", PAIR_FILES[1]: "scenario B (current, colour)"}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.csv", (CSV_BOM + export.to_csv(fig)).encode("utf-8"))
        archive.writestr("metadata.json", json.dumps(metadata, ensure_ascii=False, indent=2, default=str) + "\n")
        if pinned is not None and scenario is not None:
            archive.writestr(PAIR_FILES[0], pinned.to_json() + "\n")
            archive.writestr(PAIR_FILES[1], scenario.to_json() + "\n")
        else:
            archive.writestr("scenario.json", (scenario.to_json() if scenario is not None else "{}") + "\n")
        archive.writestr("README.md", _readme(metadata, lang, pair=pinned is not None and scenario is not None))
    return buffer.getvalue()


PAIR_FILES = ("scenario-a.json", "scenario-b.json")  # a comparison's package: the pinned A, then the current B


def _definitions(fig: go.Figure) -> dict:
    """What each axis measures, as the figure titles them."""
    out = {}
    for name in ("xaxis", "yaxis"):
        axis = fig.layout[name]
        text = plain_text(axis.title.text) if axis is not None and axis.title is not None else ""
        if text:
            out[name[0]] = text
    return out


def _source_records(fig: go.Figure, sources: pd.DataFrame | None) -> list[dict]:
    records = []
    for sid in export.figure_sources(fig):
        record = {"source_id": sid, "credit": export.source_credit(sid, sources)}
        if sources is not None and "source_id" in sources:
            row = sources.loc[sources["source_id"] == sid]
            if len(row):
                for column in ("organisation", "title", "year", "url", "licence", "accessed"):
                    if column in row:
                        record[column] = export._text(row.iloc[0][column])
        records.append(record)
    return records


def _pair_query(url: str) -> str:
    """The query string of a pair's share link (what `python -m charts export --link` takes)."""
    from urllib.parse import urlsplit

    return "?" + urlsplit(url).query


def _readme(metadata: dict, lang: str, pair: bool = False) -> str:
    credits = "\n".join(f"- {record['credit']}" + (f" <{record['url']}>" if record.get("url") else "")
                        for record in metadata["sources"])
    chart = metadata["chart"]
    return (
        f"# {t('publish.readme_title', lang, title=metadata['title'])}\n\n"
        f"{t('publish.readme_body', lang)}\n\n"
        f"{t('pair_package.readme_files' if pair else 'publish.readme_files', lang, chart=chart)}\n\n"
        f"## {t('publish.readme_description', lang)}\n\n{metadata['description']}\n\n"
        f"## {t('publish.readme_cite', lang)}\n\n{metadata['citation']['apa']}\n\n"
        f"```bibtex\n{metadata['citation']['bibtex']}\n```\n\n"
        f"## {t('publish.readme_credits', lang)}\n\n{credits}\n\n"
        f"## {t('publish.readme_reproduce', lang)}\n\n"
        + (f"{t('pair_package.readme_reproduce', lang)}\n\n```\npython -m charts export {chart} --link "
           f"'{_pair_query(metadata['url'])}' --lang {lang} --format png --out {chart}.png\n```\n\n" if pair else
           f"```\npython -m charts export {chart} --scenario scenario.json --lang {lang} --format png --out {chart}.png\n```\n\n")
        + f"{metadata['url']}\n"
    )
