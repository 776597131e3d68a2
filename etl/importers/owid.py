"""Our World in Data grapher CSVs of AI training computation (Epoch data republished by OWID).

`Entity` is the system, `Day` its publication date, and the value column is in petaFLOP
(1 petaFLOP = 1e15 FLOP); its header has been spelled several ways between releases, so any header
holding "training comput…" and "petaflop" is accepted. OWID writes "NA" for unknown values and
labels systems with several domains "Multiple domains" (mapped to Multimodal).
"""

from __future__ import annotations

from functools import partial

from etl.importers.base import MODEL_COLUMNS, Column, Format, Parsed, Table
from etl.importers.parse import RowProblem, is_missing, parse_date, parse_nonnegative, split_list
from etl.importers.rows import check_flop, collect, contract_domains, model_row

PETAFLOP = 1e15


def _model(table: Table, record: dict) -> dict:
    name = (table.cell(record, "name") or "").strip()
    if is_missing(name):
        raise RowProblem("blank_name", field=table.header("name"))
    published = parse_date(table.cell(record, "day"), table.header("day"), day_first=False)
    if published is None:
        raise RowProblem("no_date", field=table.header("day"))
    petaflop = parse_nonnegative(table.cell(record, "compute"), table.header("compute"))
    if petaflop is None:
        raise RowProblem("no_compute", field=table.header("compute"))
    domain = table.cell(record, "domain")
    return model_row(
        name=name,
        publication_date=published,
        domain=contract_domains([domain.strip()] if not is_missing(domain) else []),
        training_compute_flop=check_flop(petaflop * PETAFLOP, table.header("compute")),
        organisation=split_list(table.cell(record, "organisation")),
        confidence="estimate",
        source_id="owid-ai-training-computation",
    )


def parse_owid(table: Table) -> Parsed:
    return collect(table, partial(_model, table), MODEL_COLUMNS)


OWID_TRAINING_COMPUTE = Format(
    id="owid_training_compute",
    table="models",
    columns=(
        Column("name", ("Entity",)),
        Column("day", ("Day", "Date")),
        Column(
            "compute",
            ("Training computation (petaFLOP)", "Training compute (petaFLOP)", "training_computation_petaflop"),
            contains=("training comput", "petaflop"),
        ),
        Column("domain", ("Domain",), required=False, contains=("domain",)),
        Column("organisation", ("Organization", "Organisation"), required=False),
    ),
    anchors=("name", "day"),
    parse=parse_owid,
)
