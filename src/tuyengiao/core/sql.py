"""Quoted names for hand-written SQL, read from the models, so no statement spells a table or a
column that a model could rename."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection


def table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def column(model: Any, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def date_literal(value: dt.date) -> str:
    """A date written into a statement composed of several parts (where no parameter can go)."""
    return f"CAST('{value.isoformat()}' AS date)" if connection.vendor == "postgresql" else f"'{value.isoformat()}'"
