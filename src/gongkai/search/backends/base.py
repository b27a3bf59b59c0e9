"""The search backend interface: one base class, one module per database (chosen by `connection.vendor`).

A backend stores index documents and answers structured queries. It never sees a query string: parsing,
segmentation, exact 文号/索引号 recognition, loading the items and snippets happen above it
(`gongkai.search.selectors`), so a search cluster could stand behind the same interface.

Writes run on the caller's connection inside the caller's transaction (the publishing services'), so the
index cannot drift from the content.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar

from django.db.backends.base.base import BaseDatabaseWrapper

from gongkai.publishing.models import InfoItem
from gongkai.search.query import Clause
from gongkai.search.text import MARK, Analyzed, Token

FACETS = ("org", "subject", "genre", "year", "validity", "column")
SORTS = ("relevance", "date")
COLUMN_FACET_LIMIT = 50
VALID = InfoItem.Validity.VALID


@dataclass
class IndexDoc:
    """One public item as the index sees it; the text fields are analyzed as the backend needs (`text.Analyzed`)."""

    item_id: int
    org_id: int
    published_at: datetime | None
    published_on: date | None
    subject_top: str
    genre: str
    validity: str
    effective_on: date | None
    valid_until: date | None
    doc_no_norm: str
    index_no: str
    title: Analyzed
    meta: Analyzed  # 文号, 索引号, keywords, agency names
    body: Analyzed
    attach: Analyzed  # attachment text

    @property
    def year(self) -> int | None:
        return self.published_on.year if self.published_on else None


@dataclass(frozen=True)
class Filters:
    org_id: int | None = None
    subject: str = ""  # top level of 主题分类
    genre: str = ""
    year: int | None = None
    validity: str = ""  # the effective validity (publishing.selectors.effective_validity)
    column_ids: tuple[int, ...] = ()  # a column and its sub-columns
    published_after: date | None = None  # inclusive, Beijing dates
    published_before: date | None = None
    doc_no: tuple[str, ...] = ()  # exact, normalized
    doc_no_prefix: tuple[str, ...] = ()
    index_no: tuple[str, ...] = ()


@dataclass(frozen=True)
class BackendQuery:
    must: tuple[Clause, ...] = ()
    must_not: tuple[Clause, ...] = ()
    filters: Filters = Filters()
    sort: str = "relevance"
    offset: int = 0
    limit: int = 20
    facets: bool = True
    today: date = date(2000, 1, 1)  # for the effective validity; callers pass the Beijing date
    # Folded texts of the query's multi-word terms, spaces removed: a title holding one ranks first (relevance).
    title_boost: tuple[str, ...] = ()


@dataclass
class BackendResult:
    total: int
    hits: list[tuple[int, float]]  # (item id, score), best first
    facets: dict[str, list[tuple[Any, int]]]  # raw values: org id, column id, year, words


class SearchBackend(ABC):
    """Base class. Subclasses say how the full-text payload is stored and matched; the rest is shared SQL
    over `search_document` (alias `d`).

    SQL is assembled from constants, table names from the models and `%s` placeholders only; every value,
    the full-text expression included, is a parameter (hence the `noqa: S608` markers)."""

    vendor: ClassVar[str]

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection

    # ------------------------------------------------------------ writes

    @abstractmethod
    def upsert(self, docs: Sequence[IndexDoc]) -> None:
        """Insert or replace these documents."""

    def delete(self, item_ids: Sequence[int]) -> None:
        """Remove these items from the index (absent ones are ignored)."""
        ids = list(item_ids)
        with self.connection.cursor() as cursor:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM search_text WHERE item_id IN ({marks})", chunk)  # noqa: S608
                cursor.execute(f"DELETE FROM search_document WHERE item_id IN ({marks})", chunk)  # noqa: S608

    @abstractmethod
    def clear(self) -> None:
        """Empty the index."""

    def ensure_schema(self) -> list[str]:
        """Repair what migrations made outside Django's models, if missing; returns what was repaired."""
        return []

    def indexed_ids(self) -> list[int]:
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT item_id FROM search_document ORDER BY item_id")
            return [row[0] for row in cursor.fetchall()]

    def _document_rows(self, docs: Sequence[IndexDoc], now: datetime) -> list[tuple[Any, ...]]:
        ops = self.connection.ops
        return [
            (
                d.item_id,
                d.org_id,
                ops.adapt_datetimefield_value(d.published_at),
                ops.adapt_datefield_value(d.published_on),
                d.year,
                d.subject_top[:100],
                d.genre[:20],
                d.validity,
                ops.adapt_datefield_value(d.effective_on),
                ops.adapt_datefield_value(d.valid_until),
                d.doc_no_norm[:100],
                d.index_no[:80],
                ops.adapt_datetimefield_value(now),
            )
            for d in docs
        ]

    DOCUMENT_COLUMNS = (
        "item_id",
        "org_id",
        "published_at",
        "published_on",
        "year",
        "subject_top",
        "genre",
        "validity",
        "effective_on",
        "valid_until",
        "doc_no_norm",
        "index_no",
        "indexed_at",
    )

    def _upsert_documents_sql(self) -> str:
        columns = ", ".join(self.DOCUMENT_COLUMNS)
        marks = ", ".join(["%s"] * len(self.DOCUMENT_COLUMNS))
        updates = ", ".join(f"{c} = excluded.{c}" for c in self.DOCUMENT_COLUMNS[1:])
        return (
            f"INSERT INTO search_document ({columns}) VALUES ({marks}) "  # noqa: S608
            f"ON CONFLICT (item_id) DO UPDATE SET {updates}"
        )

    # ------------------------------------------------------------ reads

    @abstractmethod
    def _fulltext(self, query: BackendQuery) -> tuple[str, list[Any], str, list[Any], str, list[Any]]:
        """For a query with `must` clauses: (FROM sql, params, WHERE sql, params, score expression, params).
        The FROM part joins `search_document d`."""

    def _nulls_last(self) -> str:
        return ""

    def _validity_sql(self, today: date) -> tuple[str, list[Any]]:
        """The effective validity, as `publishing.selectors.effective_validity` computes it."""
        day = self.connection.ops.adapt_datefield_value(today)
        sql = (
            "CASE WHEN d.validity = %s AND d.valid_until IS NOT NULL AND d.valid_until < %s THEN %s "
            "WHEN d.validity = %s AND d.effective_on IS NOT NULL AND d.effective_on > %s THEN %s "
            "ELSE d.validity END"
        )
        return sql, [VALID, day, "expired", VALID, day, "not_yet_effective"]

    def _filters_sql(self, f: Filters, today: date) -> tuple[list[str], list[Any]]:
        ops = self.connection.ops
        where: list[str] = []
        params: list[Any] = []
        if f.org_id is not None:
            where.append("d.org_id = %s")
            params.append(f.org_id)
        if f.subject:
            where.append("d.subject_top = %s")
            params.append(f.subject)
        if f.genre:
            where.append("d.genre = %s")
            params.append(f.genre)
        if f.year is not None:
            where.append("d.year = %s")
            params.append(f.year)
        if f.validity:
            sql, vparams = self._validity_sql(today)
            where.append(f"({sql}) = %s")
            params += [*vparams, f.validity]
        if f.column_ids:
            through = InfoItem.columns.through._meta.db_table
            marks = ", ".join(["%s"] * len(f.column_ids))
            where.append(
                f"EXISTS (SELECT 1 FROM {through} c WHERE c.infoitem_id = d.item_id AND c.column_id IN ({marks}))"  # noqa: S608
            )
            params += list(f.column_ids)
        if f.published_after:
            where.append("d.published_on >= %s")
            params.append(ops.adapt_datefield_value(f.published_after))
        if f.published_before:
            where.append("d.published_on <= %s")
            params.append(ops.adapt_datefield_value(f.published_before))
        for value in f.doc_no:
            where.append("d.doc_no_norm = %s")
            params.append(value)
        for value in f.doc_no_prefix:
            escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            where.append("d.doc_no_norm LIKE %s ESCAPE '\\'")
            params.append(escaped + "%")
        for value in f.index_no:
            where.append("d.index_no = %s")
            params.append(value)
        return where, params

    def search(self, query: BackendQuery) -> BackendResult:
        where, where_params = self._filters_sql(query.filters, query.today)
        if query.must:
            from_sql, from_params, match_sql, match_params, score_sql, score_params = self._fulltext(query)
            where = [match_sql, *where]
            where_params = [*match_params, *where_params]
        else:
            from_sql, from_params, score_sql, score_params = "search_document d", [], "1.0", []
        where_sql = " AND ".join(where) if where else "1 = 1"
        base_params = [*from_params, *where_params]

        facets: dict[str, list[tuple[Any, int]]] = {}
        with self.connection.cursor() as cursor:
            if query.facets:
                total, facets = self._facets(cursor, query, from_sql, where_sql, base_params)
            else:
                cursor.execute(f"SELECT COUNT(*) FROM {from_sql} WHERE {where_sql}", base_params)  # noqa: S608
                total = int(cursor.fetchone()[0])
            hits: list[tuple[int, float]] = []
            if total and query.limit > 0 and query.offset < total:
                nulls = self._nulls_last()
                by_date = f"d.published_at DESC{nulls}, d.item_id DESC"
                order = f"score DESC, {by_date}" if query.sort == "relevance" else by_date
                cursor.execute(
                    f"SELECT d.item_id, {score_sql} AS score FROM {from_sql} WHERE {where_sql} "  # noqa: S608
                    f"ORDER BY {order} LIMIT %s OFFSET %s",
                    [*score_params, *base_params, query.limit, query.offset],
                )
                hits = [(int(pk), float(score or 0.0)) for pk, score in cursor.fetchall()]
        return BackendResult(total=total, hits=hits, facets=facets)

    def _facets(
        self, cursor: Any, query: BackendQuery, from_sql: str, where_sql: str, params: list[Any]
    ) -> tuple[int, dict[str, list[tuple[Any, int]]]]:
        """Counts per value of each facet over the whole result set; the total is their sum."""
        validity_sql, validity_params = self._validity_sql(query.today)
        cursor.execute(
            f"SELECT d.org_id, d.subject_top, d.genre, d.year, {validity_sql} AS v, COUNT(*) "  # noqa: S608
            f"FROM {from_sql} WHERE {where_sql} GROUP BY d.org_id, d.subject_top, d.genre, d.year, v",
            [*validity_params, *params],
        )
        counters: dict[str, dict[Any, int]] = {name: {} for name in FACETS}
        total = 0
        for org_id, subject, genre, year, validity, count in cursor.fetchall():
            total += count
            for name, value in (
                ("org", org_id),
                ("subject", subject),
                ("genre", genre),
                ("year", year),
                ("validity", validity),
            ):
                if value not in (None, ""):
                    counters[name][value] = counters[name].get(value, 0) + count
        if total:
            through = InfoItem.columns.through._meta.db_table
            cursor.execute(
                f"SELECT c.column_id, COUNT(*) FROM {from_sql} JOIN {through} c ON c.infoitem_id = d.item_id "  # noqa: S608
                f"WHERE {where_sql} GROUP BY c.column_id ORDER BY COUNT(*) DESC, c.column_id "
                f"LIMIT {COLUMN_FACET_LIMIT}",
                params,
            )
            counters["column"] = {column_id: count for column_id, count in cursor.fetchall()}
        facets = {
            name: sorted(values.items(), key=lambda kv: (-kv[1], str(kv[0])))
            for name, values in counters.items()
        }
        return total, facets


