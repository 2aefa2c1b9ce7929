"""Import formats: one parser module each (pure Python, no Django: they run in the sandbox)."""

from __future__ import annotations

from . import doccano, hypothesis, jsonl, labelstudio, w3c

PARSERS = {module.FORMAT: module for module in (jsonl, w3c, hypothesis, doccano, labelstudio)}
# Formats whose files this app wrote: a moderator may keep their approved annotations approved.
OWN_FORMATS = {"jsonl", "w3c"}
