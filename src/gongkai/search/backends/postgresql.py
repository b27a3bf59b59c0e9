"""PostgreSQL full text over a tsvector built in Python.

`search_text.tsv` (GIN index, migration 0002) is written from the segmented tokens with their positions and
weights — title A, meta (文号, 索引号, keywords, agencies) B, attachments C, body D — as a tsvector literal, so
PostgreSQL's own parser (the `simple` configuration would split Chinese badly) never runs. A token's position
is its character offset (whitespace not counted), and a sub-word sits at its own offset inside its word:
a phrase `a <n> b` then asks for b exactly n characters after a, which holds only where the text has the
phrase. Ranking: `ts_rank` (not `ts_rank_cd`) with the default weights {0.1, 0.2, 0.4, 1.0} for D, C, B, A.

Phrases with a word of two characters or more are verified as text, as on SQLite: the tsquery asks for the
phrase's longer words (candidates), and the phrase must stand in the flat text of a field (`flat_text`, kept in
`search_text.title/meta/body/attach`) — so "省教育" finds 河北省教育厅, where 省 is not a word. Rows written
before the flat text was stored need `gongkai search reindex`. Phrases of one-character words only use the
positions (`a <1> b`).

PostgreSQL keeps positions up to 16,383 and 256 per lexeme: words further into a long document are found;
verified phrases there too, position-only phrases may not be (docs/search.md, known limits).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from gongkai.search.backends.base import (
    BackendQuery,
    IndexDoc,
    SearchBackend,
    is_verified_phrase,
    phrase_needle,
    title_boost_sql,
    words,
)
from gongkai.search.query import Clause
from gongkai.search.text import MARK, Token

MAX_POSITION = 16383
MAX_POSITIONS_PER_LEXEME = 256
FIELD_GAP = 8  # positions between two fields, so that no phrase spans them


TEXT_COLUMNS = ("title", "meta", "body", "attach")
# A verified phrase must stand in one of the fields' flat text (see `flat_text`).
PHRASE_CHECK = "(" + " OR ".join(f"strpos(t.{c}, %s) > 0" for c in TEXT_COLUMNS) + ")"


def flat_text(tokens: Sequence[Token]) -> str:
    """A field's words without spaces, MARK where punctuation stood: the folded text without whitespace, which
    a phrase is checked against (as on SQLite), so that "省教育" is found in 河北省教育厅 and phrases deep in
    long documents (beyond tsvector positions) are found too."""
    return "".join(t.text for t in tokens if not t.sub)


def quote_lexeme(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(fields: Sequence[tuple[Sequence[Token], str]]) -> str:
    """The tsvector of the fields (tokens, weight letter) in order; weight "" is D."""
    positions: dict[str, list[str]] = {}
    base = 1
    for tokens, weight in fields:
        end = base
        for token in tokens:
            if token.text == MARK:
                continue
            at = base + token.pos
            end = max(end, at + len(token.text))
            entry = positions.setdefault(token.text, [])
            if len(entry) < MAX_POSITIONS_PER_LEXEME:
                entry.append(f"{min(at, MAX_POSITION)}{weight}")
        base = min(end + FIELD_GAP, MAX_POSITION)
    return " ".join(f"{quote_lexeme(lexeme)}:{','.join(ps)}" for lexeme, ps in positions.items())


def clause_tsquery(clause: Clause) -> str:
    tokens = words(clause)
    parts = [quote_lexeme(tokens[0].text)]
    for previous, current in itertools.pairwise(tokens):
        distance = max(0, min(current.pos - previous.pos, MAX_POSITION))
        parts.append(f"<{distance}>")
        parts.append(quote_lexeme(current.text))
    return "(" + " ".join(parts) + ")"


def candidate_tsquery(clause: Clause) -> str:
    """A verified phrase's candidates: documents with each of its longer words (the text check decides)."""
    longer = dict.fromkeys(t.text for t in words(clause) if len(t.text) > 1)
    return "(" + " & ".join(quote_lexeme(w) for w in longer) + ")"


def tsquery_text(query: BackendQuery) -> str:
    expression = " & ".join(
        candidate_tsquery(c) if is_verified_phrase(c) else clause_tsquery(c) for c in query.must if words(c)
    )
    for clause in query.must_not:
        if words(clause):
            expression += f" & !{clause_tsquery(clause)}"
    return expression


class PostgreSQLBackend(SearchBackend):
    vendor = "postgresql"

    def upsert(self, docs: Sequence[IndexDoc]) -> None:
        if not docs:
            return
        now = timezone.now()
        vectors: list[tuple[int | str, ...]] = []
        for d in docs:  # one document's tokens at a time: a batch of long documents holds only strings
            fields = [
                (f.tokens(), weight)
                for f, weight in ((d.title, "A"), (d.meta, "B"), (d.body, ""), (d.attach, "C"))
            ]
            vectors.append(
                (d.item_id, *(flat_text(tokens) for tokens, _ in fields), tsvector_literal(fields))
            )
        with self.connection.cursor() as cursor:
            cursor.executemany(self._upsert_documents_sql(), self._document_rows(docs, now))
            cursor.executemany(
                "INSERT INTO search_text (item_id, title, meta, body, attach, title_sub, sub, tsv) "
                "VALUES (%s, %s, %s, %s, %s, '', '', %s::tsvector) "
                "ON CONFLICT (item_id) DO UPDATE SET title = excluded.title, meta = excluded.meta, "
                "body = excluded.body, attach = excluded.attach, tsv = excluded.tsv",
                vectors,
            )

    def clear(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_text")
            cursor.execute("DELETE FROM search_document")

    def ensure_schema(self) -> list[str]:
        repaired = []
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM information_schema.columns WHERE table_name = 'search_text' AND column_name = 'tsv'"
            )
            if cursor.fetchone() is None:
                cursor.execute("ALTER TABLE search_text ADD COLUMN tsv tsvector")
                repaired.append("search_text.tsv")
            cursor.execute(
                "SELECT 1 FROM pg_indexes WHERE tablename = 'search_text' AND indexname = 'search_text_tsv'"
            )
            if cursor.fetchone() is None:
                cursor.execute("CREATE INDEX search_text_tsv ON search_text USING gin (tsv)")
                repaired.append("search_text_tsv")
        return repaired

    def _nulls_last(self) -> str:
        return " NULLS LAST"

    def _fulltext(self, query: BackendQuery) -> tuple[str, list[Any], str, list[Any], str, list[Any]]:
        phrases = [c for c in query.must if is_verified_phrase(c)]
        checks = "".join(f" AND {PHRASE_CHECK}" for _ in phrases)
        boost, boost_params = title_boost_sql(query, "strpos(st.title, %s) > 0")
        return (
            "search_text t JOIN search_document d ON d.item_id = t.item_id "
            "CROSS JOIN CAST(%s AS tsquery) AS q",
            [tsquery_text(query)],
            f"t.tsv @@ q{checks}",
            [phrase_needle(c) for c in phrases for _ in TEXT_COLUMNS],
            f"ts_rank(t.tsv, q){boost}",
            boost_params,
        )
