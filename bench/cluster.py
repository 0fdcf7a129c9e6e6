"""A PostgreSQL cluster for the benchmarks that outlives one command.

`make bench-data SCALE=national` builds a country once (minutes); `make bench SCALE=national`
measures it as often as needed. The cluster lives under ``var/bench/<scale>/`` and is started by
whichever command needs it and stopped when that command ends.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.support.pgcluster import Cluster, _bindir, _free_port

ROOT = Path(__file__).resolve().parent.parent
# Sized for a 2-core, 24 GiB machine: room for the value table's hot indexes in shared buffers.
SERVER_OPTIONS = (
    "-c shared_buffers=2GB -c work_mem=64MB -c maintenance_work_mem=1GB -c max_wal_size=8GB "
    "-c effective_cache_size=12GB -c random_page_cost=1.1 -c max_connections=80 "
    "-c max_parallel_workers_per_gather=2 -c jit=off"
)


def base_dir(scale: str) -> Path:
    return ROOT / "var" / "bench" / scale


def exists(scale: str) -> bool:
    return (base_dir(scale) / "data" / "PG_VERSION").exists()


def _cluster(scale: str, port: int) -> Cluster:
    run_as = "postgres" if os.geteuid() == 0 else None
    return Cluster(base_dir(scale) / "data", port, "postgres", _bindir(), run_as)


def create(scale: str) -> None:
    """A fresh, empty cluster (any earlier one of this scale is removed)."""
    base = base_dir(scale)
    if base.exists():
        stop_if_running(scale)
        shutil.rmtree(base)
    (base / "sock").mkdir(parents=True)
    cluster = _cluster(scale, 0)
    if cluster.run_as:
        for path in (base, base / "sock"):
            shutil.chown(path, cluster.run_as)
    subprocess.run(
        cluster._cmd("initdb", "-D", str(cluster.datadir), "-E", "UTF8", "--locale=C.UTF-8", "-A", "trust",
                     "-U", "postgres"),
        check=True, capture_output=True,
    )


def stop_if_running(scale: str) -> None:
    cluster = _cluster(scale, 0)
    if (cluster.datadir / "postmaster.pid").exists():
        subprocess.run(cluster._cmd("pg_ctl", "-D", str(cluster.datadir), "-m", "fast", "-w", "stop"),
                       capture_output=True, check=False)


@contextmanager
def running(scale: str, *, bulk_load: bool = False) -> Iterator[Cluster]:
    """Start the scale's cluster for the duration of the block.

    ``bulk_load`` turns off durability while a country is generated: the data is rebuilt from
    scratch if the machine stops, and loading is several times faster.
    """
    if not exists(scale):
        raise SystemExit(f"No benchmark data for SCALE={scale}: run `make bench-data SCALE={scale}` first.")
    stop_if_running(scale)
    port = _free_port()
    cluster = _cluster(scale, port)
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {base_dir(scale) / 'sock'} {SERVER_OPTIONS}"
    if bulk_load:
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c autovacuum=off"
    subprocess.run(
        cluster._cmd("pg_ctl", "-D", str(cluster.datadir), "-o", options, "-l",
                     str(base_dir(scale) / "server.log"), "-w", "start"),
        check=True, capture_output=True,
    )
    try:
        yield cluster
    finally:
        stop_if_running(scale)


def database_url(cluster: Cluster, name: str = "tuyengiao") -> str:
    return f"postgres://{cluster.user}@127.0.0.1:{cluster.port}/{name}"


def demo_database() -> Any:
    """A throw-away cluster with the demo province loaded (``SCALE=demo`` and the review timings)."""
    from tests.support import pgcluster

    cluster = pgcluster.start()
    import psycopg

    with psycopg.connect(
        host="127.0.0.1", port=cluster.port, user=cluster.user, dbname="postgres", autocommit=True
    ) as conn:
        conn.execute("CREATE DATABASE tuyengiao_bench")
    os.environ["DATABASE_URL"] = f"postgres://{cluster.user}@127.0.0.1:{cluster.port}/tuyengiao_bench"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuyengiao.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("load_demo", quiet_logins=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    print(f"Demo loaded into PostgreSQL in {time.perf_counter() - started:.1f} s")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return cluster
