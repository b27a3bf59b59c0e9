"""The engine against the real database (SQLite here, PostgreSQL with DATABASE_URL): the index follows
publishing in the same transaction, and the query features do what docs/search.md says."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.utils import timezone

from gongkai.core.errors import ApplicationError
from gongkai.publishing import services
from gongkai.publishing.models import Attachment, Column, InfoItem
from gongkai.search import indexing
from gongkai.search.backends import get_backend
from gongkai.search.models import SearchDocument, SearchText
from tests.factories import draft, publish
from tests.search.conftest import find, titles, withdraw

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def published_on(agency, title: str, day: date, **fields):
    """Publish with a given publication date (as imports and the demo do: set before publishing)."""
    item = draft(agency, title, **fields)
    InfoItem.objects.filter(pk=item.pk).update(
        published_at=datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI)
    )
    item = services.item_transition(actor=agency.drafter, item=item, action="submit")
    item = services.item_transition(actor=agency.reviewer, item=item, action="approve")
    return services.item_transition(actor=agency.publisher, item=item, action="publish")


# ---------------------------------------------------------------- the index follows publishing


def test_publishing_makes_an_item_findable_at_once_and_withdrawing_removes_it(agency):
    item = draft(agency, "关于调整城乡居民最低生活保障标准的通知")
    assert titles("最低生活保障") == []  # a draft is never found
    for action, actor in (("submit", agency.drafter), ("approve", agency.reviewer)):
        item = services.item_transition(actor=actor, item=item, action=action)
        assert titles("最低生活保障") == []
    item = services.item_transition(actor=agency.publisher, item=item, action="publish")
    assert titles("最低生活保障") == ["关于调整城乡居民最低生活保障标准的通知"]
    withdraw(agency, item)
    assert titles("最低生活保障") == []
    assert not SearchDocument.objects.filter(item=item).exists()
    assert not SearchText.objects.filter(document_id=item.pk).exists()
    services.item_transition(actor=agency.publisher, item=item, action="republish")
    assert titles("最低生活保障") == ["关于调整城乡居民最低生活保障标准的通知"]


def test_items_not_disclosed_proactively_are_never_found(agency):
    publish(agency, "依申请公开的社保卡发放名单", disclosure="on_request", disclosure_reason="涉及个人隐私")
    publish(agency, "不予公开的社保卡内部材料", disclosure="withheld", disclosure_reason="内部事务信息")
    publish(agency, "社保卡补换办理指南")
    assert titles("社保卡") == ["社保卡补换办理指南"]


def test_revising_updates_the_entry(agency):
    item = publish(agency, "关于开展春季植树活动的通知", body_html="<p>请各单位组织植树。</p>")
    services.item_revise(
        actor=agency.publisher,
        item=item,
        data=services.ItemData(title="关于开展秋季征兵工作的通知", body_html="<p>做好征兵宣传。</p>"),
        reason="标题有误",
    )
    assert titles("植树") == []
    assert titles("征兵") == ["关于开展秋季征兵工作的通知"]
    # Revised into 依申请公开: it leaves the index.
    services.item_revise(
        actor=agency.publisher,
        item=item,
        data=services.ItemData(
            title="关于开展秋季征兵工作的通知", disclosure="on_request", disclosure_reason="内部"
        ),
        reason="公开属性更正",
    )
    assert titles("征兵") == []


def test_index_rolls_back_with_the_publishing_transaction(agency):
    item = draft(agency, "回滚测试的防汛通知")
    item = services.item_transition(actor=agency.drafter, item=item, action="submit")
    item = services.item_transition(actor=agency.reviewer, item=item, action="approve")
    with pytest.raises(RuntimeError), transaction.atomic():
        services.item_transition(actor=agency.publisher, item=item, action="publish")
        assert titles("防汛") == ["回滚测试的防汛通知"]  # inside the transaction: already indexed
        raise RuntimeError("the outer transaction fails")
    assert titles("防汛") == []
    assert not SearchDocument.objects.exists()


def test_validity_change_updates_the_validity_facet(agency):
    item = publish(agency, "关于工伤保险待遇调整的通知")
    assert [v.value for v in find("工伤保险").facets["validity"]] == ["valid"]
    services.item_validity_set(
        actor=agency.publisher, item=item, validity="expired", changed_on=timezone.localdate()
    )
    assert [v.value for v in find("工伤保险").facets["validity"]] == ["expired"]


def test_deleting_an_item_removes_its_entry(agency):
    item = publish(agency, "将被删除的义务教育通知")
    InfoItem.objects.filter(pk=item.pk).delete()  # a repair by a platform superuser
    assert titles("义务教育") == []
    assert not SearchText.objects.exists()


# ---------------------------------------------------------------- words, phrases, folding


def test_two_character_words_are_found(agency):
    publish(agency, "关于加强教育收费管理的通知")
    publish(agency, "社保缴费基数调整公告")
    publish(agency, "市教育局年度工作要点")  # 教育 inside 教育局
    assert sorted(titles("教育")) == ["关于加强教育收费管理的通知", "市教育局年度工作要点"]
    assert titles("社保") == ["社保缴费基数调整公告"]


def test_traditional_query_finds_simplified_text(agency):
    publish(agency, "国务院办公厅关于进一步优化营商环境的意见")
    assert titles("國務院辦公廳") == ["国务院办公厅关于进一步优化营商环境的意见"]
    assert titles("優化營商環境") == ["国务院办公厅关于进一步优化营商环境的意见"]


def test_full_width_query_finds_half_width_text(agency):
    publish(agency, "2025年度GDP统计公报")
    assert titles("２０２５年度 ＧＤＰ") == ["2025年度GDP统计公报"]


def test_phrase_query_is_exact(agency):
    publish(agency, "城乡居民基本医疗保险参保通知")
    publish(agency, "城乡居民参加大病保险和基本医疗保险的说明")  # the words, not the phrase
    assert len(titles("城乡居民 基本医疗保险")) == 2
    assert titles('"城乡居民基本医疗保险"') == ["城乡居民基本医疗保险参保通知"]
    assert titles("“城乡居民基本医疗保险”") == ["城乡居民基本医疗保险参保通知"]


def test_phrase_does_not_run_across_punctuation_or_sub_words(agency):
    publish(agency, "推进教育，发展职业技能")
    publish(agency, "市教育局发展规划")
    assert titles('"教育发展"') == []
    assert titles("教育 发展") and len(titles("教育 发展")) == 2


def test_words_are_all_required_and_minus_excludes(agency):
    publish(agency, "住房公积金提取办法")
    publish(agency, "住房公积金贷款利率调整")
    assert titles("住房公积金 提取") == ["住房公积金提取办法"]
    assert titles("住房公积金 -提取") == ["住房公积金贷款利率调整"]
    assert find("-提取").message  # nothing positive to look for: guidance, no error


def test_body_keywords_org_name_and_attachment_text_are_searched(agency, other):
    publish(agency, "第一份通知", body_html="<p>关于失业保险稳岗返还的具体安排。</p>")
    publish(agency, "第二份通知", keywords="高温津贴")
    publish(other, "第三份通知")
    item = draft(agency, "第四份通知")
    att = services.attachment_add(actor=agency.drafter, item=item, name="附件一.pdf", data=b"%PDF-1.4\n%%EOF")
    Attachment.objects.filter(pk=att.pk).update(text="申报材料清单：营业执照副本")
    for action, actor in (
        ("submit", agency.drafter),
        ("approve", agency.reviewer),
        ("publish", agency.publisher),
    ):
        item = services.item_transition(actor=actor, item=item, action=action)
    assert titles("稳岗返还") == ["第一份通知"]
    assert titles("高温津贴") == ["第二份通知"]
    assert titles("示例市教育局") == ["第三份通知"]
    assert titles("营业执照") == ["第四份通知"]
    page = find("营业执照")
    assert page.hits[0].snippet.startswith("附件：") and "<mark>营业执照</mark>" in page.hits[0].snippet


def test_title_ranks_above_body(agency):
    publish(agency, "关于其他事项的通知", body_html="<p>顺带提及安全生产检查。</p>")
    publish(agency, "关于开展安全生产大检查的通知", body_html="<p>正文。</p>")
    assert titles("安全生产") == ["关于开展安全生产大检查的通知", "关于其他事项的通知"]
    page = find("安全生产")
    assert page.hits[0].score > page.hits[1].score > 0


def test_fts_syntax_is_plain_text(agency):
    publish(agency, "关于 AND 和 OR 的说明")
    for q in [
        "AND",
        "OR",
        "NEAR(a b)",
        '"',
        "教育*",
        "(教育)",
        "title:教育",
        "^教育",
        "'",
        "a & b | !c <-> d",
    ]:
        page = find(q)
        assert page.total >= 0


# ---------------------------------------------------------------- 文号 and 索引号


@pytest.mark.parametrize(
    "typed",
    [
        "示人社发[2026]15号",
        "示人社发【2026】15号",
        "示人社发(2026)15号",
        "示人社发〔2026〕15号",
        "示人社发［2026］15号",
        "示人社发（2026）015号",
    ],
)
def test_doc_no_in_any_bracket_style(agency, typed):
    publish(agency, "关于做好春节期间工资支付的通知", doc_no="示人社发〔2026〕15号")
    publish(agency, "另一份不相干的通知", doc_no="示人社发〔2026〕150号")
    page = find(typed)
    assert page.exact == "doc_no"
    assert [h.item.title for h in page.hits] == ["关于做好春节期间工资支付的通知"]


def test_doc_no_prefix_finds_the_years_documents(agency):
    publish(agency, "二〇一九年第一份", doc_no="国办发〔2019〕5号")
    publish(agency, "二〇一九年第二份", doc_no="国办发〔2019〕12号")
    publish(agency, "二〇二〇年的", doc_no="国办发〔2020〕1号")
    publish(agency, "别的机关的", doc_no="国发〔2019〕3号")
    assert sorted(titles("国办发〔2019〕")) == ["二〇一九年第一份", "二〇一九年第二份"]
    assert sorted(titles("国办发[2019]")) == ["二〇一九年第一份", "二〇一九年第二份"]
    assert len(titles("国办发〔")) == 3


def test_doc_no_with_words_and_cited_doc_no(agency):
    publish(agency, "转发国务院文件的通知", body_html="<p>根据国办发〔2019〕5号文件精神，制定本办法。</p>")
    publish(agency, "原文件", doc_no="国办发〔2019〕5号", body_html="<p>全文。</p>")
    assert titles("国办发[2019]5号") == ["原文件"]  # exact look-up first
    assert titles("国办发〔2019〕5号 全文") == ["原文件"]  # 文号 term + word
    assert titles("转发 国办发〔2019〕5号") == []  # the 文号 is an exact filter when it exists
    withdraw(agency, InfoItem.objects.get(title="原文件"))
    # No item has that 文号 any more: the text is searched, and finds the document citing it.
    assert titles("国办发〔2019〕5号") == ["转发国务院文件的通知"]


def test_index_no_exactly(agency):
    item = publish(agency, "按索引号查找的通知")
    publish(agency, "另一份通知")
    page = find(item.index_no)
    assert page.exact == "index_no" and [h.item.pk for h in page.hits] == [item.pk]
    assert titles(item.index_no.lower()) == ["按索引号查找的通知"]


# ---------------------------------------------------------------- facets, filters, sort, pages


@pytest.fixture
def corpus(agency, other):
    statutory = Column.objects.filter(org=agency.org).order_by("pk").first()
    yesterday = timezone.localdate() - timedelta(days=1)
    published_on(
        agency,
        "就业补贴申领通知",
        date(2024, 3, 1),
        subject="劳动、人事、监察\\就业",
        genre="通知",
        columns=[statutory],
    )
    published_on(agency, "就业见习基地名单公告", date(2025, 5, 6), subject="劳动、人事、监察", genre="公告")
    published_on(
        agency,
        "就业创业扶持办法",
        date(2025, 7, 8),
        subject="劳动、人事、监察\\就业",
        genre="通知",
        kind="normative",
        valid_until=yesterday,
        columns=[statutory],
    )
    published_on(other, "高校毕业生就业工作通知", date(2025, 9, 10), subject="科技、教育", genre="通知")
    publish(agency, "与本组无关的文件")
    return statutory


def facet(page, name):
    return {v.value: v.count for v in page.facets[name]}


def test_facet_counts(agency, other, corpus):
    page = find("就业")
    assert page.total == 4
    assert facet(page, "org") == {agency.org.code: 3, other.org.code: 1}
    assert facet(page, "subject") == {"劳动、人事、监察": 3, "科技、教育": 1}
    assert facet(page, "genre") == {"通知": 3, "公告": 1}
    assert facet(page, "year") == {"2024": 1, "2025": 3}
    assert [v.value for v in page.facets["year"]] == ["2025", "2024"]
    # 有效性 as shown today: valid_until yesterday makes it 失效 (publishing.selectors.effective_validity).
    assert facet(page, "validity") == {"valid": 3, "expired": 1}
    assert facet(page, "column") == {str(corpus.pk): 2}
    assert sum(facet(page, "org").values()) == page.total


def test_facet_filters_narrow_and_counts_follow(agency, other, corpus):
    page = find("就业", org=agency.org.code)
    assert page.total == 3 and facet(page, "org") == {agency.org.code: 3}
    assert [v.selected for v in page.facets["org"]] == [True]
    assert find("就业", subject="劳动、人事、监察", genre="通知").total == 2
    assert find("就业", year=2025).total == 3
    assert titles("就业", validity="expired") == ["就业创业扶持办法"]
    assert find("就业", validity="valid").total == 3
    assert find("就业", column=corpus.pk).total == 2


def test_date_range_and_sort_by_date(agency, other, corpus):
    assert titles("就业", published_after="2025-01-01", published_before="2025-07-31", sort="date") == [
        "就业创业扶持办法",
        "就业见习基地名单公告",
    ]
    assert titles("就业", sort="date") == [
        "高校毕业生就业工作通知",
        "就业创业扶持办法",
        "就业见习基地名单公告",
        "就业补贴申领通知",
    ]
    assert titles("就业", published_after="2025-09-10", published_before="2025-09-10") == [
        "高校毕业生就业工作通知"
    ]


def test_within_results(agency, other, corpus):
    assert sorted(titles("就业", within="通知")) == ["就业补贴申领通知", "高校毕业生就业工作通知"]
    assert titles("就业", within="高校 -不存在的词") == ["高校毕业生就业工作通知"]


def test_pagination(agency, other, corpus):
    first = find("就业", page_size=3)
    second = find("就业", page_size=3, page=2)
    assert first.total == second.total == 4 and first.pages == 2
    assert len(first.hits) == 3 and len(second.hits) == 1
    assert first.has_next and not second.has_next and second.has_previous
    assert {h.item.pk for h in first.hits}.isdisjoint({h.item.pk for h in second.hits})
    assert find("就业", page_size=3, page=5).hits == []


def test_unknown_agency_or_column_is_an_error(agency):
    with pytest.raises(ApplicationError) as exc:
        find("就业", org="NOSUCHORG")
    assert exc.value.code == "unknown_org"
    with pytest.raises(ApplicationError) as exc:
        find("就业", column=999999)
    assert exc.value.code == "unknown_column"


# ---------------------------------------------------------------- reindex and bulk


def test_items_changed_in_bulk_and_reindex(agency):
    items = [publish(agency, f"批量索引的第{n}份防疫通知") for n in range(3)]
    hidden = withdraw(agency, publish(agency, "已撤回的防疫通知"))
    backend = get_backend()
    backend.clear()
    assert titles("防疫") == []
    indexing.items_changed([*items, hidden])  # the withdrawn one is not indexed
    assert len(titles("防疫")) == 3 and find("防疫").total == 3
    indexing.items_changed([])  # nothing to do
    result = indexing.reindex(clear=True, batch_size=2)
    assert (result.indexed, result.removed) == (3, 0)
    assert len(titles("防疫")) == 3


def test_reindex_removes_stale_entries(agency):
    item = publish(agency, "被绕过服务撤回的低保通知")
    InfoItem.objects.filter(pk=item.pk).update(status=InfoItem.Status.WITHDRAWN)  # behind the services' back
    page = find("低保")
    assert (
        page.total == 1 and page.hits == []
    )  # counted by the index, never shown: results are loaded as public
    result = indexing.reindex()
    assert result.removed == 1 and find("低保").total == 0


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite triggers")
def test_reindex_repairs_missing_fts_triggers(agency):
    publish(agency, "修复前发布的高龄津贴通知")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER search_text_ai")
    result = indexing.reindex()
    assert "search_text_ai" in result.repaired
    assert titles("高龄津贴") == ["修复前发布的高龄津贴通知"]
    publish(agency, "修复后发布的高龄津贴通知")
    assert len(titles("高龄津贴")) == 2


def test_phrase_is_matched_as_text_across_word_boundaries(agency):
    """Both backends verify a phrase as text (省 is not a word of 河北省教育厅)."""
    publish(agency, "河北省教育厅关于做好招生工作的通知")
    publish(agency, "省里的教育工作安排")
    page = find('"省教育"')
    assert [h.item.title for h in page.hits] == ["河北省教育厅关于做好招生工作的通知"]
    assert page.total == 1 and facet(page, "org") == {agency.org.code: 1}
    assert titles("省教育厅招生") == ["河北省教育厅关于做好招生工作的通知"]  # unquoted: 省 joins 教育厅
    assert titles("人民政府办") == []
    assert titles('"教育厅，关于"') == []  # never across punctuation the text does not have


def test_a_fragment_whose_words_find_nothing_is_tried_as_a_phrase(agency):
    publish(agency, "关于做好失业保险基金援企稳岗工作的意见")
    publish(agency, "稳岗返还的意见征集")
    # 金 and 意 are no words of the title: as words nothing is found, as a phrase (text) the first one is.
    assert titles("基金援企稳岗工作的意") == ["关于做好失业保险基金援企稳岗工作的意见"]
    assert titles("险基金援企") == ["关于做好失业保险基金援企稳岗工作的意见"]
    assert titles("稳岗返还") == ["稳岗返还的意见征集"]  # words found: no fallback needed


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite matches phrases as text")
def test_sqlite_phrase_is_matched_as_text_across_word_boundaries(agency, monkeypatch):
    from gongkai.search.backends import sqlite as sqlite_backend

    publish(agency, "河北省教育厅关于做好招生工作的通知")
    publish(agency, "省里的教育工作安排")
    page = find('"省教育"')  # the words there are 河北省 and 教育厅
    assert [h.item.title for h in page.hits] == ["河北省教育厅关于做好招生工作的通知"]
    assert page.total == 1 and facet(page, "org") == {agency.org.code: 1}
    assert titles('"省教育"', sort="date", within="招生") == ["河北省教育厅关于做好招生工作的通知"]
    # Too many candidates to read: FTS5's phrase over the words (exact, but bound to the segmentation).
    monkeypatch.setattr(sqlite_backend, "VERIFY_LIMIT", 0)
    assert titles('"省教育"') == []
    assert titles('"教育厅关于"') == ["河北省教育厅关于做好招生工作的通知"]


def test_a_title_holding_the_typed_words_together_ranks_first(agency):
    """Relevance: the words of a multi-word term standing together in the title beat the same words apart,
    however often the body repeats them."""
    publish(agency, "关于投资项目管理的通知", body_html="<p>" + "条例，投资。" * 50 + "</p>")
    publish(agency, "政府投资条例")
    publish(agency, "条例汇编（投资类）", body_html="<p>" + "投资 条例 " * 30 + "</p>")
    found = titles("投资条例")
    assert len(found) == 3 and found[0] == "政府投资条例"
