"""Epoch AI model exports: today's layout and the 2022–23 "Parameter, Compute and Data Trends" sheet.

Today's notable / large-scale / all-models exports name the model `Model`, use ISO dates and
`Training compute (FLOP)`; the PCD sheet says `System`, `Organization(s)`, `Training compute
(FLOPs)`, writes DD/MM/YYYY dates and "N/A", and has blank-name sub-rows that continue the row
above (rejected with that reason). Organisation and domain cells are comma-joined lists.
"""

from __future__ import annotations

from functools import partial

from etl.importers.base import MODEL_COLUMNS, Column, Format, Parsed, Table
from etl.importers.parse import (
    RowProblem,
    is_missing,
    parse_date,
    parse_flag,
    parse_nonnegative,
    split_list,
)
from etl.importers.rows import check_flop, collect, contract_confidence, contract_domains, model_row

SOURCE_IDS = {  # which Epoch export a file is, from its name; default: the notable-models export
    "large": "epoch-large-scale-models",
    "all": "epoch-all-models",
    "frontier": "epoch-frontier-models",
}


def _shared_columns(name_alias: str, compute_aliases: tuple[str, ...]) -> tuple[Column, ...]:
    return (
        Column("name", (name_alias,)),
        Column("publication_date", ("Publication date", "Publication Date", "Date")),
        Column("training_compute", compute_aliases, contains=("training compute", "flop")),
        Column("organisation", ("Organization", "Organization(s)", "Organisation", "Organizations"), required=False),
        Column("domain", ("Domain", "Domains"), required=False),
        Column("parameters", ("Parameters",), required=False),
        Column(
            "training_tokens",
            ("Training dataset size (datapoints)", "(DEPRECATED) Training dataset size (datapoints)",
             "Training dataset size (total)", "Training dataset size"),
            required=False,
        ),
        Column("confidence", ("Confidence",), required=False),
        Column("notability", ("Notability criteria", "Inclusion criteria"), required=False),
        Column("frontier", ("Frontier model",), required=False),
    )


def source_id_for(file_name: str) -> str:
    lowered = file_name.lower()
    for fragment, source_id in SOURCE_IDS.items():
        if fragment in lowered:
            return source_id
    return "epoch-notable-models"


def _notable(table: Table, record: dict) -> bool | None:
    """Every row of the notable export is notable; elsewhere Epoch's criteria column decides."""
    if "notable" in table.file_name.lower():
        return True
    if "notability" not in table.headers:
        return None
    return not is_missing(table.cell(record, "notability"))


def _model(table: Table, day_first: bool, source_id: str, record: dict) -> dict:
    name = (table.cell(record, "name") or "").strip()
    if not name or is_missing(name):
        raise RowProblem("blank_name", field=table.header("name"))
    published = parse_date(table.cell(record, "publication_date"), table.header("publication_date"), day_first=day_first)
    if published is None:
        raise RowProblem("no_date", field=table.header("publication_date"))
    frontier = parse_flag(table.cell(record, "frontier")) if "frontier" in table.headers else None
    notability = table.cell(record, "notability")
    return model_row(
        name=name,
        organisation=split_list(table.cell(record, "organisation")),
        publication_date=published,
        domain=contract_domains(split_list(table.cell(record, "domain"))),
        parameters=parse_nonnegative(table.cell(record, "parameters"), table.header("parameters")),
        training_compute_flop=check_flop(
            parse_nonnegative(table.cell(record, "training_compute"), table.header("training_compute")),
            table.header("training_compute"),
        ),
        training_tokens=parse_nonnegative(table.cell(record, "training_tokens"), table.header("training_tokens")),
        notable=_notable(table, record),
        frontier=frontier,
        confidence=contract_confidence(table.cell(record, "confidence")),
        source_id=source_id,
        notes=None if is_missing(notability) else f"Epoch notability: {notability.strip()}",
    )


def parse_today(table: Table) -> Parsed:
    build = partial(_model, table, False, source_id_for(table.file_name))
    return collect(table, build, MODEL_COLUMNS)


def parse_pcd(table: Table) -> Parsed:
    build = partial(_model, table, True, "epoch-pcd-2022")
    return collect(table, build, MODEL_COLUMNS)


EPOCH_MODELS = Format(
    id="epoch_models",
    table="models",
    columns=_shared_columns("Model", ("Training compute (FLOP)", "Training compute (FLOPs)")),
    anchors=("name", "training_compute"),
    parse=parse_today,
)
EPOCH_PCD = Format(
    id="epoch_pcd",
    table="models",
    columns=_shared_columns("System", ("Training compute (FLOPs)", "Training compute (FLOP)")),
    anchors=("name", "training_compute"),
    parse=parse_pcd,
)
