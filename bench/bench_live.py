"""Live stream benchmark: 500 concurrent streams on ONE web process (gunicorn, one uvicorn worker).

Opens STREAMS Server-Sent Events connections (10 reviewers, on the same article), then changes an
annotation ROUNDS times through the service (as a web request would) and measures, for every
stream, the time from the start of the change (transaction, commit, publish) to the event's
arrival. Prints p50/p95 over all deliveries, p50/p95 of the time until the LAST stream has it, and
the web worker's resident memory per open stream. Figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("BENCH_DB", "annotator_live_bench")

from bench.common import ROOT, bench_env, ensure_database, free_port, manage

STREAMS = int(os.environ.get("LIVE_STREAMS", "500"))
ROUNDS = int(os.environ.get("LIVE_ROUNDS", "20"))
TEXT = "Le candidat promet la fibre partout en 2027. Il promet aussi des impôts plus bas pour tous."


def setup_django() -> None:
    os.environ.update(bench_env())
    import django

    django.setup()


def make_data() -> tuple[list[str], int, int, object]:
    from django.test import Client

    from annotator.annotations.services import annotation_create
    from annotator.review.services import annotation_submit
    from tests.factories import ArticleFactory, UserFactory

    author = UserFactory(role="fact-checker")
    reviewers = [UserFactory(role="reviewer") for _ in range(10)]
    article = ArticleFactory(text=f"{TEXT} ({time.time()})")
    start = TEXT.index("la fibre")
    annotation = annotation_create(
        actor=author, article=article.pk,
        quote={"exact": "la fibre"}, position={"start": start, "end": start + 8},
    )  # fmt: skip
    annotation_submit(actor=author, annotation_id=annotation.pk)
    cookies = []
    for reviewer in reviewers:
        client = Client()
        client.force_login(reviewer)
        cookies.append(client.cookies["sessionid"].value)
    return cookies, article.pk, annotation.pk, author


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def worker_pid(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return int(children[0])


class Stream:
    def __init__(self) -> None:
        self.arrivals: dict[int, float] = {}
        self.ready = asyncio.Event()
        self.writer: asyncio.StreamWriter | None = None

    async def run(self, port: int, cookie: str, article: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        self.writer = writer
        writer.write(
            f"GET /live/stream/?article={article} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Cookie: sessionid={cookie}\r\nAccept: text/event-stream\r\n\r\n".encode()
        )
        await writer.drain()
        name, event_id = "", None
        while True:
            line = await reader.readline()
            if not line:
                return
            text = line.decode(errors="replace").strip()
            if text.startswith("event: "):
                name = text[7:]
                if name in ("hello", "presence"):
                    self.ready.set()
            elif text.startswith("id: "):
                event_id = int(text[4:])
            elif text.startswith("data: ") and name == "annotation" and event_id is not None:
                self.arrivals[event_id] = time.perf_counter()
            elif text == "":
                name, event_id = "", None


async def main() -> None:
    ensure_database()
    manage("migrate", "--noinput", "-v", "0")
    setup_django()
    from annotator.annotations.services import annotation_update

    cookies, article, annotation_id, author = await asyncio.to_thread(make_data)
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "annotator.asgi:application", "--worker-class",
         "uvicorn_worker.UvicornWorker", "--workers", "1", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "--backlog", "2048", "--graceful-timeout", "3"],
        cwd=ROOT, env=bench_env(),
    )  # fmt: skip
    try:
        for _ in range(200):
            try:
                _r, w = await asyncio.open_connection("127.0.0.1", port)
                w.close()
                break
            except OSError:
                await asyncio.sleep(0.1)
        warm = Stream()
        warm_task = asyncio.create_task(warm.run(port, cookies[0], article))
        await asyncio.wait_for(warm.ready.wait(), 30)
        await asyncio.sleep(1)
        worker = worker_pid(proc.pid)
        before = rss_kb(worker)
        streams = [Stream() for _ in range(STREAMS)]
        tasks = []
        opened = time.perf_counter()
        for index, stream in enumerate(streams):
            tasks.append(
                asyncio.create_task(stream.run(port, cookies[index % len(cookies)], article))
            )
            if index % 50 == 49:
                await asyncio.sleep(0.05)
        await asyncio.wait_for(asyncio.gather(*(s.ready.wait() for s in streams)), 120)
        connect_s = time.perf_counter() - opened
        await asyncio.sleep(3)  # presence settles
        after = rss_kb(worker)

        deliveries: list[float] = []
        last: list[float] = []
        version = 2
        for round_ in range(ROUNDS):
            started = time.perf_counter()
            await asyncio.to_thread(
                annotation_update, actor=author, annotation_id=annotation_id,
                expected_version=version, comment=f"Révision {round_}",
            )  # fmt: skip
            version += 1
            from annotator.live.models import Event

            event_id = await asyncio.to_thread(
                lambda: Event.objects.order_by("-id").values_list("id", flat=True).first()
            )
            deadline = time.perf_counter() + 10
            while time.perf_counter() < deadline and not all(
                event_id in s.arrivals for s in streams
            ):
                await asyncio.sleep(0.005)
            times = [
                (s.arrivals[event_id] - started) * 1000 for s in streams if event_id in s.arrivals
            ]
            missing = STREAMS - len(times)
            if missing:
                print(f"round {round_}: {missing} streams did not receive the event within 10 s")
            deliveries += times
            last.append(max(times))
            await asyncio.sleep(0.3)

        def pct(values: list[float]) -> str:
            ordered = sorted(values)
            return (
                f"p50 {statistics.median(ordered):.1f} ms, "
                f"p95 {ordered[max(0, int(len(ordered) * 0.95) - 1)]:.1f} ms"
            )

        load = os.getloadavg()[0]
        print(f"streams: {STREAMS} on one uvicorn worker, connected in {connect_s:.1f} s")
        print(f"delivery latency, every stream and event ({len(deliveries)}): {pct(deliveries)}")
        print(f"until the last of the {STREAMS} streams has it ({ROUNDS} events): {pct(last)}")
        print(
            f"worker RSS {before / 1024:.1f} MB -> {after / 1024:.1f} MB: "
            f"{(after - before) / STREAMS:.1f} kB per stream; load average {load:.2f}"
        )
        for stream in [warm, *streams]:
            if stream.writer:
                stream.writer.close()
        for task in [warm_task, *tasks]:
            task.cancel()
    finally:
        proc.terminate()
        proc.wait(timeout=60)


if __name__ == "__main__":
    asyncio.run(main())
