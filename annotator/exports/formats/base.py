"""The formatter contract: count the rows, then stream them into a binary file."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, BinaryIO, ClassVar

from django.conf import settings


@dataclass
class ExportContext:
    """Everything a formatter needs about its job; `progress(rows_done)` is called per chunk."""

    job_id: int
    requester: Any
    filters: dict[str, Any]
    options: dict[str, Any] = field(default_factory=dict)
    progress: Callable[[int], None] = lambda rows_done: None
    base_url: str = ""
    manifest: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.base_url = self.base_url or settings.SITE_URL


class Formatter:
    """One export format. `write` streams the rows and returns the counts for the manifest; its
    first count (`row_count_key`) is the job's row count."""

    format: ClassVar[str]
    extension: ClassVar[str]
    media_type: ClassVar[str]
    row_count_key: ClassVar[str] = "annotations"

    def __init__(self, context: ExportContext) -> None:
        self.context = context

    def count(self) -> int:
        """Rows the progress bar counts to."""
        raise NotImplementedError

    def write(self, out: BinaryIO) -> dict[str, int]:
        raise NotImplementedError


class HashingWriter:
    """A write-only binary stream that hashes (SHA-256) and counts what passes through it."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.raw.write(data)
        self.digest.update(data)
        self.size += len(data)
        return len(data)

    def tell(self) -> int:
        return self.size

    def flush(self) -> None:
        self.raw.flush()

    @property
    def sha256(self) -> str:
        return self.digest.hexdigest()
