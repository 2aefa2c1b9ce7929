"""The formatter contract: count the rows, then stream them into a binary file."""

from __future__ import annotations

import hashlib
import queue
import threading
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
    """A write-only binary stream that hashes (SHA-256) and counts what passes through it.

    Writing and hashing run on a background thread (both release the GIL), so that the next chunk
    is read from PostgreSQL meanwhile; at most `backlog` writes wait. `close()` waits for the thread
    and raises its error, if any; `abandon()` stops it when the export itself failed."""

    def __init__(self, raw: BinaryIO, *, backlog: int = 2) -> None:
        self.raw = raw
        self.digest = hashlib.sha256()
        self.size = 0
        self._pending: queue.Queue[bytes | None] = queue.Queue(maxsize=backlog)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._drain, name="export-writer", daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        while True:
            data = self._pending.get()
            try:
                if data is None:
                    return
                if self._error is None:
                    self.raw.write(data)
                    self.digest.update(data)
            except BaseException as exc:  # handed to the exporting thread at its next call
                self._error = exc
            finally:
                self._pending.task_done()

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def write(self, data: bytes) -> int:
        self._raise()
        if not isinstance(data, bytes):
            data = bytes(data)  # the caller may reuse its buffer
        self._pending.put(data)
        self.size += len(data)
        return len(data)

    def tell(self) -> int:
        return self.size

    def flush(self) -> None:
        self._pending.join()
        self._raise()
        self.raw.flush()

    def close(self) -> None:
        """Wait until everything is written and hashed; raise the writing error, if any."""
        if self._thread.is_alive():
            self._pending.put(None)
            self._thread.join()
        self._raise()

    def abandon(self) -> None:
        """Stop the thread without raising (the export failed anyway)."""
        if self._thread.is_alive():
            self._error = self._error or RuntimeError("abandoned")
            self._pending.put(None)
            self._thread.join()

    @property
    def sha256(self) -> str:
        return self.digest.hexdigest()
