"""Render an article's stored text as readable HTML without losing its offsets.

The corpus uses a light Markdown (``#`` headings, ``**bold**``, ``*italic*``, ``[text](url)``
links, ``\\(`` escapes) and, in PDF extracts, hard line breaks inside sentences. The page hides
the marks and joins the lines, but every displayed character still comes from one stored
character: each displayed text run is an element carrying ``data-start``/``data-end``, the
code-point offsets of the stored text it shows, and shows exactly as many characters (a line
break inside a paragraph is shown as one space). The browser maps selections back to stored
offsets through these attributes. The stored text is never changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_HEADING = re.compile(r"(#{1,6})[ \t]+")
_LINK = re.compile(r"\[((?:[^\[\]\\\n]|\\.)+)\]\(([^()\s]*)\)")
_ESCAPABLE = set("\\`*_{}[]()#+-.!")


@dataclass
class Run:
    start: int
    end: int
    text: str  # what is displayed: as many characters as text[start:end]
    styles: tuple[str, ...] = ()


@dataclass
class Block:
    tag: str  # "p" or "h2".."h4"
    runs: list[Run] = field(default_factory=list)


def _inline(text: str, start: int, end: int, styles: tuple[str, ...], runs: list[Run]) -> None:
    """Split text[start:end] into displayed runs, dropping the Markdown marks."""
    i, buffer_start = start, start

    def flush(upto: int) -> None:
        if upto > buffer_start:
            shown = text[buffer_start:upto].replace("\n", " ").replace("\t", " ")
            runs.append(Run(buffer_start, upto, shown, styles))

    while i < end:
        char = text[i]
        if char == "\\" and i + 1 < end and text[i + 1] in _ESCAPABLE:
            flush(i)
            runs.append(Run(i + 1, i + 2, text[i + 1], styles))
            i += 2
            buffer_start = i
            continue
        if text.startswith("**", i):
            close = text.find("**", i + 2, end)
            if close > i + 2:
                flush(i)
                _inline(text, i + 2, close, (*styles, "strong"), runs)
                i = buffer_start = close + 2
                continue
        elif char == "*" and i + 1 < end and not text[i + 1].isspace():
            close = text.find("*", i + 1, end)
            if close > i + 1 and not text.startswith("**", close):
                flush(i)
                _inline(text, i + 1, close, (*styles, "em"), runs)
                i = buffer_start = close + 1
                continue
        elif char == "[":
            match = _LINK.match(text, i, end)
            if match:
                flush(i)
                _inline(text, match.start(1), match.end(1), (*styles, "a"), runs)
                i = buffer_start = match.end()
                continue
        i += 1
    flush(end)


_SENTENCE_END = tuple('.:;!?»)"…*')


def _looks_like_title(line: str) -> bool:
    """A PDF extract's title line: short, no closing punctuation, no Markdown."""
    line = line.strip()
    return (
        0 < len(line) <= 120
        and line[0].isupper()
        and not line.endswith(_SENTENCE_END)
        and "[" not in line
    )


def _block(text: str, tag: str, start: int, end: int) -> Block | None:
    block = Block(tag)
    _inline(text, start, end, (), block.runs)
    return block if block.runs else None


def parse_blocks(text: str) -> list[Block]:
    """Paragraphs (separated by blank lines) and headings, as runs of stored offsets.

    Besides Markdown headings, a PDF extract's short unpunctuated block, or the short first line
    of a block followed by a capitalised line, is shown as a sub-heading.
    """
    blocks: list[Block | None] = []
    for match in re.finditer(r"(?:[^\n]|\n(?![ \t]*\n))+", text):
        start, end = match.start(), match.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            continue
        body = text[start:end]
        heading = _HEADING.match(text, start, end)
        if heading and "\n" not in body:
            tag = f"h{min(len(heading.group(1)) + 1, 4)}"
            blocks.append(_block(text, tag, heading.end(), end))
            continue
        first_break = body.find("\n")
        if _looks_like_title(body.replace("\n", " ")) and not body.startswith(("*", "«")):
            blocks.append(_block(text, "h3", start, end))
            continue
        if (
            0 < first_break <= 60
            and _looks_like_title(body[:first_break])
            and body[first_break + 1 : first_break + 2].isupper()
        ):
            blocks.append(_block(text, "h3", start, start + first_break))
            start += first_break + 1
        blocks.append(_block(text, "p", start, end))
    return [block for block in blocks if block is not None]


_OPEN = {"a": '<a class="dead-link" href="#" tabindex="-1">', "strong": "<strong>", "em": "<em>"}


def _block_html(block: Block) -> str:
    """Runs in order, opening and closing style elements only where the styles change."""
    out: list[str] = [f"<{block.tag}>"]
    stack: list[str] = []
    for run in block.runs:
        common = 0
        while common < min(len(stack), len(run.styles)) and stack[common] == run.styles[common]:
            common += 1
        while len(stack) > common:
            out.append(f"</{stack.pop()}>")
        for style in run.styles[common:]:
            out.append(_OPEN[style])
            stack.append(style)
        out.append(
            f'<span class="run" data-start="{run.start}" data-end="{run.end}">'
            f"{escape(run.text)}</span>"
        )
    out.extend(f"</{style}>" for style in reversed(stack))
    out.append(f"</{block.tag}>")
    return "".join(out)


def render_article_text(text: str) -> SafeString:
    """HTML of the text: one element per block, one `.run` span per displayed run."""
    parts = [_block_html(block) for block in parse_blocks(text)]
    return mark_safe("\n".join(parts))  # noqa: S308 - every text run is escaped above


_RENDERED: dict[str, SafeString] = {}
RENDERED_TEXTS_KEPT = 64


def render_article_text_cached(text: str, sha256: str) -> SafeString:
    """`render_article_text`, kept per process for the last RENDERED_TEXTS_KEPT texts. Keyed by
    the text's SHA-256, which the services store with every text they write: a revised text is
    a new key, never a stale page."""
    html = _RENDERED.get(sha256)
    if html is None:
        html = render_article_text(text)
        if len(_RENDERED) >= RENDERED_TEXTS_KEPT:
            _RENDERED.pop(next(iter(_RENDERED), ""), None)
        _RENDERED[sha256] = html
    return html
