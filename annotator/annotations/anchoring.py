"""Re-anchoring W3C selectors on a revised text. Pure functions: no database, no Django.

Order of attempts (the first that succeeds wins):
1. ``position``: the old offsets still hold the exact quote in the new text;
2. ``quote``: the exact quote occurs exactly once in the new text;
3. ``fuzzy``: the quote occurs several times, or only approximately (a typo fixed inside it): the
   candidate is found with rapidfuzz's approximate alignment, then scored on the quote and on its
   prefix/suffix context; it is accepted only above ``QUOTE_THRESHOLD`` and, when several places
   compete, only if one is clearly better than the others;
4. otherwise ``None``: the caller orphans the annotation and keeps its original quote.

Offsets are Python string indexes, that is Unicode code points, as the W3C model requires.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from rapidfuzz import fuzz

CONTEXT_LENGTH = 32
# Similarity (0-100) the quote must reach for a fuzzy match to be trusted.
QUOTE_THRESHOLD = 85.0
# Context similarity an approximate quote must also reach, so a short quote is not matched to a
# look-alike passage in another part of the text.
CONTEXT_THRESHOLD = 50.0
# When the quote occurs several times, the best candidate must beat the next by this margin.
AMBIGUITY_MARGIN = 5.0


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
    method: str  # "position", "quote" or "fuzzy"


def selector_at(text: str, start: int, end: int) -> Selector:
    """The selector for text[start:end], with up to 32 code points of context on each side."""
    return Selector(
        exact=text[start:end],
        prefix=text[max(0, start - CONTEXT_LENGTH) : start],
        suffix=text[end : end + CONTEXT_LENGTH],
        start=start,
        end=end,
    )


def _occurrences(text: str, exact: str) -> list[int]:
    found, index = [], text.find(exact)
    while index != -1:
        found.append(index)
        index = text.find(exact, index + 1)
    return found


def _context_score(text: str, start: int, end: int, old: Selector) -> float:
    """How well the context around text[start:end] matches the old prefix and suffix (0-100)."""
    scores = []
    if old.prefix:
        scores.append(fuzz.ratio(old.prefix, text[max(0, start - len(old.prefix)) : start]))
    if old.suffix:
        scores.append(fuzz.ratio(old.suffix, text[end : end + len(old.suffix)]))
    return sum(scores) / len(scores) if scores else 100.0


def _best_among(text: str, starts: list[int], old: Selector) -> int | None:
    """The occurrence whose context matches clearly best, or None when it is ambiguous."""
    length = old.end - old.start
    scored = sorted(
        ((_context_score(text, s, s + length, old), -abs(s - old.start), s) for s in starts),
        reverse=True,
    )
    best = scored[0]
    if len(scored) > 1 and best[0] - scored[1][0] < AMBIGUITY_MARGIN:
        return None
    return best[2] if best[0] >= CONTEXT_THRESHOLD else None


def _refine(text: str, exact: str, start: int, end: int) -> tuple[int, int, float]:
    """Nudge the ends of an approximate window to where the quote matches best."""
    best = (start, end, fuzz.ratio(exact, text[start:end]))
    slack = max(2, len(exact) // 20)
    for ds in range(-slack, slack + 1):
        for de in range(-slack, slack + 1):
            s, e = start + ds, end + de
            if 0 <= s < e <= len(text):
                score = fuzz.ratio(exact, text[s:e])
                if score > best[2]:
                    best = (s, e, score)
    return best


def _fuzzy(text: str, old: Selector) -> Selector | None:
    # Search the quote with its context: the context pulls the alignment to the right place.
    needle = old.prefix + old.exact + old.suffix
    alignment = fuzz.partial_ratio_alignment(needle, text, score_cutoff=QUOTE_THRESHOLD - 15)
    if alignment is None:
        return None
    # Where the quote itself should sit inside the aligned window.
    guess_start = alignment.dest_start + len(old.prefix) - alignment.src_start
    guess_end = guess_start + len(old.exact)
    guess_start, guess_end = max(0, guess_start), min(len(text), guess_end)
    if guess_start >= guess_end:
        return None
    start, end, score = _refine(text, old.exact, guess_start, guess_end)
    if score < QUOTE_THRESHOLD or _context_score(text, start, end, old) < CONTEXT_THRESHOLD:
        return None
    return selector_at(text, start, end)


def reanchor(new_text: str, old: Selector) -> Anchoring | None:
    """Where `old` (a selector on the previous text) lies in `new_text`, or None (orphan)."""
    if 0 <= old.start < old.end <= len(new_text) and new_text[old.start : old.end] == old.exact:
        return Anchoring(selector_at(new_text, old.start, old.end), "position")
    starts = _occurrences(new_text, old.exact)
    if len(starts) == 1:
        return Anchoring(selector_at(new_text, starts[0], starts[0] + len(old.exact)), "quote")
    if len(starts) > 1:
        best = _best_among(new_text, starts, old)
        if best is None:
            return None
        return Anchoring(selector_at(new_text, best, best + len(old.exact)), "fuzzy")
    found = _fuzzy(new_text, old)
    return Anchoring(found, "fuzzy") if found is not None else None


def with_offsets(selector: Selector, start: int, end: int) -> Selector:
    return replace(selector, start=start, end=end)
