"""Parse an untrusted import file in a separate, resource-limited process (as
`annotator.articles.sandbox` does for HTML and PDF sources).

Guarantees: the file is parsed by `parse_child.py` in a fresh interpreter (`python -I`, no Django,
no database connection) that limits its own memory (RLIMIT_AS, `IMPORT_PARSE_MEMORY_MB`) and CPU
time (RLIMIT_CPU) before reading a byte; this process kills it once `IMPORT_PARSE_TIMEOUT` seconds
of wall time have passed. Records stream through a pipe, so neither process holds the whole file's
rows. A child that dies (memory, CPU) or runs out of time raises `ParseRefused("too_complex")`.
"""

from __future__ import annotations

import marshal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings

CHILD = Path(__file__).resolve().with_name("parse_child.py")


class ParseRefused(Exception):
    """The file cannot be parsed: `reason` says why (too_complex, or the format's message)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _frames(stream: Any) -> Iterator[bytes]:
    """The child's frames (4-byte big-endian length, then that many bytes) until end of
    stream; a cut frame (the child killed mid-write) ends it too."""
    while True:
        head = stream.read(4)
        if len(head) < 4:
            return
        frame = stream.read(int.from_bytes(head, "big"))
        if len(frame) < int.from_bytes(head, "big"):
            return
        yield frame


def parse_in_sandbox(path: Path, *, source_format: str) -> Iterator[dict[str, Any]]:
    """The file's records (see `formats/base.py`), then a final `{"t": "end"}`."""
    deadline = time.monotonic() + float(settings.IMPORT_PARSE_TIMEOUT)
    command = [
        sys.executable,
        "-I",
        str(CHILD),
        source_format,
        str(path),
        str(int(settings.IMPORT_PARSE_MEMORY_MB) * 1024 * 1024),
        str(max(1, int(settings.IMPORT_PARSE_TIMEOUT))),
    ]
    child = subprocess.Popen(  # noqa: S603 - fixed arguments, our own script
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=1 << 16
    )
    assert child.stdout is not None
    # Kills a child that stops answering (blocked, or slow without using CPU) at the deadline.
    timer = threading.Timer(float(settings.IMPORT_PARSE_TIMEOUT), child.kill)
    timer.daemon = True
    timer.start()
    ended = False
    try:
        for frame in _frames(child.stdout):
            if time.monotonic() > deadline:
                raise ParseRefused("too_complex")
            for record in marshal.loads(frame):  # noqa: S302 - our child's frames; runs no code
                kind = record.get("t")
                if kind == "refused":
                    raise ParseRefused(str(record.get("reason", "")))
                if kind == "end":
                    ended = True
                yield record
        child.wait(timeout=max(0.1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired as exc:
        raise ParseRefused("too_complex") from exc
    finally:
        timer.cancel()
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
        stderr = child.stderr.read() if child.stderr else b""
        if child.stderr:
            child.stderr.close()
    if not ended:
        if time.monotonic() > deadline:
            raise ParseRefused("too_complex")
        if child.returncode < 0 or b"MemoryError" in stderr:
            raise ParseRefused("too_complex")
        tail = stderr.decode("utf-8", "replace")[-1000:]
        raise RuntimeError(f"the parsing process failed ({child.returncode}): {tail}")
