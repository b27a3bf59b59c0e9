"""What a user typed, taken apart. Pure: no Django import.

Query syntax (docs/search.md): words separated by spaces must all occur; "…" (or “…”) is an exact phrase; a
word or phrase written with a leading minus (-词) must not occur; a 文号 in any bracket style, or its
beginning such as 国办发〔2019〕, and an exact 索引号 are recognised (the caller looks them up). Nothing else is
syntax: FTS operators (AND, OR, NEAR, *, ^, :, parentheses) are ordinary text here, because every token
reaches the database quoted.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from gongkai.core.docno import doc_no_prefix_query, parse_doc_no
from gongkai.search.text import MARK, Segmenter, Token, strip_controls

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
MAX_CLAUSE_TOKENS = 24
QUOTES = '"“”„‟「」『』＂'
MINUS = "-－−"
# One-character words that carry no meaning on their own in a query of several words.
STOPWORDS = frozenset("的了和与及或等之在是对为于并而其把被也都就将以")

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_DOC_NO_PREFIX = re.compile(r"^[^\s〔〕\d]*[\u3400-\u9fff][^\s〔〕\d]*〔\d{0,4}(?:〕\d*)?$")


@dataclass(frozen=True)
class RawTerm:
    text: str
    quoted: bool = False
    negated: bool = False


@dataclass(frozen=True)
class Clause:
    """Tokens that must occur together: one word, or a phrase (its words at their relative positions;
    `MARK` where punctuation stands between them)."""

    tokens: tuple[Token, ...]

    @property
    def words(self) -> tuple[Token, ...]:
        return tuple(t for t in self.tokens if t.text != MARK)

    @property
    def highlight(self) -> tuple[str, ...]:
        """Strings to mark in a snippet: a run of Chinese characters and digits as one string, else each word."""
        words = self.words
        if len(words) > 1 and MARK not in [t.text for t in self.tokens]:
            joined = "".join(t.text for t in words)
            contiguous = all(b.pos == a.pos + len(a.text) for a, b in itertools.pairwise(words))
            if contiguous and not any(c.isascii() and c.isalpha() for c in joined):
                return (joined,)
        return tuple(t.text for t in words)


def sanitize(raw: str) -> str:
    """Control characters out, whitespace collapsed, at most MAX_QUERY_CHARS characters."""
    text = strip_controls(raw or "")
    text = re.sub(r"\s+", " ", text).strip()
    return text[:MAX_QUERY_CHARS].strip()


def lex(query: str) -> list[RawTerm]:
    """Words, quoted phrases (an unclosed quote runs to the end) and their minus signs."""
    terms: list[RawTerm] = []
    i, n = 0, len(query)
    while i < n and len(terms) < MAX_TERMS:
        if query[i].isspace():
            i += 1
            continue
        negated = False
        if query[i] in MINUS and i + 1 < n and not query[i + 1].isspace():
            negated, i = True, i + 1
        if query[i] in QUOTES:
            j = i + 1
            while j < n and query[j] not in QUOTES:
                j += 1
            text, quoted, i = query[i + 1 : j], True, j + 1
        else:
            j = i
            while j < n and not query[j].isspace() and query[j] not in QUOTES:
                j += 1
            text, quoted, i = query[i:j], False, j
        text = text.strip()
        if text:
            terms.append(RawTerm(text, quoted, negated))
    return terms


def doc_no_candidate(text: str) -> tuple[str, str] | None:
    """("exact", normalized 文号) for a complete 文号, ("prefix", normalized beginning) for e.g. 国办发〔2019〕,
    else None. A 文号 needs a Chinese 机关代字 before its number (so 12号 or 2019 alone is not one)."""
    parsed = parse_doc_no(text)
    if parsed is not None and _CJK.search(parsed.prefix):
        return ("exact", parsed.normalized)
    prefix = doc_no_prefix_query(text)
    if _DOC_NO_PREFIX.match(prefix):
        return ("prefix", prefix)
    return None


def index_no_candidate(text: str) -> str | None:
    """A string that may be a 索引号 (checked against the index by the caller): no spaces, a digit, ≥ 5 chars."""
    text = text.strip()
    if len(text) >= 5 and " " not in text and any(c.isdigit() for c in text):
        return text
    return None


def _split_at_marks(tokens: list[Token]) -> list[list[Token]]:
    segments: list[list[Token]] = [[]]
    for token in tokens:
        if token.text == MARK:
            segments.append([])
        else:
            segments[-1].append(token)
    return [s for s in segments if s]


def term_clauses(term: RawTerm, segmenter: Segmenter) -> list[Clause]:
    """The clauses a term asks for. A quoted term is one phrase. An unquoted one gives one clause per word
    (all must occur, anywhere), except that one-character tokens stay with their neighbours: a run of them is
    a phrase with the word that follows it (市教育局 → "市 教育局"; 北省农村 → "北 省 农村"), or with the word
    before it at the end of the term (人民政府办 → "人民政府 办"), or alone (5号) — a fragment cut out of the
    middle of words is then matched as text, not as words it does not contain; a lone one-character stopword
    is dropped unless nothing else is left."""
    tokens = segmenter.analyze(term.text, subwords=False)
    if not any(t.text != MARK for t in tokens):
        return []
    if term.quoted:
        kept = tokens[:MAX_CLAUSE_TOKENS]
        while kept and kept[-1].text == MARK:
            kept.pop()
        return [Clause(tuple(kept))]
    clauses: list[Clause] = []
    dropped: list[Clause] = []
    for segment in _split_at_marks(tokens):
        groups: list[list[Token]] = []  # words and runs of one-character tokens, in order
        for token in segment:
            single = len(token.text) == 1
            previous = groups[-1] if groups else None
            if single and previous and len(previous[-1].text) == 1 and token.pos == previous[-1].pos + 1:
                previous.append(token)
            else:
                groups.append([token])
        index = 0
        while index < len(groups):
            group = groups[index]
            if len(group[0].text) > 1:
                clauses.append(Clause(tuple(group)))
                index += 1
                continue
            if len(group) == 1 and group[0].text in STOPWORDS:
                dropped.append(Clause(tuple(group)))
                index += 1
                continue
            following = groups[index + 1] if index + 1 < len(groups) else None
            if following and following[0].pos == group[-1].pos + 1:
                clauses.append(Clause(tuple([*group, *following][:MAX_CLAUSE_TOKENS])))
                index += 2
                continue
            before = clauses[-1].tokens if clauses else ()
            if (
                following is None
                and len(before) == 1
                and len(before[0].text) > 1
                and before[0].pos + len(before[0].text) == group[0].pos
            ):
                clauses[-1] = Clause(tuple([*before, *group][:MAX_CLAUSE_TOKENS]))
            else:
                clauses.append(Clause(tuple(group[:MAX_CLAUSE_TOKENS])))
            index += 1
    return clauses or dropped


@dataclass(frozen=True)
class QueryText:
    """A query string lexed, with the text it kept."""

    text: str
    terms: tuple[RawTerm, ...]
    truncated: bool


def parse(raw: str) -> QueryText:
    text = sanitize(raw)
    cleaned = re.sub(r"\s+", " ", strip_controls(raw or "")).strip()
    return QueryText(text=text, terms=tuple(lex(text)), truncated=len(cleaned) > len(text))
