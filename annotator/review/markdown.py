"""Replies use the one Markdown renderer of the app (`annotator.lib.markdown`): comments, replies
and review comments render the same, sanitized the same way, on every page and in the reader."""

from __future__ import annotations

from annotator.lib.markdown import render_markdown

__all__ = ["render_markdown"]
