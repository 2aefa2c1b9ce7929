"""The child process that parses one untrusted HTML or PDF document (see `sandbox.py`).

Run as a script (`python -I extraction_child.py FORMAT MEMORY_BYTES CPU_SECONDS MAX_INFLATED`,
MEMORY_BYTES being the room left to the document above the loaded interpreter and parsers),
never imported by the web process: it imports neither Django nor the project, so a hostile
document only ever meets trafilatura or pypdf inside a process that:

- imports its parsers, then limits its own address space and CPU time (`resource.setrlimit`)
  before reading anything;
- caps every decompressed PDF stream at MAX_INFLATED bytes (pypdf's configuration);
- reads the document from stdin and writes one JSON object to stdout:
  `{"text": ..., "title": ...}` or `{"error": "too_complex" | "damaged" | "encrypted"}`.

The parent kills it at the wall-clock limit; the kernel kills it at the CPU limit.
"""

from __future__ import annotations

import io
import json
import resource
import sys
from typing import Any


def limit_resources(*, memory_bytes: int, cpu_seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    # SIGXCPU at the soft limit (default action: terminate), SIGKILL one second later.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def peak_virtual_memory() -> int:
    """VmPeak of this process in bytes (0 where /proc is not available)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmPeak:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def extract_html(raw: bytes) -> dict[str, str]:
    import trafilatura

    text = trafilatura.extract(
        raw, output_format="markdown", include_comments=False, include_tables=True
    )
    metadata = trafilatura.extract_metadata(raw)
    title = (metadata.title or "") if metadata is not None else ""
    return {"text": (text or "").strip(), "title": title.strip()}


def extract_pdf(raw: bytes, *, max_inflated: int) -> dict[str, str]:
    import pypdf
    from pypdf.errors import LimitReachedError

    caps = {
        "maximum_declared_stream_length": max_inflated,
        "array_based_stream_maximum_output_length": max_inflated,
        "jbig2_maximum_output_length": max_inflated,
        "lzw_maximum_output_length": max_inflated,
        "run_length_maximum_output_length": max_inflated,
        "zlib_maximum_output_length": max_inflated,
        "brotli_maximum_output_length": max_inflated,
        "image_maximum_buffer_size": max_inflated,
        "stream_decoding_work_maximum_length": max_inflated,
        "xfa_decoding_work_maximum_length": max_inflated,
    }
    with pypdf.apply_configuration(None, **caps):
        try:
            reader = pypdf.PdfReader(io.BytesIO(raw))
            if reader.is_encrypted and not reader.decrypt(""):
                return {"error": "encrypted"}
            pages = [(page.extract_text() or "").strip("\n") for page in reader.pages]
            metadata: Any = reader.metadata or {}
            title = str(metadata.get("/Title") or "")
        except (LimitReachedError, MemoryError, RecursionError):
            return {"error": "too_complex"}
        except Exception:
            return {"error": "damaged"}
    text = "\n\n".join(page for page in pages if page.strip()).replace("\x00", "")
    return {"text": text.strip(), "title": title.strip()}


def main(argv: list[str]) -> int:
    source_format, memory_bytes, cpu_seconds, max_inflated = argv
    # The parsers are trusted code: import them before the limits, which are for the document.
    if source_format == "pdf":
        import pypdf  # noqa: F401
    else:
        import trafilatura  # noqa: F401
    # Headroom above what the interpreter and the parsers already take.
    limit_resources(
        memory_bytes=peak_virtual_memory() + int(memory_bytes), cpu_seconds=int(cpu_seconds)
    )
    raw = sys.stdin.buffer.read()
    try:
        if source_format == "pdf":
            result = extract_pdf(raw, max_inflated=int(max_inflated))
        elif source_format == "html":
            result = extract_html(raw)
        else:
            result = {"error": "damaged"}
    except (MemoryError, RecursionError):
        result = {"error": "too_complex"}
    # trafilatura swallows a MemoryError and returns nothing: a process that reached its memory
    # ceiling is refused as too complex rather than reported as a page without text.
    ceiling = resource.getrlimit(resource.RLIMIT_AS)[0]
    if peak_virtual_memory() > ceiling - 16 * 1024 * 1024:
        result = {"error": "too_complex"}
    sys.stdout.write(json.dumps(result))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
