"""OpenAI's 2018 "AI and Compute" table: systems and their training compute in petaflop/s-days.

One petaflop/s-day is 1e15 FLOP/s for 86,400 s = 8.64e19 FLOP. Every row is flagged
`openai_2018`, the population of the seed article's 3.43-month doubling.
"""

from __future__ import annotations

from functools import partial

from etl.importers.base import MODEL_COLUMNS, Column, Format, Parsed, Table
from etl.importers.parse import RowProblem, is_missing, parse_date, parse_nonnegative
from etl.importers.rows import check_flop, collect, model_row

FLOP_PER_PFS_DAY = 1e15 * 86_400  # 8.64e19


def _model(table: Table, record: dict) -> dict:
    name = (table.cell(record, "name") or "").strip()
    if is_missing(name):
        raise RowProblem("blank_name", field=table.header("name"))
    published = parse_date(table.cell(record, "date"), table.header("date"), day_first=False)
    if published is None:
        raise RowProblem("no_date", field=table.header("date"))
    pfs_days = parse_nonnegative(table.cell(record, "pfs_days"), table.header("pfs_days"))
    if pfs_days is None:
        raise RowProblem("no_compute", field=table.header("pfs_days"))
    return model_row(
        name=name,
        publication_date=published,
        training_compute_flop=check_flop(pfs_days * FLOP_PER_PFS_DAY, table.header("pfs_days")),
        openai_2018=True,
        confidence="estimate",
        source_id="openai-ai-and-compute-2018",
    )


def parse_openai(table: Table) -> Parsed:
    return collect(table, partial(_model, table), MODEL_COLUMNS)


OPENAI_2018 = Format(
    id="openai_2018",
    table="models",
    columns=(
        Column("pfs_days", ("overall_peta_flop_days", "petaflop/s-days", "pfs-days", "Petaflop/s-days"),
               contains=("peta", "days")),
        Column("name", ("result", "system", "model", "name")),
        Column("date", ("publication_date", "date")),
    ),
    anchors=("pfs_days",),
    parse=parse_openai,
)
