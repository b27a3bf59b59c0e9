"""Search: what the page, the API and the command line call. Public items only (the index holds nothing else,
and the results are loaded through `publishing.selectors.items_public` again).

Order of business for a query: the whole query as an exact 索引号 or 文号 (or a 文号 beginning such as
国办发〔2019〕) — an indexed column look-up; else term by term, where such terms become exact filters and the
rest full-text clauses; `within` adds its own terms with AND; then filters, facets, sort and page.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import timezone

from gongkai.core.errors import ApplicationError
from gongkai.orgs.models import Organization
from gongkai.publishing import selectors as publishing_selectors
from gongkai.publishing.models import Column, InfoItem
from gongkai.search import snippets
from gongkai.search.backends import get_backend
from gongkai.search.backends.base import BackendQuery, Filters
from gongkai.search.dictionary import segmenter
from gongkai.search.models import SearchDocument
from gongkai.search.params import SearchParams
from gongkai.search.query import (
    Clause,
    QueryText,
    doc_no_candidate,
    index_no_candidate,
    parse,
    term_clauses,
)

GUIDANCE = (
    "请输入要查找的词语（标题、正文和附件都会查找）、文号（如 示政办发〔2025〕12号，方括号可用 [ ] 或【 】，"
    "也可只输入 示政办发〔2025〕 查找当年全部文件）或索引号。多个词语用空格分开；"
    '用引号 "…" 查找完整短语；在词语前加减号（-词语）排除它。'
)
FACET_LABELS = {
    "org": "发布机构",
    "subject": "主题分类",
    "genre": "公文种类",
    "year": "发布年份",
    "validity": "有效性",
    "column": "栏目",
}
FACET_LIMIT = 20
MAX_TITLE_BOOST = 4
VALIDITY_ORDER = list(InfoItem.Validity.values)


@dataclass
class SearchHit:
    item: InfoItem
    score: float
    title_html: str  # escaped, hits marked
    snippet: str  # escaped, hits marked
    url: str
    validity: str
    validity_label: str


@dataclass
class FacetValue:
    value: str  # as the URL parameter takes it
    label: str
    count: int
    selected: bool = False


@dataclass
class SearchPage:
    params: SearchParams
    query: str = ""  # the query as understood (cleaned, truncated)
    within: str = ""
    total: int = 0
    hits: list[SearchHit] = field(default_factory=list)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    message: str = ""  # guidance when there is nothing to search for
    exact: str = ""  # "index_no" or "doc_no" when the whole query was found as one
    truncated: bool = False
    highlight: tuple[str, ...] = ()

    @property
    def searched(self) -> bool:
        return not self.message

    @property
    def page(self) -> int:
        return self.params.page

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.params.page_size))

    @property
    def has_next(self) -> bool:
        return self.params.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.params.page > 1

    @property
    def start_index(self) -> int:
        return self.params.offset + 1


@dataclass
class _Plan:
    must: list[Clause] = field(default_factory=list)
    must_not: list[Clause] = field(default_factory=list)
    doc_no: list[str] = field(default_factory=list)
    doc_no_prefix: list[str] = field(default_factory=list)
    index_no: list[str] = field(default_factory=list)
    highlight: list[str] = field(default_factory=list)
    title_boost: list[str] = field(default_factory=list)
    exact: str = ""

    @property
    def empty(self) -> bool:
        return not (self.must or self.doc_no or self.doc_no_prefix or self.index_no)


def _exact(text: str, plan: _Plan) -> str:
    """Record `text` as an exact 索引号 or 文号 (prefix) filter when the index has it; returns which."""
    text = unicodedata.normalize("NFKC", text).strip()
    candidate = index_no_candidate(text)
    if candidate:
        for value in dict.fromkeys([candidate, candidate.upper()]):
            if SearchDocument.objects.filter(index_no=value).exists():
                plan.index_no.append(value)
                plan.highlight.append(value)
                return "index_no"
    doc_no = doc_no_candidate(text)
    if doc_no is not None:
        kind, value = doc_no
        if kind == "exact" and SearchDocument.objects.filter(doc_no_norm=value).exists():
            plan.doc_no.append(value)
            return "doc_no"
        if kind == "prefix" and SearchDocument.objects.filter(doc_no_norm__startswith=value).exists():
            plan.doc_no_prefix.append(value)
            return "doc_no"
    return ""


def _plan(texts: list[QueryText], *, as_phrases: bool = False) -> _Plan:
    """The clauses and filters of the query. `as_phrases`: each unquoted term as one phrase (the fallback
    when its words find nothing — a fragment such as 金援企稳岗的意 is then matched as text)."""
    plan = _Plan()
    seg = segmenter()
    for number, qt in enumerate(texts):
        if not qt.terms:
            continue
        whole = "" if any(t.negated for t in qt.terms) else _exact(qt.text, plan)
        if whole:
            if number == 0:
                plan.exact = whole
            continue
        for term in qt.terms:
            if not term.negated and not term.quoted and len(qt.terms) > 1 and _exact(term.text, plan):
                continue
            if as_phrases and not term.negated:
                term = replace(term, quoted=True)
            clauses = term_clauses(term, seg)
            if term.negated:
                plan.must_not.extend(clauses)
            else:
                plan.must.extend(clauses)
                if len(clauses) > 1 or (clauses and len(clauses[0].words) > 1):
                    # The term as it stands in a flat title (words without spaces, MARK at punctuation).
                    plan.title_boost.append("".join(t.text for t in seg.analyze(term.text, subwords=False)))
                for clause in clauses:
                    plan.highlight.extend(clause.highlight)
    return plan


def _filters(params: SearchParams, plan: _Plan) -> Filters:
    org_id = None
    if params.org:
        org = Organization.objects.filter(code=params.org).only("pk").first()
        if org is None:
            raise ApplicationError("unknown_org", f"机关代码 {params.org} 不存在。", field="org")
        org_id = org.pk
    column_ids: tuple[int, ...] = ()
    if params.column is not None:
        column = Column.objects.filter(pk=params.column).first()
        if column is None:
            raise ApplicationError("unknown_column", "栏目不存在。", field="column")
        column_ids = tuple(publishing_selectors.column_subtree_ids(column))
    return Filters(
        org_id=org_id,
        subject=params.subject,
        genre=params.genre,
        year=params.year,
        validity=params.validity,
        column_ids=column_ids,
        published_after=params.published_after,
        published_before=params.published_before,
        doc_no=tuple(plan.doc_no),
        doc_no_prefix=tuple(plan.doc_no_prefix),
        index_no=tuple(plan.index_no),
    )


def search(
    params: SearchParams, *, today: date | None = None, facets: bool = True, clamp_page: bool = False
) -> SearchPage:
    """Run a search. Raises ApplicationError for an unknown agency or column (other parameters are checked
    by `params.parse_params`). `clamp_page`: a page past the end shows the last page (the web page)."""
    today = today or timezone.localdate()
    q, within = parse(params.q), parse(params.within)
    page = SearchPage(params=params, query=q.text, within=within.text, truncated=q.truncated)
    plan = _plan([q, within])
    filters = _filters(params, plan)
    if not q.terms or plan.empty:
        page.message = GUIDANCE if not q.terms else "查询中没有可以查找的词语。" + GUIDANCE
        return page
    page.exact = plan.exact
    page.highlight = tuple(dict.fromkeys(plan.highlight))
    backend = get_backend()
    query = BackendQuery(
        must=tuple(plan.must),
        must_not=tuple(plan.must_not),
        filters=filters,
        sort=params.sort,
        offset=params.offset,
        limit=params.page_size,
        facets=facets,
        today=today,
        title_boost=tuple(plan.title_boost[:MAX_TITLE_BOOST]),
    )
    result = backend.search(query)
    if not result.total:
        phrases = _plan([q, within], as_phrases=True)
        if len(phrases.must) < len(plan.must):  # some term was several words: try it as one phrase
            page.highlight = tuple(dict.fromkeys(phrases.highlight))
            query = replace(query, must=tuple(phrases.must))
            result = backend.search(query)
    if clamp_page and result.total and params.offset >= result.total:
        last = max(1, math.ceil(result.total / params.page_size))
        page.params = params = replace(params, page=last)
        counted = result
        result = backend.search(replace(query, offset=params.offset, facets=False))
        result.facets = counted.facets
    page.total = result.total
    page.hits = _hits(result.hits, page.highlight, today)
    if facets:
        page.facets = _facets(result.facets, params)
    return page


def _hits(hits: list[tuple[int, float]], terms: tuple[str, ...], today: date) -> list[SearchHit]:
    ids = [pk for pk, _ in hits]
    items = {item.pk: item for item in publishing_selectors.items_public().filter(pk__in=ids)}
    out: list[SearchHit] = []
    missing: list[SearchHit] = []
    for pk, score in hits:
        item = items.get(pk)
        if item is None:  # cannot happen (same transaction), but never show what is not public
            continue
        text, found = snippets.snippet(item.body_text, terms)
        validity = publishing_selectors.effective_validity(item, today)
        hit = SearchHit(
            item=item,
            score=round(score, 6),
            title_html=snippets.highlight(item.title, terms),
            snippet=text,
            url=reverse("portal:item", args=[pk]),
            validity=validity,
            validity_label=publishing_selectors.VALIDITY_LABELS.get(validity, validity),
        )
        if not found and terms:
            missing.append(hit)
        out.append(hit)
    if missing:
        # The words may be in an attachment: show that text instead.
        texts: dict[int, list[str]] = {}
        for item_id, text in (
            InfoItem.objects.filter(pk__in=[h.item.pk for h in missing])
            .exclude(attachments__text="")
            .values_list("pk", "attachments__text")
        ):
            if text:
                texts.setdefault(item_id, []).append(text)
        for hit in missing:
            for text in texts.get(hit.item.pk, []):
                snippet, found = snippets.snippet(text, terms)
                if found:
                    hit.snippet = "附件：" + snippet
                    break
    return out


def _facets(raw: dict[str, list[tuple[Any, int]]], params: SearchParams) -> dict[str, list[FacetValue]]:
    out: dict[str, list[FacetValue]] = {}
    org_ids = [v for v, _ in raw.get("org", [])][:FACET_LIMIT]
    orgs = {o.pk: o for o in Organization.objects.filter(pk__in=org_ids)}
    column_ids = [v for v, _ in raw.get("column", [])][:FACET_LIMIT]
    columns = {c.pk: c for c in Column.objects.filter(pk__in=column_ids).select_related("org")}
    several_orgs = len({c.org_id for c in columns.values()}) > 1
    for name in FACET_LABELS:
        values: list[FacetValue] = []
        entries = raw.get(name, [])
        if name == "year":
            entries = sorted(entries, key=lambda kv: -int(str(kv[0])))
        elif name == "validity":
            entries = sorted(
                entries, key=lambda kv: VALIDITY_ORDER.index(str(kv[0])) if kv[0] in VALIDITY_ORDER else 99
            )
        for value, count in entries[: FACET_LIMIT if name != "year" else 50]:
            if name == "org":
                org = orgs.get(value)
                if org is None:
                    continue
                values.append(FacetValue(org.code, org.name, count, params.org == org.code))
            elif name == "column":
                column = columns.get(value)
                if column is None:
                    continue
                label = (
                    f"{column.name}（{column.org.short_name or column.org.name}）"
                    if several_orgs
                    else column.name
                )
                values.append(FacetValue(str(column.pk), label, count, params.column == column.pk))
            elif name == "year":
                values.append(FacetValue(str(value), f"{value}年", count, params.year == value))
            elif name == "validity":
                label = publishing_selectors.VALIDITY_LABELS.get(str(value), str(value))
                values.append(FacetValue(str(value), label, count, params.validity == value))
            else:
                values.append(FacetValue(str(value), str(value), count, getattr(params, name) == value))
        out[name] = values
    return out
