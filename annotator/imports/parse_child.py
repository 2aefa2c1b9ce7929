"""The child process that parses one untrusted import file (see `sandbox.py`).

Run as a script (`python -I parse_child.py FORMAT PATH MEMORY_BYTES CPU_SECONDS`), never imported
by the worker: it imports only the pure-Python parsers of `formats/` (no Django, no database
connection), limits its own address space and CPU time before opening the file, and writes one
JSON list of up to BATCH records per line to stdout (see `formats/base.py`), with a `{"t": "progress", "bytes": n}`
record every few hundred rows and a final `{"t": "end"}`. A file that cannot be read as the
format ends with `{"t": "refused", "reason": ...}`.
"""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path

PROGRESS_EVERY = 2000
BATCH = 500


def limit_resources(*, memory_bytes: int, cpu_seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def main() -> int:
    source_format, path, memory_bytes, cpu_seconds = sys.argv[1:5]
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from formats import PARSERS  # the package alone: annotator/__init__ would load Celery
    from formats.base import FileRefused

    parser = PARSERS[source_format]
    limit_resources(memory_bytes=int(memory_bytes), cpu_seconds=int(cpu_seconds))
    out = sys.stdout
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    batch: list[dict] = []
    with open(path, "rb") as stream:
        try:
            for count, record in enumerate(parser.parse(stream), start=1):
                batch.append(record)
                if len(batch) >= BATCH:
                    out.write(dumps(batch) + "\n")
                    batch = []
                if count % PROGRESS_EVERY == 0:
                    batch.append({"t": "progress", "bytes": stream.tell()})
            if batch:
                out.write(dumps(batch) + "\n")
        except FileRefused as exc:
            out.write(dumps([{"t": "refused", "reason": str(exc)}]) + "\n")
            return 0
        except RecursionError:
            out.write(dumps([{"t": "refused", "reason": "The file is nested too deeply."}]) + "\n")
            return 0
    out.write(dumps([{"t": "end"}]) + "\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
