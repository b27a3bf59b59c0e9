"""SQLite FTS5 over pre-segmented tokens.

`search_text` holds, per item, each field's words joined by spaces (`MARK` where punctuation stood) — `title`,
`meta`, `body`, `attach` — and the sub-words of long words in `title_sub` (the title's) and `sub` (the rest's).
FTS5's `unicode61` tokenizer splits that on the spaces again: Chinese was segmented in Python, so two-character
words are found (a trigram tokenizer could not match them). `search_fts` is an external-content FTS5 table over
`search_text`, kept in step by triggers (migration 0002); its rowid is the item id.

Matching: a one-word clause matches the word anywhere, sub-words included (教育 finds 教育局). A phrase is
matched as text: its words of two characters or more select candidates through FTS5, then the phrase must stand
in a field's word stream with the spaces taken out — the folded text without whitespace, with MARK where
punctuation stood — so it is exact, and "省教育" is found in 河北省教育厅 although the words there are 河北省 and
教育厅. That check reads the candidates' text, once per search (the facets are then counted from the ids); past
VERIFY_LIMIT candidates a phrase falls back to FTS5's own phrase over the words. A phrase of one-character
words only (an unknown name) is always an FTS5 phrase.
Ranking: bm25 with the title weighted highest.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from gongkai.search.backends.base import (
    BackendQuery,
    BackendResult,
    IndexDoc,
    SearchBackend,
    is_verified_phrase,
    phrase_needle,
    title_boost_sql,
)
from gongkai.search.query import Clause
from gongkai.search.text import MARK

COLUMNS = ("title", "meta", "body", "attach", "title_sub", "sub")
# bm25 weights, in COLUMNS order: title, meta (文号, 索引号, keywords, agencies), body, attachments, sub-words.
WEIGHTS = (10.0, 3.0, 1.0, 0.5, 5.0, 0.5)
TEXT_COLUMNS = ("title", "meta", "body", "attach")
VERIFY_LIMIT = 20_000


def _trigger(name: str, event: str, body: str) -> str:
    return f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} ON search_text BEGIN {body} END"


_COLS = ", ".join(COLUMNS)
_INSERT = (
    f"INSERT INTO search_fts(rowid, {_COLS}) VALUES (new.item_id, {', '.join('new.' + c for c in COLUMNS)});"  # noqa: S608
)
_DELETE = (
    f"INSERT INTO search_fts(search_fts, rowid, {_COLS}) "  # noqa: S608 - constant column names
    f"VALUES ('delete', old.item_id, {', '.join('old.' + c for c in COLUMNS)});"
)
TRIGGERS = {
    "search_text_ai": _trigger("search_text_ai", "INSERT", _INSERT),
    "search_text_ad": _trigger("search_text_ad", "DELETE", _DELETE),
    "search_text_au": _trigger("search_text_au", "UPDATE", _DELETE + " " + _INSERT),
}
FTS_TABLE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5({_COLS}, content='search_text', "
    "content_rowid='item_id', tokenize='unicode61 remove_diacritics 0')"
)


def clause_match(clause: Clause) -> str:
    """A clause as an FTS5 string (a phrase when it has several tokens). Tokens are letters and digits only
    (and MARK), so the quoting cannot be escaped from."""
    tokens = [t.text.replace('"', "") for t in clause.tokens]
    return '"' + " ".join(tokens) + '"'


def candidate_match(clause: Clause) -> str:
    words = dict.fromkeys(t.text for t in clause.tokens if t.text != MARK and len(t.text) > 1)
    return "(" + " AND ".join(f'"{w}"' for w in words) + ")"


PHRASE_CHECK = "(" + " OR ".join(f"instr(replace(t.{c}, ' ', ''), %s) > 0" for c in TEXT_COLUMNS) + ")"


def match_expression(query: BackendQuery, *, verify: bool) -> str:
    positive = " AND ".join(
        candidate_match(c) if verify and is_verified_phrase(c) else clause_match(c) for c in query.must
    )
    if query.must_not:
        negative = " OR ".join(clause_match(c) for c in query.must_not)
        return f"({positive}) NOT ({negative})"
    return positive


class SQLiteBackend(SearchBackend):
    vendor = "sqlite"

    def upsert(self, docs: Sequence[IndexDoc]) -> None:
        if not docs:
            return
        now = timezone.now()
        rows: list[tuple[int | str, ...]] = []
        for d in docs:
            title, title_sub = d.title.streams()
            texts = [field.streams() for field in (d.meta, d.body, d.attach)]
            sub = " ".join(s for _, s in texts if s)
            rows.append((d.item_id, title, *(main for main, _ in texts), title_sub, sub))
        marks = ", ".join(["%s"] * (len(COLUMNS) + 1))
        updates = ", ".join(f"{c} = excluded.{c}" for c in COLUMNS)
        with self.connection.cursor() as cursor:
            cursor.executemany(self._upsert_documents_sql(), self._document_rows(docs, now))
            cursor.executemany(
                f"INSERT INTO search_text (item_id, {_COLS}) VALUES ({marks}) "  # noqa: S608
                f"ON CONFLICT (item_id) DO UPDATE SET {updates}",
                rows,
            )

    def clear(self) -> None:
        with self.connection.cursor() as cursor:
            # Without the delete trigger, 'delete-all' empties the FTS index at once instead of row by row.
            cursor.execute("DROP TRIGGER IF EXISTS search_text_ad")
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('delete-all')")
            cursor.execute("DELETE FROM search_text")
            cursor.execute("DELETE FROM search_document")
            cursor.execute(TRIGGERS["search_text_ad"])

    def ensure_schema(self) -> list[str]:
        repaired = []
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE %s", ["search_%"])
            present = {row[0] for row in cursor.fetchall()}
            if "search_fts" not in present:
                cursor.execute(FTS_TABLE)
                repaired.append("search_fts")
            for name, sql in TRIGGERS.items():
                if name not in present:
                    cursor.execute(sql)
                    repaired.append(name)
            if repaired:
                cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
        return repaired

    def _score(self, query: BackendQuery) -> tuple[str, list[Any]]:
        boost, params = title_boost_sql(query, "instr(replace(st.title, ' ', ''), %s) > 0")
        return f"-bm25(search_fts, {', '.join(str(w) for w in WEIGHTS)}){boost}", params

    def _fulltext(self, query: BackendQuery) -> tuple[str, list[Any], str, list[Any], str, list[Any]]:
        score, score_params = self._score(query)
        return (
            "search_fts JOIN search_document d ON d.item_id = search_fts.rowid",
            [],
            "search_fts MATCH %s",
            [match_expression(query, verify=False)],
            score,
            score_params,
        )

    def search(self, query: BackendQuery) -> BackendResult:
        phrases = [c for c in query.must if is_verified_phrase(c)]
        if not phrases:
            return super().search(query)
        where, params = self._filters_sql(query.filters, query.today)
        expression = match_expression(query, verify=True)
        from_sql = "search_fts JOIN search_document d ON d.item_id = search_fts.rowid"
        where_sql = " AND ".join(["search_fts MATCH %s", *where])
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {from_sql} WHERE {where_sql}", [expression, *params])  # noqa: S608
            if cursor.fetchone()[0] > VERIFY_LIMIT:
                return super().search(query)  # too many candidates to read: FTS5 phrases over the words
            checks = " AND ".join([PHRASE_CHECK] * len(phrases))
            score, score_params = self._score(query)
            cursor.execute(
                f"SELECT d.item_id, {score}, d.published_at FROM {from_sql} "  # noqa: S608
                f"JOIN search_text t ON t.item_id = search_fts.rowid WHERE {where_sql} AND {checks}",
                [
                    *score_params,
                    expression,
                    *params,
                    *[phrase_needle(c) for c in phrases for _ in TEXT_COLUMNS],
                ],
            )
            rows = cursor.fetchall()
            # Stable sorts, last key first: id, then date (missing dates last), then score.
            rows.sort(key=lambda r: r[0], reverse=True)
            rows.sort(key=lambda r: (r[2] is not None, r[2]), reverse=True)
            if query.sort == "relevance":
                rows.sort(key=lambda r: r[1], reverse=True)
            page = rows[query.offset : query.offset + query.limit] if query.limit > 0 else []
            facets: dict[str, list[tuple[Any, int]]] = {}
            if query.facets and rows:
                ids = json.dumps([r[0] for r in rows])
                _, facets = self._facets(
                    cursor,
                    query,
                    "json_each(%s) j JOIN search_document d ON d.item_id = j.value",
                    "1 = 1",
                    [ids],
                )
        return BackendResult(
            total=len(rows), hits=[(int(pk), float(score or 0.0)) for pk, score, _ in page], facets=facets
        )
