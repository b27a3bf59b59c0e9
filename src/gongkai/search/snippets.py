"""Highlighted snippets: escape the HTML first, then mark the hits with <mark>. Pure: no Django import.

Hits are found in the folded text (so a 繁體 query marks the 简体 words it matched, and [2019] marks 〔2019〕)
and marked in the original text, which is what the reader sees.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from gongkai.search.text import fold, fold_with_offsets

SNIPPET_CHARS = 140
LEAD_CHARS = 30
SCAN_CHARS = 60_000  # how far into a long text a hit is looked for
WINDOW_CHARS = 4_000  # looked for a window at a time


def _pattern(terms: Sequence[str]) -> re.Pattern[str] | None:
    folded = sorted({fold(t) for t in terms if t and t.strip()}, key=len, reverse=True)
    folded = [t for t in folded if t.strip()]
    if not folded:
        return None
    return re.compile("|".join(re.escape(t) for t in folded))


def _hits(text: str, pattern: re.Pattern[str] | None) -> list[tuple[int, int]]:
    """Hit spans in `text` (original offsets)."""
    if pattern is None or not text:
        return []
    folded, offsets = fold_with_offsets(text)
    spans = []
    for match in pattern.finditer(folded):
        if match.end() > match.start():
            start = offsets[match.start()]
            end = offsets[match.end() - 1] + 1
            spans.append((start, end))
    return spans


def _render(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    out: list[str] = []
    cursor = start
    for s, e in spans:
        s, e = max(s, start), min(e, end)
        if e <= s or s < cursor:
            continue
        out.append(html.escape(text[cursor:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        cursor = e
    out.append(html.escape(text[cursor:end]))
    return "".join(out)


def highlight(text: str, terms: Sequence[str]) -> str:
    """The whole of `text`, escaped, with every hit marked (titles)."""
    return _render(text, _hits(text, _pattern(terms)), 0, len(text))


def _first_hit(text: str, pattern: re.Pattern[str] | None, margin: int) -> int | None:
    """Where the first hit starts, looking through the text a window at a time (most hits are near the
    beginning: folding all SCAN_CHARS characters of every result was most of a search's time)."""
    if pattern is None:
        return None
    start = 0
    while start < len(text):
        window = text[start : start + WINDOW_CHARS + margin]
        spans = _hits(window, pattern)
        if spans:
            return start + spans[0][0]
        start += WINDOW_CHARS
    return None


def snippet(text: str, terms: Sequence[str], *, chars: int = SNIPPET_CHARS) -> tuple[str, bool]:
    """About `chars` characters of `text` around its first hit, escaped, hits marked; and whether there was a
    hit. Without a hit, the beginning of the text."""
    text = re.sub(r"\s+", " ", text[:SCAN_CHARS]).strip()
    pattern = _pattern(terms)
    margin = 2 * max((len(t) for t in terms), default=0) + 8  # a hit across a window's edge is found whole
    first = _first_hit(text, pattern, margin)
    if first is None:
        end = min(len(text), chars)
        return html.escape(text[:end]) + ("…" if end < len(text) else ""), False
    start = max(0, first - LEAD_CHARS)
    end = min(len(text), start + chars)
    start = max(0, min(start, end - chars))
    around = max(0, start - margin)
    spans = [(s + around, e + around) for s, e in _hits(text[around : end + margin], pattern)]
    body = _render(text, spans, start, end)
    return ("…" if start > 0 else "") + body + ("…" if end < len(text) else ""), True
