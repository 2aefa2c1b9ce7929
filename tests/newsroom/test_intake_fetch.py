"""Fetching a page by URL: served by the test itself on 127.0.0.1, with the guard relaxed."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from annotator.articles import intake
from tests.factories.newsroom import ARTICLE_HTML, text_pdf


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        routes = {
            "/article.html": ("text/html; charset=utf-8", ARTICLE_HTML.encode()),
            "/programme.pdf": ("application/pdf", text_pdf()),
            "/note.txt": ("text/plain; charset=utf-8", b"Ligne 1\nLigne 2\n"),
            "/big.txt": ("text/plain", b"x" * 5000),
            "/image.png": ("image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
        }
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/article.html")
            self.end_headers()
            return
        if self.path == "/slow":
            time.sleep(2.5)
        if self.path not in routes:
            self.send_response(404)
            self.end_headers()
            return
        content_type, body = routes[self.path]
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def private_allowed(settings):  # type: ignore[no-untyped-def]
    settings.SOURCE_FETCH_ALLOW_PRIVATE = True
    return settings


def test_fetching_an_html_page_extracts_its_main_content(site, private_allowed):
    prepared = intake.source_prepare(source_url=f"{site}/article.html")
    assert prepared.source_format == intake.HTML
    assert prepared.text.startswith("# La candidate veut un ministère du numérique")
    assert "Accueil" not in prepared.text
    assert prepared.fetched_url == f"{site}/article.html"


def test_fetching_a_pdf_and_a_text_file_uses_the_served_content_type(site, private_allowed):
    assert intake.source_prepare(source_url=f"{site}/programme.pdf").source_format == intake.PDF
    assert intake.source_prepare(source_url=f"{site}/note.txt").text == "Ligne 1\nLigne 2\n"


def test_redirects_are_followed_and_the_final_address_is_kept(site, private_allowed):
    prepared = intake.source_prepare(source_url=f"{site}/moved")
    assert prepared.fetched_url == f"{site}/article.html"


def test_a_page_over_the_size_limit_is_refused(site, private_allowed):
    private_allowed.MAX_SOURCE_BYTES = 1000
    with pytest.raises(intake.SourceTooLargeError):
        intake.source_prepare(source_url=f"{site}/big.txt")


def test_a_slow_server_times_out_with_a_clear_message(site, private_allowed):
    private_allowed.SOURCE_FETCH_TIMEOUT = 1
    with pytest.raises(intake.FetchFailedError, match="could not be fetched"):
        intake.source_prepare(source_url=f"{site}/slow")


def test_an_error_status_and_a_non_text_type_are_refused(site, private_allowed):
    with pytest.raises(intake.FetchFailedError, match="404"):
        intake.source_prepare(source_url=f"{site}/missing")
    with pytest.raises(intake.UnsupportedTypeError):
        intake.source_prepare(source_url=f"{site}/image.png")


def test_the_strict_default_refuses_the_local_test_server(site, settings):
    assert settings.SOURCE_FETCH_ALLOW_PRIVATE is False
    with pytest.raises(intake.FetchRefusedError, match="private or local"):
        intake.source_prepare(source_url=f"{site}/article.html")


@pytest.mark.parametrize(
    "address",
    [
        "http://localhost/",
        "http://10.1.2.3/",
        "http://192.168.0.10/page",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "https://0.0.0.0/",
    ],
)
def test_the_strict_default_refuses_private_and_local_addresses(address):
    with pytest.raises(intake.FetchRefusedError):
        intake.source_prepare(source_url=address)


@pytest.mark.parametrize(
    "address",
    ["ftp://example.org/a.txt", "file:///etc/passwd", "javascript:alert(1)", "gopher://x"],
)
def test_only_http_and_https_are_fetched_even_when_private_addresses_are_allowed(
    address, private_allowed
):
    with pytest.raises(intake.FetchRefusedError, match="Only http and https"):
        intake.source_prepare(source_url=address)
