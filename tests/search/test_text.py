"""Folding, segmentation, query parsing and snippets: pure functions, no database."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.search import snippets
from gongkai.search.query import RawTerm, doc_no_candidate, lex, parse, sanitize, term_clauses
from gongkai.search.text import MARK, Segmenter, fold, fold_reference, fold_with_offsets, vocabulary


@functools.cache
def shared_segmenter() -> Segmenter:
    return Segmenter([*vocabulary(), "冀人社"])


@pytest.fixture(scope="module")
def seg() -> Segmenter:
    return shared_segmenter()


# ---------------------------------------------------------------- folding


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("國務院辦公廳關於印發", "国务院办公厅关于印发"),
        ("臺灣裡面", "台湾里面"),  # HK/TW variants folded too
        ("ＡＢＣ１２３", "abc123"),  # full-width → half-width, lower case
        ("国办发［2019］5号", "国办发〔2019〕5号"),
        ("国办发【2019】5号", "国办发〔2019〕5号"),
        ("国办发(2019)5号", "国办发〔2019〕5号"),
        ("教\x00育\u200b局", "教 育局"),  # control → space, invisible removed
        ("a\ue000b", "ab"),  # private use (the index's break token) removed from real text
    ],
)
def test_fold(typed, folded):
    assert fold(typed) == folded


def test_fold_keeps_offsets_for_highlighting():
    folded, offsets = fold_with_offsets("國務院")
    assert folded == "国务院" and offsets == [0, 1, 2]
    folded, offsets = fold_with_offsets("㈠教育")  # NFKC makes one character three
    assert folded == "〔一〕教育" and offsets == [0, 0, 0, 1, 2]


# ---------------------------------------------------------------- segmentation


@pytest.mark.parametrize("word", ["最低生活保障", "行政规范性文件", "政府信息公开", "城乡居民基本医疗保险"])
def test_vocabulary_words_stay_whole(seg, word):
    words = seg.words_of(f"关于做好{word}工作的通知")
    assert word in words


def test_doc_prefix_stays_whole(seg):
    plain = Segmenter(vocabulary())
    assert "冀人社" not in plain.words_of("冀人社规〔2020〕3号")
    assert "冀人社" in seg.words_of("冀人社规〔2020〕3号")


def test_sub_words_are_indexed_at_their_offset(seg):
    tokens = seg.analyze("市教育局发布")
    assert ("教育局", 1, False) in tokens
    assert ("教育", 1, True) in tokens  # inside 教育局, at its own offset
    assert ("发布", 4, False) in tokens
    words = [t for t in seg.analyze("最低生活保障") if t.sub]
    assert {(t.text, t.pos) for t in words} >= {("最低", 0), ("生活", 2), ("保障", 4)}


def test_punctuation_is_a_break_and_whitespace_is_not_counted(seg):
    tokens = seg.analyze("教育，发展 hello  world")
    assert [t.text for t in tokens] == ["教育", MARK, "发展", "hello", "world"]
    assert [t.pos for t in tokens if t.text != MARK] == [0, 3, 5, 10]


def test_analyze_never_fails_on_odd_text(seg):
    odd = "\x00\x01😀\U0001f600 \ud800 ｛｝ NEAR(a*b) \"' 𠀀字 \u0301e" + "字" * 5000
    tokens = seg.analyze(odd)
    assert all(t.text == MARK or t.text.isalnum() for t in tokens)
    assert all(len(t.text) <= 40 for t in tokens)


# ---------------------------------------------------------------- queries


def test_sanitize_truncates_and_cleans():
    assert sanitize("  教育\x00局 \t 通知 ") == "教育 局 通知"
    assert len(sanitize("字" * 10_000)) == 200
    parsed = parse("字" * 10_000)
    assert parsed.truncated and len(parsed.text) == 200


def test_lex_words_phrases_and_minus():
    assert lex('教育 "城乡 居民" -招聘 “医疗保险” -"试点"') == [
        RawTerm("教育"),
        RawTerm("城乡 居民", quoted=True),
        RawTerm("招聘", negated=True),
        RawTerm("医疗保险", quoted=True),
        RawTerm("试点", quoted=True, negated=True),
    ]
    assert lex('"未闭合的引号') == [RawTerm("未闭合的引号", quoted=True)]
    assert lex("- 单独的减号") == [RawTerm("-"), RawTerm("单独的减号")]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("国办发[2019]5号", ("exact", "国办发〔2019〕5号")),
        ("国办发〔2019〕05号", ("exact", "国办发〔2019〕5号")),
        ("国务院令第711号", ("exact", "国务院令第711号")),
        ("国办发【2019】", ("prefix", "国办发〔2019〕")),
        ("国办发(2019", ("prefix", "国办发〔2019")),
        ("12号", None),
        ("2019", None),
        ("国办发", None),
        ("教育", None),
    ],
)
def test_doc_no_candidates(typed, expected):
    assert doc_no_candidate(typed) == expected


def test_unquoted_term_is_its_words_and_single_characters_stay_together(seg):
    clauses = term_clauses(RawTerm("市教育局发布的通知"), seg)
    assert [[t.text for t in c.words] for c in clauses] == [["市", "教育局"], ["发布"], ["通知"]]
    clauses = term_clauses(RawTerm("第5号"), seg)
    assert [[t.text for t in c.words] for c in clauses] == [["第", "5", "号"]]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        # Fragments cut out of titles: the one-character ends join a neighbouring word in a phrase.
        ("中华人民共和国乡", [["中华人民共和国", "乡"]]),
        ("人民政府办", [["人民政府", "办"]]),
        ("北省农村义务教", [["北", "省", "农村"], ["义务", "教"]]),
        ("省教育厅", [["省", "教育厅"]]),
        ("年政府信息公", [["年", "政府"], ["信息", "公"]]),
        ("教育的发展", [["教育"], ["发展"]]),  # a stopword between words is still dropped
    ],
)
def test_one_character_tokens_join_their_neighbour(seg, typed, expected):
    assert [[t.text for t in c.words] for c in term_clauses(RawTerm(typed), seg)] == expected


def test_quoted_term_is_one_phrase(seg):
    (clause,) = term_clauses(RawTerm("最低生活保障标准", quoted=True), seg)
    assert [t.text for t in clause.words] == ["最低生活保障", "标准"]
    assert clause.highlight == ("最低生活保障标准",)


def test_a_lone_stopword_is_dropped_unless_alone(seg):
    assert [c.words[0].text for c in term_clauses(RawTerm("的"), seg)] == ["的"]


# ---------------------------------------------------------------- snippets


def test_snippet_escapes_then_marks():
    html, found = snippets.snippet("<b>注意</b>：关于最低生活保障的通知", ["最低生活保障"])
    assert found
    assert html == "&lt;b&gt;注意&lt;/b&gt;：关于<mark>最低生活保障</mark>的通知"


def test_snippet_marks_simplified_text_for_a_traditional_query():
    html, found = snippets.snippet("国务院办公厅关于印发通知", ["國務院"])
    assert found and "<mark>国务院</mark>" in html


def test_snippet_windows_long_text_and_marks_in_original():
    text = "甲" * 500 + "《城乡居民基本医疗保险》" + "乙" * 500
    html, found = snippets.snippet(text, ["城乡居民基本医疗保险"])
    assert found and html.startswith("…") and html.endswith("…")
    assert "<mark>城乡居民基本医疗保险</mark>" in html and len(html) < 200


def test_snippet_without_hit_is_the_beginning():
    html, found = snippets.snippet("一二三" * 100, ["无关"])
    assert not found and html.startswith("一二三") and html.endswith("…")


def test_highlight_title_marks_every_hit_and_escapes():
    assert snippets.highlight("教育<局>教育", ["教育"]) == "<mark>教育</mark>&lt;局&gt;<mark>教育</mark>"


# ---------------------------------------------------------------- the fast paths give the same result

ODD_TEXTS = [
    "",
    "国务院办公厅关于印发《河北省最低生活保障办法》的通知（冀政办发〔2020〕3号）",
    "國務院辦公廳關於印發【2019】５号，ＡＢＣ　１２３",
    "\x00\x01😀\U0001f600 \ud800 ｛｝ NEAR(a*b) \"' 𠀀字 \u0301e ㈠①Ⅻ",
    "a_b__c 2019-01-02 c++ 50% x.y.z ,,,... —— ……",
    "字" * 60 + " " + "a" * 70 + "9" * 45 + " 市教育局发布城乡居民最低生活保障标准",
    "  ，，开头的标点与结尾的标点。。  ",
    "教育，发展 hello  world\n\t新行\u3000全角空格",
]


def joined(tokens) -> tuple[str, str]:
    return " ".join(t.text for t in tokens if not t.sub), " ".join(t.text for t in tokens if t.sub)


@pytest.mark.parametrize("text", ODD_TEXTS)
def test_fast_fold_is_fold_as_defined(text):
    assert fold(text) == fold_reference(text)


@pytest.mark.parametrize("text", ODD_TEXTS)
def test_streams_are_the_joined_tokens(seg, text):
    assert seg.streams(text) == joined(seg.analyze(text))


CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x4E00 + 3000)
MIXED = st.text(
    st.one_of(
        CJK,
        st.sampled_from("，。、；：（）《》〔〕【】()[]-_.+%# \n\u3000ＡＢ１２國務院辦廳關於"),
        st.characters(),
    ),
    max_size=300,
)


@given(MIXED)
@settings(max_examples=300, deadline=None)
def test_fast_paths_agree_on_any_text(text):
    seg = shared_segmenter()
    assert fold(text) == fold_reference(text)
    assert seg.streams(text) == joined(seg.analyze(text))


CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")
def test_fast_paths_agree_on_real_documents(seg):
    """Bodies of the real corpus (a deterministic sample of the 河北 CSVs)."""
    import csv

    csv.field_size_limit(1 << 30)
    texts = []
    for path in sorted((CORPUS / "hebei").rglob("*.csv"))[:6]:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            for row in list(csv.reader(fh))[1:40]:
                texts.extend(row)
    assert texts
    for text in texts:
        assert fold(text) == fold_reference(text)
        assert seg.streams(text) == joined(seg.analyze(text))


@pytest.mark.parametrize("at", [0, 3_990, 3_998, 4_000, 9_000, 59_000])
def test_snippet_finds_the_first_hit_wherever_it_is(at):
    text = "甲" * at + "最低生活保障" + "乙" * (60_000 - at)
    html_text, found = snippets.snippet(text, ["最低生活保障"])
    assert found
    assert "<mark>最低生活保障</mark>" in html_text
