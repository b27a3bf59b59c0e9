"""PostgreSQL full text over a tsvector built in Python.

`search_text.tsv` (GIN index, migration 0002) is written from the segmented tokens with their positions and
weights — title A, meta (文号, 索引号, keywords, agencies) B, attachments C, body D — as a tsvector literal, so
PostgreSQL's own parser (the `simple` configuration would split Chinese badly) never runs. A token's position
is its character offset (whitespace not counted), and a sub-word sits at its own offset inside its word:
a phrase `a <n> b` then asks for b exactly n characters after a, which holds only where the text has the
phrase. Ranking: `ts_rank` (not `ts_rank_cd`) with the default weights {0.1, 0.2, 0.4, 1.0} for D, C, B, A.

PostgreSQL keeps positions up to 16,383 and 256 per lexeme: words further into a long document are found, but
phrases there may not be (docs/search.md, known limits).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from gongkai.search.backends.base import BackendQuery, IndexDoc, SearchBackend, words
from gongkai.search.query import Clause
from gongkai.search.text import MARK, Token

MAX_POSITION = 16383
MAX_POSITIONS_PER_LEXEME = 256
FIELD_GAP = 8  # positions between two fields, so that no phrase spans them


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


def tsquery_text(query: BackendQuery) -> str:
    expression = " & ".join(clause_tsquery(c) for c in query.must if words(c))
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
        vectors = [
            (
                d.item_id,
                tsvector_literal(
                    [(d.title.tokens, "A"), (d.meta.tokens, "B"), (d.body.tokens, ""), (d.attach.tokens, "C")]
                ),
            )
            for d in docs
        ]
        with self.connection.cursor() as cursor:
            cursor.executemany(self._upsert_documents_sql(), self._document_rows(docs, now))
            cursor.executemany(
                "INSERT INTO search_text (item_id, title, meta, body, attach, title_sub, sub, tsv) "
                "VALUES (%s, '', '', '', '', '', '', %s::tsvector) "
                "ON CONFLICT (item_id) DO UPDATE SET tsv = excluded.tsv",
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
        return (
            "search_text t JOIN search_document d ON d.item_id = t.item_id "
            "CROSS JOIN CAST(%s AS tsquery) AS q",
            [tsquery_text(query)],
            "t.tsv @@ q",
            [],
            "ts_rank(t.tsv, q)",
            [],
        )
