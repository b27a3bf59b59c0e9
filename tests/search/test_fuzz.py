"""Property tests: no query makes search fail, and whatever is indexed is found by its own words.

Run on both databases (`DATABASE_URL=postgres://… pytest tests/search`): the full-text syntax of each (FTS5's
quotes, operators and column filters; tsquery's & | ! <-> and quoting) must never leak through.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.core.errors import ApplicationError
from gongkai.search.backends import get_backend
from gongkai.search.dictionary import segmenter
from gongkai.search.documents import build_document
from gongkai.search.params import parse_params
from gongkai.search.selectors import search
from gongkai.search.text import MARK
from tests.factories import publish

pytestmark = pytest.mark.django_db

SYNTAX = [
    '"',
    "'",
    "“",
    "”",
    "*",
    "(",
    ")",
    ":",
    "^",
    "-",
    "+",
    "NEAR",
    "NEAR(",
    "AND",
    "OR",
    "NOT",
    "{",
    "}",
    "[",
    "]",
    "【",
    "】",
    "〔",
    "〕",
    "\\",
    "&",
    "|",
    "!",
    "<->",
    "<2>",
    ":*",
    "title:",
    "\x00",
    "\x1b",
    "\u200b",
    "\ufeff",
    "\ue000",
    "😀",
    "👨‍👩‍👧",
    "🇨🇳",
    "𠀀",
    " ",
    "\t",
    "\n",
    "%",
    "_",
    ";",
    "--",
    "/*",
    "*/",
    "''",
    "\ud800",
]
WORDS = [
    "教育",
    "社保",
    "最低生活保障",
    "國務院",
    "通知",
    "国办发",
    "2019",
    "号",
    "的",
    "abc",
    "ＡＢＣ",
    "市教育局",
]
ANY_CHAR = st.characters(exclude_categories=())
QUERIES = st.one_of(
    st.text(ANY_CHAR, max_size=60),
    st.lists(
        st.one_of(st.sampled_from(SYNTAX), st.sampled_from(WORDS), st.text(ANY_CHAR, max_size=3)), max_size=14
    ).map("".join),
    st.lists(st.sampled_from(SYNTAX + WORDS), min_size=1, max_size=8).map(" ".join),
)
FUZZ = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def indexed(agency, other):
    publish(
        agency,
        "关于做好最低生活保障工作的通知",
        doc_no="国办发〔2019〕5号",
        body_html="<p>社保、教育、就业。</p>",
    )
    publish(other, "市教育局2019年工作要点", keywords="教育 AND OR NEAR")
    publish(agency, '带"引号"和*星号*的(标题)：NEAR AND OR NOT')


def test_no_query_makes_search_fail(indexed):
    @FUZZ
    @given(q=QUERIES, within=st.one_of(st.just(""), QUERIES), sort=st.sampled_from(["relevance", "date"]))
    def check(q: str, within: str, sort: str) -> None:
        with transaction.atomic():  # a database error would break the test's transaction: fail loudly here
            page = search(parse_params({"q": q, "within": within, "sort": sort}))
        assert page.total >= 0 and len(page.hits) <= page.total
        assert bool(page.message) != page.searched
        for hit in page.hits:
            assert "<script" not in hit.snippet and "<script" not in hit.title_html

    check()


def test_huge_query_is_truncated_not_refused(indexed):
    page = search(parse_params({"q": "教育" * 5000 + '"' * 3000 + "\x00" * 1000}))
    assert page.truncated and len(page.query) == 200


def test_api_never_fails_on_odd_queries(client, indexed):
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(q=QUERIES.filter(lambda s: "\ud800" not in s and not any(0xD800 <= ord(c) <= 0xDFFF for c in s)))
    def check(q: str) -> None:
        response = client.get("/api/v1/search", {"q": q})
        if "\x00" in q:
            # A NUL is refused before any view with a stable code (core.middleware.RejectNulMiddleware).
            assert response.status_code == 400, response.content
            assert response.json()["error"]["code"] == "bad_character"
            assert client.get("/search/", {"q": q}).status_code == 400
            return
        assert response.status_code == 200, response.content
        assert response.json()["total"] >= 0
        assert client.get("/search/", {"q": q}).status_code == 200

    check()


COMMON = "的一是在不了有和人这中大为上个国我以要时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面方后多定行学法所民"
TEXT = st.lists(
    st.one_of(
        st.sampled_from([*WORDS, "城乡居民", "基本医疗保险", "行政规范性文件", "政府信息公开", "教育局"]),
        st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=3),
        st.text(st.sampled_from(list(COMMON)), min_size=1, max_size=4),
        st.sampled_from([*list("，。、；：？！“”（）【】《》 \n\t-_/"), "2019", "5", "abc", "XYZ"]),
    ),
    min_size=1,
    max_size=20,
).map("".join)


def test_indexed_text_is_found_by_its_own_words(agency):
    item = publish(agency, "占位标题")
    backend = get_backend()
    seg = segmenter()

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(title=TEXT.filter(lambda t: not any(q in t for q in '"“”')), body=TEXT)
    def check(title: str, body: str) -> None:
        item.title, item.body_text = title, body
        with transaction.atomic():
            backend.upsert([build_document(item, seg)])
        words = [t.text for t in seg.analyze(title) if not t.sub and t.text != MARK]
        for word in words[:6]:
            try:
                page = search(parse_params({"q": word}), facets=False)
            except ApplicationError as exc:  # pragma: no cover - would be a bug
                raise AssertionError(exc.message) from exc
            assert page.total == 1, (title, word)
        if len(words) >= 2:
            phrase = f'"{title}"'
            assert search(parse_params({"q": phrase}), facets=False).total == 1, (title, phrase)

    check()
