"""The Redis cache keeps one client per process: every backend object (one per thread under
WSGI, one per request under ASGI) and every command share it, and it still works as a cache."""

from __future__ import annotations

import threading

from django.core.cache import cache, caches


def test_backends_of_every_thread_share_one_client_and_one_redis_object():
    seen = []

    def use() -> None:
        backend = caches.create_connection("default")
        seen.append((backend._cache, backend._cache.get_client(), backend._cache.get_client()))

    threads = [threading.Thread(target=use) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    clients = {id(client) for client, _, _ in seen}
    redis_objects = {id(r) for _, first, second in seen for r in (first, second)}
    assert len(clients) == 1 and len(redis_objects) == 1


def test_it_is_still_a_cache():
    cache.set("shared-client-probe", {"n": 1}, 30)
    assert cache.get("shared-client-probe") == {"n": 1}
    assert cache.add("shared-client-probe", 2) is False
    cache.delete("shared-client-probe")
    assert cache.get("shared-client-probe") is None
