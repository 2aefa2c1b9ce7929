"""Re-anchoring W3C selectors on a revised text. Pure functions: no database, no Django.

The edit between the two texts is computed once per revision (`TextEdit`, one diff of the whole
text by Google's diff-match-patch in C++, linear in practice and bounded by `DIFF_TIME_LIMIT`),
then every selector is placed by `TextEdit.place`:

1. ``position``: the passage lies inside text the edit left alone; its offsets move with the text
   around it and its quote is unchanged (an exact guarantee, not a search);
2. ``fuzzy``: the edit changed part of the passage (a typo fixed inside it) but most of it
   survived (`SURVIVAL_THRESHOLD`); the ends are mapped through the edit, and the new quote
   differs from the old one, so the caller sends an approved annotation back to review;
3. ``quote``: the edit destroyed the passage where it was; the exact quote is searched in the new
   text and a candidate is accepted only when its prefix *and* suffix context also match
   (`CONTEXT_THRESHOLD`), even when it is the only occurrence, and only when one candidate does;
4. otherwise ``None``: the caller orphans the annotation and keeps its original quote.

An orphan (placed on no text) has nothing to map and only goes through step 3. Every step is
linear in the text and the passage: no step compares windows pairwise.

Offsets are Python string indexes, that is Unicode code points, as the W3C model requires.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Any

import fast_diff_match_patch
from rapidfuzz import fuzz

CONTEXT_LENGTH = 32
# Share of the old passage the edit must have left in place for it to be mapped, not searched.
SURVIVAL_THRESHOLD = 0.5
# Similarity (0-100) each side of a searched candidate's context must reach.
CONTEXT_THRESHOLD = 75.0
# Seconds the diff may take before it settles for a coarser (still exact) edit script.
DIFF_TIME_LIMIT = 1.0


@dataclass(frozen=True)
class Selector:
    """A TextQuoteSelector and a TextPositionSelector over one text."""

    exact: str
    prefix: str
    suffix: str
    start: int
    end: int


@dataclass(frozen=True)
class Anchoring:
    selector: Selector
    method: str  # "position", "fuzzy" or "quote" (see the module docstring)

    @property
    def passage_changed(self) -> bool:
        """Whether the place was found otherwise than by carrying an intact passage along."""
        return self.method != "position"


def selector_at(text: str, start: int, end: int) -> Selector:
    """The selector for text[start:end], with up to 32 code points of context on each side."""
    return Selector(
        exact=text[start:end],
        prefix=text[max(0, start - CONTEXT_LENGTH) : start],
        suffix=text[end : end + CONTEXT_LENGTH],
        start=start,
        end=end,
    )


class TextEdit:
    """The edit from `old` to `new` as runs of kept text, for mapping offsets.

    `_old_starts[i]`, `_new_starts[i]`, `_lengths[i]`: the i-th run of text the edit kept. Between
    two runs lies a change (a deletion, an insertion or both).
    """

    def __init__(self, old: str, new: str) -> None:
        self.old, self.new = old, new
        ops = _diff(old, new)
        _align_to_boundaries(ops, old, new)
        old_starts: list[int] = []
        new_starts: list[int] = []
        lengths: list[int] = []
        old_pos = new_pos = 0
        for op, count in ops:
            if op == "=":
                if count:
                    old_starts.append(old_pos)
                    new_starts.append(new_pos)
                    lengths.append(count)
                old_pos += count
                new_pos += count
            elif op == "-":
                old_pos += count
            else:
                new_pos += count
        self._old_starts, self._new_starts, self._lengths = old_starts, new_starts, lengths
        self._old_length, self._new_length = len(old), len(new)

    def _run_of(self, position: int, *, closing: bool) -> int:
        """Index of the kept run holding `position` (as a start, or as an end when `closing`)."""
        index = bisect_right(self._old_starts, position - 1 if closing else position) - 1
        if index < 0:
            return -1
        inside = position - self._old_starts[index]
        holds = 0 < inside <= self._lengths[index] if closing else inside < self._lengths[index]
        return index if holds else -1

    def map_start(self, position: int) -> int:
        """New offset of an old start: text inserted at the start stays outside the passage; a
        start inside a change goes to the start of what replaced it."""
        index = self._run_of(position, closing=False)
        if index >= 0:
            return self._new_starts[index] + position - self._old_starts[index]
        following = bisect_right(self._old_starts, position)
        previous = following - 1
        if previous < 0:
            return 0
        return self._new_starts[previous] + self._lengths[previous]

    def map_end(self, position: int) -> int:
        """New offset of an old end: text inserted at the end stays outside the passage; an end
        inside a change goes to the end of what replaced it."""
        index = self._run_of(position, closing=True)
        if index >= 0:
            return self._new_starts[index] + position - self._old_starts[index]
        following = bisect_right(self._old_starts, position)
        if following >= len(self._old_starts):
            return self._new_length
        return self._new_starts[following]

    def kept_inside(self, start: int, end: int) -> int:
        """How many code points of old[start:end] the edit kept."""
        first = max(0, bisect_right(self._old_starts, start) - 1)
        kept = 0
        for index in range(first, len(self._old_starts)):
            run_start = self._old_starts[index]
            if run_start >= end:
                break
            kept += max(0, min(end, run_start + self._lengths[index]) - max(start, run_start))
        return kept

    def place(self, old: Selector, *, orphan: bool = False) -> Anchoring | None:
        """Where `old` (a selector on the old text, or an orphan's last selector) lies in the new
        text, or None when no place can be trusted."""
        if not orphan and 0 <= old.start < old.end <= self._old_length:
            start, end = self.map_start(old.start), self.map_end(old.end)
            if start < end:
                run = self._run_of(old.start, closing=False)
                if run >= 0 and run == self._run_of(old.end, closing=True):
                    return Anchoring(selector_at(self.new, start, end), "position")
                if self.kept_inside(old.start, old.end) >= SURVIVAL_THRESHOLD * (
                    old.end - old.start
                ):
                    found = selector_at(self.new, start, end)
                    method = "position" if found.exact == old.exact else "fuzzy"
                    return Anchoring(found, method)
        found_at = search_with_context(self.new, old)
        if found_at is None:
            return None
        return Anchoring(selector_at(self.new, found_at, found_at + len(old.exact)), "quote")


# A sentence, or a line: the units of the first, coarse pass of the diff.
_SEGMENT = re.compile(r"[^.!?…\n]*(?:[.!?…]+|\n)\s*|[^.!?…\n]+\s*")


def _segments(text: str) -> list[str]:
    return _SEGMENT.findall(text)


def _diff(old: str, new: str) -> list[list[Any]]:
    """The edit from `old` to `new` as [op, count] runs of code points ("=", "-", "+").

    Two passes, as diff-match-patch's line mode does: sentences and lines first (each distinct
    one stands for one character, so the diff runs over thousands of units, not hundreds of
    thousands), then characters inside each changed block. Both passes are bounded by
    DIFF_TIME_LIMIT; a diff that runs out of time is coarser, never wrong.
    """
    old_units, new_units = _segments(old), _segments(new)
    codes: dict[str, str] = {}
    encode = lambda units: "".join(  # noqa: E731 - local helper
        codes.setdefault(unit, chr(0x10000 + len(codes))) for unit in units
    )
    coarse = fast_diff_match_patch.diff(
        encode(old_units), encode(new_units), timelimit=DIFF_TIME_LIMIT, cleanup="No"
    )
    ops: list[list[Any]] = []
    old_index = new_index = 0
    old_pos = new_pos = 0
    pending_old = pending_new = 0  # a changed block being gathered, in code points

    def flush() -> None:
        nonlocal pending_old, pending_new
        if pending_old or pending_new:
            block = fast_diff_match_patch.diff(
                old[old_pos - pending_old : old_pos],
                new[new_pos - pending_new : new_pos],
                timelimit=DIFF_TIME_LIMIT,
                cleanup="Efficiency",
            )
            ops.extend([op, count] for op, count in block)
        pending_old = pending_new = 0

    for op, count in coarse:
        if op == "=":
            flush()
            length = sum(len(unit) for unit in old_units[old_index : old_index + count])
            ops.append(["=", length])
            old_index += count
            new_index += count
            old_pos += length
            new_pos += length
        elif op == "-":
            length = sum(len(unit) for unit in old_units[old_index : old_index + count])
            old_index += count
            old_pos += length
            pending_old += length
        else:
            length = sum(len(unit) for unit in new_units[new_index : new_index + count])
            new_index += count
            new_pos += length
            pending_new += length
    flush()
    return _merged(ops)


def _merged(ops: list[list[Any]]) -> list[list[Any]]:
    """Adjacent runs of the same kind joined, empty runs dropped."""
    merged: list[list[Any]] = []
    for op, count in ops:
        if not count:
            continue
        if merged and merged[-1][0] == op:
            merged[-1][1] += count
        else:
            merged.append([op, count])
    return merged


# How far a lone insertion or deletion may slide to find a natural boundary.
MAX_SLIDE = 512


def _boundary_score(text: str, at: int) -> int:
    """How natural a cut of `text` at `at` is (diff-match-patch's semantic score): 6 at either
    end of the text, 5 at a blank line, 4 at a line break, 3 after a sentence, 2 at a space,
    1 at punctuation, 0 inside a word."""
    if at <= 0 or at >= len(text):
        return 6
    before, after = text[at - 1], text[at]
    non_alnum1, non_alnum2 = not before.isalnum(), not after.isalnum()
    space1, space2 = before.isspace(), after.isspace()
    break1, break2 = before in "\r\n", after in "\r\n"
    if (break1 and text[max(0, at - 3) : at].replace("\r", "").endswith("\n\n")) or (
        break2 and text[at : at + 4].replace("\r", "").startswith("\n\n")
    ):
        return 5
    if break1 or break2:
        return 4
    if non_alnum1 and not space1 and space2:
        return 3
    if space1 or space2:
        return 2
    return 1 if non_alnum1 or non_alnum2 else 0


def _align_to_boundaries(ops: list[list[Any]], old: str, new: str) -> None:
    """Slide every lone insertion or deletion between two kept runs to the most natural cut
    (diff-match-patch's lossless semantic cleanup, on offsets): a deleted sentence is then cut
    at its own ends, not one character into the next sentence that happens to end alike."""
    old_pos = new_pos = 0
    for index, (op, count) in enumerate(ops):
        if op == "=" or not (0 < index < len(ops) - 1):
            old_pos, new_pos = _advance(op, count, old_pos, new_pos)
            continue
        before, after = ops[index - 1], ops[index + 1]
        if before[0] != "=" or after[0] != "=":
            old_pos, new_pos = _advance(op, count, old_pos, new_pos)
            continue
        text, at = (old, old_pos) if op == "-" else (new, new_pos)
        left = 0
        while (
            left < min(before[1], MAX_SLIDE) and text[at - left - 1] == text[at + count - left - 1]
        ):
            left += 1
        right = 0
        while right < min(after[1], MAX_SLIDE) and text[at + right] == text[at + count + right]:
            right += 1
        best_shift, best_score = 0, -1
        for shift in range(-left, right + 1):
            score = _boundary_score(text, at + shift) + _boundary_score(text, at + shift + count)
            if score >= best_score:
                best_shift, best_score = shift, score
        before[1] += best_shift
        after[1] -= best_shift
        old_pos += best_shift
        new_pos += best_shift
        old_pos, new_pos = _advance(op, count, old_pos, new_pos)


def _advance(op: str, count: int, old_pos: int, new_pos: int) -> tuple[int, int]:
    return (old_pos + (count if op != "+" else 0), new_pos + (count if op != "-" else 0))


def _occurrences(text: str, exact: str) -> list[int]:
    found, index = [], text.find(exact)
    while index != -1:
        found.append(index)
        index = text.find(exact, index + 1)
    return found


def _context_matches(text: str, start: int, end: int, old: Selector) -> bool:
    """Both sides of text[start:end] match the old prefix and suffix. An empty old prefix (the
    passage opened the text) matches only the start of the text; an empty suffix, its end."""
    before = text[max(0, start - len(old.prefix)) : start]
    after = text[end : end + len(old.suffix)]
    if not old.prefix and start != 0:
        return False
    if not old.suffix and end != len(text):
        return False
    return (
        fuzz.ratio(old.prefix, before) >= CONTEXT_THRESHOLD
        and fuzz.ratio(old.suffix, after) >= CONTEXT_THRESHOLD
    )


def search_with_context(text: str, old: Selector) -> int | None:
    """The start of the one occurrence of `old.exact` in `text` whose context matches, or None
    when there is none or more than one."""
    if not old.exact:
        return None
    candidates = [
        start
        for start in _occurrences(text, old.exact)
        if _context_matches(text, start, start + len(old.exact), old)
    ]
    return candidates[0] if len(candidates) == 1 else None


def reanchor(old_text: str, new_text: str, old: Selector) -> Anchoring | None:
    """One selector placed on a revised text (a `TextEdit` for a single selector)."""
    return TextEdit(old_text, new_text).place(old)
