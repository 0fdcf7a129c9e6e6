"""Answers kept for as long as the data they were computed from has not changed.

PostgreSQL names what a statement can see: its snapshot (``pg_current_snapshot()``: the oldest
transaction still running, the next transaction number and the ones in flight). Two requests
whose snapshots are equal see exactly the same committed rows, so an answer computed under one
snapshot is the answer under the other. Keying kept answers by the snapshot needs no
invalidation anywhere: any committed write, through any path (the ORM, raw SQL, COPY, another
program), changes the snapshot of every later request, and a value is visible the moment its
save returns.

Not kept: answers computed inside a transaction that has written (they may hold rows nobody else
can see yet), and anything on a database without snapshots (SQLite in development).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection

T = TypeVar("T")

# Long enough for a dashboard polled by many readers, short enough that memory turns over: a
# key that any write makes unreachable is never read again and ages out.
TIMEOUT = 300


def current() -> str | None:
    """The snapshot later reads will see, or ``None`` when answers must not be shared."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text, pg_current_xact_id_if_assigned() IS NULL")
        snapshot, clean = cursor.fetchone()
    return str(snapshot) if clean else None


def key(namespace: str, parts: tuple[Hashable, ...], version: str) -> str:
    # several databases of one server (tests, benchmarks) share transaction numbers
    digest = hashlib.sha256(repr((connection.settings_dict["NAME"], parts, version)).encode()).hexdigest()
    return f"snap:{namespace}:{digest}"


def kept(namespace: str, parts: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """``compute()``, or the answer an earlier call with the same ``parts`` and snapshot kept."""
    return kept_under(current(), namespace, parts, compute)


def kept_under(
    version: str | None, namespace: str, parts: tuple[Hashable, ...], compute: Callable[[], T], timeout: int = TIMEOUT
) -> T:
    """``compute()``, or the answer an earlier call kept under the same ``version`` of what it
    reads (``None``: nothing is kept). The caller names a version that changes whenever any
    input of ``compute`` changes: the snapshot, or a narrower one such as ``org.tree.version``."""
    if version is None or not settings.KEEP_ANSWERS:
        return compute()
    name = key(namespace, parts, version)
    found = cache.get(name)
    if found is not None:
        return found
    answer = compute()
    if answer is not None:
        cache.set(name, answer, timeout)
    return answer


def kept_for_asker(
    asker: tuple[Hashable, ...], namespace: str, resolve: Callable[[], tuple[tuple[Hashable, ...], Callable[[], T]]]
) -> T:
    """The answer to a request its asker sent before under the same snapshot, found without
    resolving the request again; otherwise ``resolve()`` (which checks the request: the asker's
    scope, the unit, the parameters, and names the question's ``parts`` and how to compute it),
    then the answer kept under those parts.

    Whatever ``resolve`` reads is data: a changed assignment, unit or setting is a committed
    write, and so a new snapshot. The asker's entry holds only the parts; the answer itself is
    kept once for every asker of the same question.
    """
    version = current()
    if version is None or not settings.KEEP_ANSWERS:
        _parts, compute = resolve()
        return compute()
    memo = key(f"{namespace}:asked", asker, version)
    parts = cache.get(memo)
    if parts is not None:
        found = cache.get(key(namespace, parts, version))
        if found is not None:
            return found
    parts, compute = resolve()
    answer = kept_under(version, namespace, parts, compute)
    cache.set(memo, parts, TIMEOUT)
    return answer
