"""Text processing for search (ADR 0004): folding and Chinese segmentation. Pure: no Django import.

Documents and queries go through the same two steps, so that whatever was typed meets whatever was written:

- `fold` — control and invisible characters removed, NFKC (full-width letters, digits and punctuation become
  half-width), traditional → simplified Chinese with OpenCC's character tables (TW/HK variants first, then
  TSCharacters; one character for one character, so offsets survive for highlighting), every bracket style →
  〔 〕 (as 文号 normalization does), lower case.
- `Segmenter.analyze` — rjieba in search mode without the HMM (deterministic: a word is cut the same way in a
  query as in a document), with a user dictionary (government vocabulary + the agencies' 机关代字) so that such
  terms stay whole. Each token carries its position: the character offset in the folded text with whitespace
  left out. Sub-words inside a longer word — the two- and three-character ones search mode finds (教育 in
  教育局) and longer dictionary words (最低生活保障 in 城乡居民最低生活保障) — are returned right after their
  word, at their own offset inside it, marked `sub`. Punctuation becomes a break (`MARK`): a phrase never
  runs across it.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from importlib import resources
from typing import NamedTuple

import rjieba

# The break token. A private-use character: `fold` removes every private-use character from real text, and
# SQLite's unicode61 tokenizer treats the category as a token character.
MARK = "\ue000"
MAX_TOKEN_CHARS = 40
MIN_LONG_SUBWORD = 4  # sub-words this long or longer are looked up in the dictionary (see _long_subwords)
MAX_LONG_WORD = 16

# Control characters become spaces; invisible format characters, private-use characters and lone surrogates
# are removed (they would otherwise glue or split words unseen, or fail to encode).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_INVISIBLE = re.compile(
    "[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff0-\ufffb"
    "\ue000-\uf8ff\U000f0000-\U0010ffff\ud800-\udfff]"
)
_OPEN = "[【(（［﹝〖〔<《〈「『"
_CLOSE = "]】)）］﹞〗〕>》〉」』"
# Inside a token that is not all letters and digits: runs of whitespace, of word characters, of the rest.
_PIECES = re.compile(r"\s+|[^\W_]+|[^\s\w]+|_+")
# `Segmenter.streams`: what is neither a letter, a digit nor whitespace becomes a break; runs of breaks are one.
_BREAKS = re.compile(r"(?:[^\w\s]|_)+")
_BREAK = f" {MARK} "
_MARK_RUNS = re.compile(f"{MARK}(?: {MARK})+")
_LONG_TOKEN = re.compile(f"[^\\W_]{{{MAX_TOKEN_CHARS + 1},}}")
SUB_CACHE_SIZE = 200_000


def _truncate(match: re.Match[str]) -> str:
    return match.group()[:MAX_TOKEN_CHARS]


class Token(NamedTuple):
    text: str
    pos: int  # character offset in the folded text, whitespace not counted
    sub: bool  # a sub-word inside the word before it


def _read_pairs(name: str) -> list[tuple[str, str]]:
    """OpenCC dictionary lines `source<TAB>target [alternatives…]`, single characters only."""
    path = resources.files("opencc") / "dictionary" / name
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        source, _, targets = line.partition("\t")
        target = targets.split(" ")[0] if targets else ""
        if len(source) == 1 and len(target) == 1:
            pairs.append((source, target))
    return pairs


@functools.cache
def fold_table() -> dict[int, str]:
    variants = dict(_read_pairs("TWVariantsRev.txt") + _read_pairs("HKVariantsRev.txt"))
    simplified = dict(_read_pairs("TSCharacters.txt"))
    table: dict[int, str] = {}
    for source in set(variants) | set(simplified):
        standard = variants.get(source, source)
        target = simplified.get(standard, standard)
        if target != source:
            table[ord(source)] = target
    for c in _OPEN:
        table[ord(c)] = "〔"
    for c in _CLOSE:
        table[ord(c)] = "〕"
    return table


def strip_controls(text: str) -> str:
    """Control characters → spaces; invisible, private-use and surrogate characters removed."""
    return _INVISIBLE.sub("", _CONTROL.sub(" ", text))


# Full-width ASCII forms and the ideographic space: the compatibility characters of ordinary Chinese text
# (，：；（）！？). Mapped ahead of NFKC to the characters NFKC maps them to, which lets most texts skip
# NFKC altogether (they are then already normalized); the result is the same (tests/search/test_text.py).
_FULL_WIDTH = re.compile("[\u3000\uff01-\uff5e]+")
_FULL_WIDTH_TABLE = {0x3000: " ", **{c: chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}}


_BRACKETS = re.compile("[" + re.escape(_OPEN + _CLOSE) + "]+")


@functools.cache
def _traditional() -> frozenset[str]:
    """The characters `fold_table` changes besides brackets (traditional and variant forms): most texts have
    none, and checking for them is several times faster than translating the whole text."""
    return frozenset(chr(c) for c in fold_table()) - frozenset(_OPEN + _CLOSE)


def _translate_match(match: re.Match[str]) -> str:
    return match.group().translate(fold_table())


def _half_width(match: re.Match[str]) -> str:
    return match.group().translate(_FULL_WIDTH_TABLE)


def fold(text: str) -> str:
    """What the index and the query compare: see the module docstring."""
    text = _FULL_WIDTH.sub(_half_width, strip_controls(text))
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    if _traditional().isdisjoint(text):
        text = _BRACKETS.sub(_translate_match, text)
    else:
        text = text.translate(fold_table())
    return text.lower()


def fold_reference(text: str) -> str:
    """`fold` as defined (NFKC, then the table, then lower case), for the tests of the fast one."""
    return unicodedata.normalize("NFKC", strip_controls(text)).translate(fold_table()).lower()


@functools.lru_cache(maxsize=65536)
def fold_char(char: str) -> str:
    return fold(char)


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """`fold(text)` and, for each character of the result, the offset of the character of `text` it came
    from (for highlighting in the original). Character by character, so NFKC sequences that compose across
    characters stay apart; `fold` itself is used for matching."""
    folded = fold(text)
    if len(folded) == len(text):
        return folded, list(range(len(text)))
    parts: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        out = fold_char(char)
        parts.append(out)
        offsets.extend([index] * len(out))
    return "".join(parts), offsets


@functools.cache
def vocabulary() -> tuple[str, ...]:
    """The government vocabulary shipped in data/vocabulary.txt (one word a line, `#` comments)."""
    path = resources.files("gongkai.search") / "data" / "vocabulary.txt"
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.append(line)
    return tuple(words)


class Segmenter:
    """rjieba with a user dictionary. Build one per dictionary and keep it: construction loads the main
    dictionary (about a tenth of a second)."""

    def __init__(self, words: Iterable[str] = ()) -> None:
        self._jieba = rjieba.Jieba()
        self._sub_cache: dict[str, list[str]] = {}
        self.words: frozenset[str] = frozenset()
        self.add_words(words)

    @staticmethod
    def usable(words: Iterable[str]) -> frozenset[str]:
        """The dictionary words that change anything: folded, two characters or more, no spaces."""
        folded = {fold(w).strip() for w in words}
        return frozenset(w for w in folded if len(w) >= 2 and not any(c.isspace() for c in w))

    def add_words(self, words: Iterable[str]) -> None:
        """Add user-dictionary words (there is no removal: build a new Segmenter for that)."""
        new = self.usable(words) - self.words
        for word in sorted(new):
            self._jieba.add_word(word, None, None)
        self._sub_cache.clear()
        self.words = self.words | new

    def _long_subwords(self, word: str) -> list[tuple[str, int]]:
        """Dictionary words of four characters or more inside `word` (search mode only finds two and three):
        最低生活保障 inside 城乡居民最低生活保障."""
        found = []
        for length in range(len(word) - 1, MIN_LONG_SUBWORD - 1, -1):
            for at in range(len(word) - length + 1):
                piece = word[at : at + length]
                if self._jieba.has_word(piece):
                    found.append((piece, at))
        return found

    def _subwords_of(self, word: str) -> list[str]:
        """The sub-words `analyze` gives a word (search mode's dictionary two- and three-character grams, then
        the long dictionary words inside it), cached: they depend on the word alone."""
        subs = self._sub_cache.get(word)
        if subs is None:
            subs = []
            if word.isalnum():
                has_word = self._jieba.has_word
                for size in (2, 3):
                    if len(word) > size:
                        subs.extend(
                            g for at in range(len(word) - size + 1) if has_word(g := word[at : at + size])
                        )
                if MIN_LONG_SUBWORD < len(word) <= MAX_LONG_WORD and not word.isascii():
                    subs.extend(sub for sub, _ in self._long_subwords(word))
                subs = [sub[:MAX_TOKEN_CHARS] for sub in subs]
            if len(self._sub_cache) < SUB_CACHE_SIZE:
                self._sub_cache[word] = subs
        return subs

    def streams(self, text: str, *, folded: bool = False) -> tuple[str, str]:
        """What `analyze` gives, as two space-separated streams: the words in order with MARK where
        punctuation stood, and the sub-words. The same result as joining `analyze`'s tokens (tests), without a
        Python object per token: the SQLite index needs no positions, and bulk imports spend their time here."""
        if not folded:
            text = fold(text)
        words = self._jieba.cut(text, False)
        main = _BREAKS.sub(_BREAK, " ".join(words))
        if words and max(map(len, words)) > MAX_TOKEN_CHARS:
            main = _LONG_TOKEN.sub(_truncate, main)
        main = " ".join(main.split()).strip(MARK + " ")
        subs: list[str] = []
        for word in [w for w in words if len(w) > 2]:
            subs.extend(self._subwords_of(word))
        return _MARK_RUNS.sub(MARK, main), " ".join(subs)

    def words_of(self, text: str) -> list[str]:
        """The plain segmentation of `text` (folded; no sub-words, no breaks): for tests and tools."""
        return [t.text for t in self.analyze(text, subwords=False) if t.text != MARK]

    def analyze(self, text: str, *, subwords: bool = True, folded: bool = False) -> list[Token]:
        """Tokens of `text` in order; see the module docstring. Breaks (`MARK`) stand between words that
        punctuation separates; there is never a break first, last or twice in a row."""
        if not folded:
            text = fold(text)
        raw = self._jieba.tokenize(text, "search", False)
        # Search mode lists each word's sub-words before the word; a word is precise when no other token
        # contains it. Walking backwards, the word is met first and its sub-words fall inside its span.
        is_sub = [False] * len(raw)
        span_start, span_end = -1, -1
        for index in range(len(raw) - 1, -1, -1):
            _, start, end = raw[index]
            if span_start <= start and end <= span_end:
                is_sub[index] = True
            else:
                span_start, span_end = start, end

        out: list[Token] = []
        add = out.append
        new = tuple.__new__  # a Token without the Python-level NamedTuple constructor (hot loop)
        pending: list[tuple[str, int]] = []  # sub-words waiting for their word
        shift = 0  # whitespace characters before the current word
        need_break = False
        for index, (word, start, _end) in enumerate(raw):
            if is_sub[index]:
                if subwords:
                    pending.append((word, start))
                continue
            if word.isalnum():
                if need_break:
                    if out:
                        add(new(Token, (MARK, start - shift, False)))
                    need_break = False
                add(new(Token, (word[:MAX_TOKEN_CHARS], start - shift, False)))
                if pending:
                    for sub, sub_start in pending:
                        add(new(Token, (sub[:MAX_TOKEN_CHARS], sub_start - shift, True)))
                    pending.clear()
                if subwords and MIN_LONG_SUBWORD < len(word) <= MAX_LONG_WORD and not word.isascii():
                    out.extend(Token(sub, start + at - shift, True) for sub, at in self._long_subwords(word))
                continue
            pending.clear()
            if len(word) == 1:  # the common case: one punctuation mark or space
                if word.isspace():
                    shift += 1
                else:
                    need_break = True
                continue
            if word.isspace():
                shift += len(word)
                continue
            for match in _PIECES.finditer(word):
                piece = match.group()
                if piece.isspace():
                    shift += len(piece)
                elif piece.isalnum():
                    at = start + match.start() - shift
                    if need_break and out:
                        add(new(Token, (MARK, at, False)))
                    need_break = False
                    add(new(Token, (piece[:MAX_TOKEN_CHARS], at, False)))
                else:
                    need_break = True
        return out


class Analyzed:
    """One field of an index document: its folded text, analyzed when a backend asks, in the form it needs —
    tokens with positions (PostgreSQL) or the word and sub-word streams (SQLite, much cheaper)."""

    __slots__ = ("_segmenter", "text")

    def __init__(self, segmenter: Segmenter, text: str) -> None:
        self._segmenter = segmenter
        self.text = fold(text)

    def tokens(self) -> list[Token]:
        """Analyzed again on each call (not kept: a batch of long documents would hold millions of tokens)."""
        return self._segmenter.analyze(self.text, folded=True)

    def streams(self) -> tuple[str, str]:
        return self._segmenter.streams(self.text, folded=True)
