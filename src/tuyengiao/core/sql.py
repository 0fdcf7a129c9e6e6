"""Quoted names for hand-written SQL, read from the models, so no statement spells a table or a
column that a model could rename."""

from __future__ import annotations

from typing import Any

from django.db import connection


def table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def column(model: Any, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)
