"""A throw-away PostgreSQL cluster for the test run, on 127.0.0.1 and a free port.

PostgreSQL refuses to run as root, so when the tests run as root the cluster belongs to the
``postgres`` system user and its commands run through ``runuser``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


def _bindir() -> Path:
    env = os.environ.get("PG_BINDIR")
    if env:
        return Path(env)
    found = shutil.which("pg_ctl")
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    if candidates:
        return candidates[0]
    if found:
        return Path(found).resolve().parent
    raise RuntimeError("PostgreSQL server binaries not found: install the 'postgresql' package")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Cluster:
    datadir: Path
    port: int
    user: str
    bindir: Path
    run_as: str | None

    def _cmd(self, *args: str) -> list[str]:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        return ["runuser", "-u", self.run_as, "--", *cmd] if self.run_as else cmd

    def stop(self) -> None:
        subprocess.run(self._cmd("pg_ctl", "-D", str(self.datadir), "-m", "immediate", "-w", "stop"),
                       capture_output=True, check=False)
        shutil.rmtree(self.datadir.parent, ignore_errors=True)


def start() -> Cluster:
    bindir = _bindir()
    run_as = "postgres" if os.geteuid() == 0 else None
    base = Path(tempfile.mkdtemp(prefix="tuyengiao-pg-"))
    datadir = base / "data"
    sockdir = base / "sock"
    sockdir.mkdir()
    if run_as:
        shutil.chown(base, run_as)
        shutil.chown(sockdir, run_as)
    port = _free_port()
    cluster = Cluster(datadir, port, "postgres", bindir, run_as)
    subprocess.run(
        cluster._cmd("initdb", "-D", str(datadir), "-E", "UTF8", "--locale=C.UTF-8", "-A", "trust", "-U", "postgres"),
        check=True, capture_output=True,
    )
    options = (f"-c listen_addresses=127.0.0.1 -p {port} -k {sockdir} -c fsync=off "
               "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50")
    subprocess.run(
        cluster._cmd("pg_ctl", "-D", str(datadir), "-o", options, "-l", str(base / "log"), "-w", "start"),
        check=True, capture_output=True,
    )
    return cluster
