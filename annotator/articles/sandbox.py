"""Parse an untrusted HTML or PDF document in a separate, resource-limited process.

Guarantees: the document is parsed by `extraction_child.py` in a fresh interpreter (`python -I`,
no Django, no database connection), which limits its own memory (RLIMIT_AS) and CPU time
(RLIMIT_CPU) before reading a byte, and caps every decompressed PDF stream; this process kills it
at `INTAKE_EXTRACT_TIMEOUT` seconds of wall time. So a request that previews or imports a source
holds its web thread for at most that long (plus the process start-up, about a second), and a
document that needs more time or memory is refused with `too_complex`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

CHILD = Path(__file__).resolve().with_name("extraction_child.py")


class ExtractionRefused(Exception):
    """The child refused the document: `reason` is too_complex, damaged or encrypted."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Extracted:
    text: str
    title: str


@dataclass(frozen=True)
class Limits:
    wall_seconds: float
    cpu_seconds: int
    memory_bytes: int
    max_inflated_bytes: int

    @classmethod
    def from_settings(cls) -> Limits:
        wall = float(settings.INTAKE_EXTRACT_TIMEOUT)
        return cls(
            wall_seconds=wall,
            cpu_seconds=max(1, int(wall)),
            memory_bytes=int(settings.INTAKE_EXTRACT_MEMORY_MB) * 1024 * 1024,
            max_inflated_bytes=int(settings.INTAKE_MAX_INFLATED_BYTES),
        )


def extract_in_sandbox(
    raw: bytes, *, source_format: str, limits: Limits | None = None
) -> Extracted:
    """Text and title of an HTML or PDF document; `ExtractionRefused` when it cannot be read."""
    limits = limits or Limits.from_settings()
    command = [
        sys.executable,
        "-I",
        str(CHILD),
        source_format,
        str(limits.memory_bytes),
        str(limits.cpu_seconds),
        str(limits.max_inflated_bytes),
    ]
    try:
        # subprocess.run kills the child when the timeout expires, then reaps it.
        completed = subprocess.run(  # noqa: S603 - fixed arguments, our own script
            command, input=raw, capture_output=True, timeout=limits.wall_seconds, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise ExtractionRefused("too_complex") from exc
    if completed.returncode < 0 or b"MemoryError" in completed.stderr:
        # Killed at the CPU limit (SIGXCPU, then SIGKILL) or out of memory before it answered.
        raise ExtractionRefused("too_complex")
    if completed.returncode != 0:
        tail = completed.stderr.decode("utf-8", "replace")[-2000:]
        raise RuntimeError(f"the extraction process failed ({completed.returncode}): {tail}")
    try:
        result = json.loads(completed.stdout)
    except ValueError as exc:
        raise ExtractionRefused("too_complex") from exc
    if "error" in result:
        raise ExtractionRefused(str(result["error"]))
    return Extracted(text=str(result.get("text", "")), title=str(result.get("title", "")))
