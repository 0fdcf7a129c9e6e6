"""Word to PDF with LibreOffice: one headless instance kept running by the worker, or one per file.

Starting LibreOffice costs a second or more, converting a review a few tenths. When the system has
LibreOffice's Python bridge (Debian package ``python3-uno``), the process starts one headless
instance the first time it converts, keeps it, and hands it each file over a local pipe; without
the bridge, or if that instance fails, each conversion starts LibreOffice once (``--convert-to``).

Either way the instance runs in a user profile kept under ``var/libreoffice`` (a fresh profile
costs another second of set-up on every start) that no other instance uses at the same time: each
profile has a lock file, held for as long as an instance runs in it.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

logger = logging.getLogger(__name__)

PROFILE_SLOTS = 4  # LibreOffice profiles kept warm under var/libreoffice
BRIDGE_PATHS = ("/usr/lib/python3/dist-packages", "/usr/lib/libreoffice/program")
START_TIMEOUT = 30.0


class ConversionFailed(Exception):
    """LibreOffice did not produce the PDF; the message is LibreOffice's own."""


def program() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _profiles() -> Path:
    from django.conf import settings

    base = Path(settings.VAR_DIR) / "libreoffice"
    base.mkdir(parents=True, exist_ok=True)
    return base


def _take_slot() -> tuple[Path, IO[str]] | None:
    """A profile folder and its held lock; ``None`` when every profile is in use."""
    base = _profiles()
    for number in range(PROFILE_SLOTS):
        handle = open(base / f"profile-{number}.lock", "a+")  # noqa: SIM115
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        return base / f"profile-{number}", handle
    return None


@contextlib.contextmanager
def _slot() -> Iterator[Path]:
    """A kept profile if one is free; else a new one for this conversion only (kept instances of other
    processes may hold every slot for as long as they run, so waiting for one could last forever)."""
    taken = _take_slot()
    if taken is None:
        with tempfile.TemporaryDirectory(prefix="tuyengiao-office-") as folder:
            yield Path(folder)
        return
    profile, handle = taken
    try:
        yield profile
    finally:
        handle.close()  # closing releases the lock


def convert_once(docx: bytes) -> bytes:
    """Start LibreOffice for this one file (``soffice --convert-to pdf``)."""
    office = program()
    if office is None:
        raise ConversionFailed("LibreOffice is not installed")
    with tempfile.TemporaryDirectory() as folder, _slot() as profile:
        source = os.path.join(folder, "review.docx")
        with open(source, "wb") as handle:
            handle.write(docx)
        env = {**os.environ, "HOME": str(profile)}
        result = subprocess.run(
            [office, "--headless", "--norestore", "--nologo", f"-env:UserInstallation={profile.as_uri()}",
             "--convert-to", "pdf", "--outdir", folder, source],
            capture_output=True, timeout=120, env=env, check=False,
        )
        target = os.path.join(folder, "review.pdf")
        if result.returncode != 0 or not os.path.exists(target):
            raise ConversionFailed(result.stderr.decode(errors="replace")[-300:])
        with open(target, "rb") as handle:
            return handle.read()


def _bridge() -> Any:
    """LibreOffice's Python bridge (``uno``) from the system's packages, or ``None``."""
    if "uno" in sys.modules:
        return sys.modules["uno"]
    added = [p for p in BRIDGE_PATHS if p not in sys.path and os.path.isdir(p)]
    sys.path.extend(added)
    try:
        import uno

        return uno
    except ImportError:
        return None
    finally:
        for path in added:
            sys.path.remove(path)


def _death_signal() -> Any:
    """What the child runs between fork and exec: stop when the worker that started it stops, even
    when the worker is killed (Linux ``PR_SET_PDEATHSIG``). Resolved here, in the parent: the child
    must not import anything."""
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None

    def set_signal() -> None:  # pragma: no cover - runs in the child
        prctl(1, signal.SIGTERM)

    return set_signal


