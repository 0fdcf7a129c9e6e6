"""Quoted names and literal rows for hand-written SQL: names read from the models, so no
statement spells a table or a column that a model could rename."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import connection


def table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def column(model: Any, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def db_type(model: Any, name: str) -> str:
    """A column's type, for typed literal rows (a recursive walk must keep its ids' type exactly)."""
    return str(model._meta.get_field(name).db_type(connection))


def date_literal(value: dt.date) -> str:
    """A date written into a statement composed of several parts (where no parameter can go)."""
    return f"CAST('{value.isoformat()}' AS date)" if connection.vendor == "postgresql" else f"'{value.isoformat()}'"


def rows_sql(columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[Any]]) -> tuple[str, list[Any]]:
    """Literal rows as the body of ``WITH v(…) AS (…)``, with their parameters.

    PostgreSQL gets one typed array per column: a handful of parameters however many rows, where
    tens of thousands of placeholders cost more to quote and parse than the statement to run.
    Elsewhere a ``VALUES`` list, numbers cast so that comparisons and maxima are numeric.
    """
    if not rows:  # a query of no rows with those columns (a VALUES list cannot be empty)
        return "SELECT " + ", ".join(f"CAST(NULL AS {kind})" for _name, kind in columns) + " WHERE 1 = 0", []
    if connection.vendor == "postgresql":
        arrays = [_array([row[i] for row in rows], kind) for i, (_name, kind) in enumerate(columns)]
        return "SELECT * FROM unnest(" + ", ".join(f"CAST(%s AS {kind}[])" for _name, kind in columns) + ")", arrays
    one = "(" + ", ".join("CAST(%s AS numeric)" if kind in ("bigint", "integer", "numeric") else "%s"
                          for _name, kind in columns) + ")"
    return "VALUES " + ", ".join([one] * len(rows)), [x for row in rows for x in row]


def _array(values: list[Any], kind: str) -> str:
    """A PostgreSQL array literal, written here: the driver's own quoting of long lists in Python
    costs seconds on an import of a hundred thousand values."""
    if kind in ("text", "varchar"):
        def quoted(v: Any) -> str:
            return "NULL" if v is None else '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'
        return "{" + ",".join(map(quoted, values)) + "}"
    return "{" + ",".join("NULL" if v is None else str(v) for v in values) + "}"
