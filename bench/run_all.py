"""Run every benchmark in bench/ in turn and print their figures (`make bench`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
SCRIPTS = [
    "bench_http.py",
    "bench_article.py",
    "bench_revision.py",
    "bench_export.py",
    "bench_live.py",
]

if __name__ == "__main__":
    status = 0
    for name in SCRIPTS:
        path = BENCH / name
        if not path.exists():
            continue
        print(f"\n=== {name}", flush=True)
        status |= subprocess.run([sys.executable, str(path), *sys.argv[1:]], check=False).returncode
    sys.exit(status)