class Listener:
    """One headless LibreOffice kept running in a profile of its own, converting over a local pipe."""

    def __init__(self, uno: Any) -> None:
        self.uno = uno
        self.process: subprocess.Popen[bytes] | None = None
        self.lock_file: IO[str] | None = None
        self.desktop: Any = None
        self.guard = threading.Lock()

    def _binary(self) -> str:
        office = program()
        assert office is not None
        real = Path(os.path.realpath(office)).parent / "soffice.bin"
        return str(real) if real.exists() else office  # the program itself, not its launcher script

    def start(self) -> None:
        taken = _take_slot()
        if taken is None:
            raise ConversionFailed("every LibreOffice profile is in use")
        profile, self.lock_file = taken
        pipe = f"tuyengiao-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.process = subprocess.Popen(
            [self._binary(), "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
             "--nolockcheck", f"-env:UserInstallation={profile.as_uri()}",
             f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env={**os.environ, "HOME": str(profile)}, preexec_fn=_death_signal(), start_new_session=True,
        )
        local = self.uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise ConversionFailed("LibreOffice did not start") from None
                time.sleep(0.1)
        self.desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None and self.desktop is not None

    def _props(self, **values: Any) -> tuple[Any, ...]:
        out = []
        for name, value in values.items():
            prop = self.uno.createUnoStruct("com.sun.star.beans.PropertyValue")
            prop.Name, prop.Value = name, value
            out.append(prop)
        return tuple(out)

    def convert(self, docx: bytes) -> bytes:
        with self.guard:
            if not self.alive():
                self.stop()
                self.start()
            with tempfile.TemporaryDirectory() as folder:
                source, target = Path(folder) / "review.docx", Path(folder) / "review.pdf"
                source.write_bytes(docx)
                document = self.desktop.loadComponentFromURL(
                    source.as_uri(), "_blank", 0, self._props(Hidden=True, ReadOnly=True))
                if document is None:
                    raise ConversionFailed("LibreOffice could not open the Word file")
                try:
                    document.storeToURL(target.as_uri(), self._props(FilterName="writer_pdf_Export"))
                finally:
                    document.close(True)
                return target.read_bytes()

    def stop(self) -> None:
        if self.desktop is not None:
            with contextlib.suppress(Exception):
                self.desktop.terminate()
            self.desktop = None
        if self.process is not None:
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
        if self.lock_file is not None:
            self.lock_file.close()
            self.lock_file = None


_listener: Listener | None = None
_listener_failed = False
_create = threading.Lock()


def _shared() -> Listener | None:
    global _listener, _listener_failed
    if _listener_failed or os.environ.get("TUYENGIAO_OFFICE_LISTENER", "1") == "0":
        return None
    with _create:
        if _listener is None:
            uno = _bridge()
            if uno is None:
                _listener_failed = True
                return None
            _listener = Listener(uno)
            atexit.register(_listener.stop)
        return _listener


def convert(docx: bytes) -> bytes:
    """The PDF of a Word file: through the kept instance when there can be one, else one start."""
    listener = _shared()
    if listener is not None:
        try:
            return listener.convert(docx)
        except ConversionFailed as exc:  # it could not start (every profile in use): no harm done
            logger.info("No kept LibreOffice (%s); converting with a new start", exc)
        except Exception:
            logger.warning("The kept LibreOffice failed; converting with a new start", exc_info=True)
            with listener.guard:
                listener.stop()
    return convert_once(docx)


def stop() -> None:
    """Stop the kept instance (tests, and a worker that shuts down cleanly)."""
    if _listener is not None:
        with _listener.guard:
            _listener.stop()


def warm_up() -> None:
    """Start the kept instance now (a worker that has just drafted a review: its Word and PDF are
    likely asked for next). Call from the worker's main thread: the instance stops with the thread
    that started it."""
    listener = _shared()
    if listener is None:
        return
    with listener.guard:
        if listener.alive():
            return
        listener.stop()
        try:
            listener.start()
        except ConversionFailed as exc:
            logger.info("No kept LibreOffice (%s)", exc)
