"""Source intake: turn pasted text, an uploaded file or a fetched page into the text we store.

Nothing here writes to the database. `source_prepare` returns the exact text that
`article_import` will store, so the preview and the saved article never differ. Every refusal
is an `InvalidInputError` subclass with a stable `code` and a message for the person uploading.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings
from django.utils.translation import gettext as _

from annotator.articles.sandbox import ExtractionRefused, extract_in_sandbox
from annotator.articles.services import decode_source
from annotator.lib.errors import InvalidInputError

TEXT = "text"
MARKDOWN = "markdown"
HTML = "html"
PDF = "pdf"
SOURCE_FORMATS = (TEXT, MARKDOWN, HTML, PDF)

EXTENSIONS = {
    ".txt": TEXT,
    ".text": TEXT,
    ".md": MARKDOWN,
    ".markdown": MARKDOWN,
    ".html": HTML,
    ".htm": HTML,
    ".pdf": PDF,
}
CONTENT_TYPES = {
    "text/plain": TEXT,
    "text/markdown": MARKDOWN,
    "text/x-markdown": MARKDOWN,
    "text/html": HTML,
    "application/xhtml+xml": HTML,
    "application/pdf": PDF,
}
# Magic numbers of common binary formats someone might upload by mistake.
BINARY_SIGNATURES = (
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"PK\x03\x04",
    b"\xd0\xcf\x11\xe0",
    b"\x1f\x8b",
    b"RIFF",
    b"\x7fELF",
)
MAX_REDIRECTS = 5


class EmptySourceError(InvalidInputError):
    code = "empty"


class SourceTooLargeError(InvalidInputError):
    code = "too_large"


class TypeMismatchError(InvalidInputError):
    code = "type_mismatch"


class UnsupportedTypeError(InvalidInputError):
    code = "unsupported_type"


class NoTextLayerError(InvalidInputError):
    code = "no_text_layer"


class TooComplexError(InvalidInputError):
    code = "too_complex"


class FetchRefusedError(InvalidInputError):
    code = "fetch_refused"


class FetchFailedError(InvalidInputError):
    code = "fetch_failed"


@dataclass(frozen=True)
class PreparedSource:
    """The text to store, how it was obtained, and a title suggestion from the document."""

    text: str
    source_format: str
    suggested_title: str = ""
    fetched_url: str = ""


def _field_error(error_class: type[InvalidInputError], field: str, message: str) -> Exception:
    return error_class(message, fields={field: [message]})


def max_source_bytes() -> int:
    return int(settings.MAX_SOURCE_BYTES)


def check_size(size: int, *, field: str = "file") -> None:
    limit = max_source_bytes()
    if size > limit:
        raise _field_error(
            SourceTooLargeError,
            field,
            _("The source is too large: %(size)s bytes, the limit is %(limit)s bytes.")
            % {"size": size, "limit": limit},
        )


def sniff_format(raw: bytes) -> str:
    """What the bytes really are: pdf, html, text, or `binary` for anything we cannot read."""
    if raw.startswith(b"%PDF-"):
        return PDF
    if raw.startswith(BINARY_SIGNATURES) or b"\x00" in raw[:8192]:
        return "binary"
    head = raw[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in head:
        return HTML
    return TEXT


def declared_format(*, filename: str = "", content_type: str = "") -> str | None:
    """The format a file claims by its extension, else by its content type."""
    suffix = PurePosixPath(filename.lower()).suffix
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    media = content_type.split(";", 1)[0].strip().lower()
    return CONTENT_TYPES.get(media)


def _check_declared_matches(declared: str, sniffed: str, *, field: str) -> None:
    compatible = {TEXT: {TEXT}, MARKDOWN: {TEXT}, HTML: {HTML}, PDF: {PDF}}
    if sniffed not in compatible[declared]:
        shown = _("binary data") if sniffed == "binary" else sniffed.upper()
        raise _field_error(
            TypeMismatchError,
            field,
            _("The file says it is %(declared)s but its content is %(actual)s.")
            % {"declared": declared.upper(), "actual": shown},
        )


def _refusal(reason: str, *, field: str) -> Exception:
    if reason == "encrypted":
        return _field_error(
            UnsupportedTypeError, field, _("The PDF is password-protected; unlock it first.")
        )
    if reason == "damaged":
        return _field_error(TypeMismatchError, field, _("The PDF is damaged and cannot be read."))
    return _field_error(
        TooComplexError,
        field,
        _(
            "This document is too complex to read: it needs more time or memory than a source "
            "may take. Paste its text instead, or upload a simpler version."
        ),
    )


def extract_html(raw: bytes, *, field: str = "file") -> tuple[str, str]:
    """Main content of an HTML page as Markdown-like text (navigation, boilerplate dropped).

    The bytes go to trafilatura (in the sandbox), which honours the page's declared charset (HTML
    is often not UTF-8); the extracted text is what we store.
    """
    try:
        extracted = extract_in_sandbox(raw, source_format=HTML)
    except ExtractionRefused as refused:
        raise _refusal(refused.reason, field=field) from refused
    return extracted.text, extracted.title


def extract_pdf(raw: bytes, *, field: str = "file") -> tuple[str, str]:
    """Text layer of a PDF (parsed in the sandbox), pages separated by a blank line."""
    try:
        extracted = extract_in_sandbox(raw, source_format=PDF)
    except ExtractionRefused as refused:
        raise _refusal(refused.reason, field=field) from refused
    if not extracted.text.strip():
        raise _field_error(
            NoTextLayerError,
            field,
            _(
                "The PDF has no text layer (it is probably a scan): run it through OCR first, "
                "or paste the text."
            ),
        )
    return extracted.text, extracted.title


def extract(
    raw: bytes, *, source_format: str, name: str = "", field: str = "file"
) -> PreparedSource:
    """The text of `raw` read as `source_format` (already checked against the content)."""
    if source_format == PDF:
        text, title = extract_pdf(raw, field=field)
    elif source_format == HTML:
        text, title = extract_html(raw, field=field)
        if not text:
            raise _field_error(
                EmptySourceError, field, _("No main text could be found in this HTML page.")
            )
    else:
        try:
            text = decode_source(raw, name=name)
        except InvalidInputError as exc:
            raise type(exc)(exc.detail, fields={field: [exc.detail]}) from exc
        title = _first_heading(text) if source_format == MARKDOWN else ""
    if not text.strip():
        raise _field_error(EmptySourceError, field, _("The text is empty."))
    return PreparedSource(text=text, source_format=source_format, suggested_title=title)


def _first_heading(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip().lstrip("#").strip()[:300]
    return ""


def prepare_file(raw: bytes, *, filename: str, content_type: str = "") -> PreparedSource:
    """Check an uploaded file (size, declared type against content) and extract its text."""
    check_size(len(raw))
    if not raw.strip():
        raise _field_error(EmptySourceError, "file", _("The file is empty."))
    declared = declared_format(filename=filename, content_type=content_type)
    if declared is None:
        raise _field_error(
            UnsupportedTypeError,
            "file",
            _("Unsupported file type: upload plain text (.txt), Markdown (.md), HTML or PDF."),
        )
    _check_declared_matches(declared, sniff_format(raw), field="file")
    return extract(raw, source_format=declared, name=filename)


def prepare_text(text: str) -> PreparedSource:
    """Pasted text, stored exactly as given."""
    check_size(len(text.encode("utf-8")), field="text")
    if not text.strip():
        raise _field_error(EmptySourceError, "text", _("The text is empty."))
    if "\x00" in text:
        raise _field_error(TypeMismatchError, "text", _("The text contains binary data."))
    return PreparedSource(text=text, source_format=TEXT, suggested_title=_first_heading(text))


# --- Fetching a page by URL -------------------------------------------------------------------


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _resolve_checked(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, address to connect to) after the scheme and address checks."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise _field_error(
            FetchRefusedError, "source_url", _("Only http and https addresses can be fetched.")
        )
    host = parts.hostname or ""
    if not host:
        raise _field_error(FetchRefusedError, "source_url", _("The address has no host name."))
    try:
        port = parts.port or (443 if scheme == "https" else 80)
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError) as exc:
        raise _field_error(
            FetchFailedError, "source_url", _("The host name could not be resolved.")
        ) from exc
    addresses = [str(info[4][0]) for info in infos]
    if not settings.SOURCE_FETCH_ALLOW_PRIVATE and not all(_is_public(a) for a in addresses):
        raise _field_error(
            FetchRefusedError,
            "source_url",
            _("This address points to a private or local network and cannot be fetched."),
        )
    return scheme, host, port, addresses[0]


def fetch_url(url: str) -> tuple[bytes, str, str]:
    """GET a public http(s) page: (body, content type, final URL).

    Guarantees: only http/https; every address (including each redirect's) must be public unless
    settings.SOURCE_FETCH_ALLOW_PRIVATE; the connection goes to the address that was checked
    (no DNS rebinding); at most settings.SOURCE_FETCH_TIMEOUT seconds per step; the body is read
    up to MAX_SOURCE_BYTES and refused beyond.
    """
    limit = max_source_bytes()
    timeout = urllib3.Timeout(
        connect=settings.SOURCE_FETCH_TIMEOUT, read=settings.SOURCE_FETCH_TIMEOUT
    )
    current = url.strip()
    for _hop in range(MAX_REDIRECTS + 1):
        scheme, host, port, address = _resolve_checked(current)
        parts = urlsplit(current)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        pool: urllib3.HTTPConnectionPool
        if scheme == "https":
            pool = urllib3.HTTPSConnectionPool(
                address,
                port,
                timeout=timeout,
                server_hostname=host,
                assert_hostname=host,
                retries=False,
            )
        else:
            pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False)
        try:
            response = pool.urlopen(
                "GET",
                path,
                headers={
                    "Host": parts.netloc.rsplit("@", 1)[-1],
                    "User-Agent": "annotator-intake/1.0",
                },
                redirect=False,
                preload_content=False,
            )
        except urllib3.exceptions.HTTPError as exc:
            raise _field_error(
                FetchFailedError,
                "source_url",
                _("The page could not be fetched: %(error)s") % {"error": exc},
            ) from exc
        try:
            if response.status in (301, 302, 303, 307, 308) and response.headers.get("Location"):
                current = urljoin(current, response.headers["Location"])
                continue
            if response.status != 200:
                raise _field_error(
                    FetchFailedError,
                    "source_url",
                    _("The server answered with HTTP status %(status)d.")
                    % {"status": response.status},
                )
            declared_length = int(response.headers.get("Content-Length") or 0)
            if declared_length > limit:
                check_size(declared_length, field="source_url")
            body = b""
            for chunk in response.stream(64 * 1024):
                body += chunk
                if len(body) > limit:
                    check_size(len(body), field="source_url")
            return body, response.headers.get("Content-Type", ""), current
        except urllib3.exceptions.HTTPError as exc:
            raise _field_error(
                FetchFailedError,
                "source_url",
                _("The page could not be fetched: %(error)s") % {"error": exc},
            ) from exc
        finally:
            response.release_conn()
            pool.close()
    raise _field_error(FetchFailedError, "source_url", _("Too many redirects."))


def prepare_url(url: str) -> PreparedSource:
    """Fetch a page and extract its text like an uploaded file of the served type."""
    body, content_type, final_url = fetch_url(url)
    if not body.strip():
        raise _field_error(EmptySourceError, "source_url", _("The page is empty."))
    sniffed = sniff_format(body)
    declared = declared_format(content_type=content_type) or declared_format(
        filename=urlsplit(final_url).path
    )
    if declared is None:
        declared = sniffed if sniffed in SOURCE_FORMATS else None
    if declared is None:
        raise _field_error(
            UnsupportedTypeError, "source_url", _("This address does not serve text, HTML or PDF.")
        )
    _check_declared_matches(declared, sniffed, field="source_url")
    prepared = extract(body, source_format=declared, name=final_url, field="source_url")
    return PreparedSource(
        text=prepared.text,
        source_format=prepared.source_format,
        suggested_title=prepared.suggested_title,
        fetched_url=final_url,
    )


def source_prepare(
    *,
    text: str | None = None,
    file_bytes: bytes | None = None,
    filename: str = "",
    content_type: str = "",
    source_url: str = "",
) -> PreparedSource:
    """Exactly one of pasted text, a file or a URL to fetch, turned into the text to store."""
    given = [bool(text and text.strip()), file_bytes is not None, bool(source_url.strip())]
    if sum(given) > 1:
        message = _("Give either a text, a file or an address to fetch, not several.")
        raise InvalidInputError(message, fields={"text": [message]})
    if file_bytes is not None:
        return prepare_file(file_bytes, filename=filename, content_type=content_type)
    if source_url.strip():
        return prepare_url(source_url)
    return prepare_text(text or "")


def source_prepare_from_request(
    *, text: str | None, upload: Any | None, source_url: str = ""
) -> PreparedSource:
    """`source_prepare` for an uploaded file object: the size is checked before it is read."""
    if upload is None:
        return source_prepare(text=text, source_url=source_url or "")
    check_size(int(upload.size or 0))
    return source_prepare(
        text=text,
        file_bytes=upload.read(),
        filename=upload.name or "",
        content_type=getattr(upload, "content_type", "") or "",
        source_url=source_url or "",
    )