def words(clause: Clause) -> list[Token]:
    return [t for t in clause.tokens if t.text != MARK]


def is_verified_phrase(clause: Clause) -> bool:
    """A phrase matched as text: its longer words find the candidates, the text check decides."""
    tokens = words(clause)
    return len(tokens) > 1 and any(len(t.text) > 1 for t in tokens)


def phrase_needle(clause: Clause) -> str:
    """The phrase as it stands in a field's word stream with the spaces taken out (the folded text without
    whitespace, MARK where punctuation stood)."""
    return "".join(t.text for t in clause.tokens)


TITLE_BOOST = 1000.0  # far above any text score: titles that hold the typed words together come first


def title_boost_sql(query: BackendQuery, contains: str) -> tuple[str, list[Any]]:
    """A score term: TITLE_BOOST for each of the query's boost texts that the document's title holds.
    `contains` is the vendor's test with one placeholder for the needle, over the flat title `st.title`."""
    if not query.title_boost:
        return "", []
    tests = " + ".join(f"(CASE WHEN {contains} THEN {TITLE_BOOST} ELSE 0 END)" for _ in query.title_boost)
    sql = f" + (SELECT {tests} FROM search_text st WHERE st.item_id = d.item_id)"  # noqa: S608
    return sql, list(query.title_boost)
