"""Each finding code, and the cases that are not findings (R-WEB-1/2/3, R-PII-1, R-PUB-3, R-PUB-8)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from stdnum.cn import ric

from gongkai.core.models import AuditEntry
from gongkai.inspection import selectors, services
from gongkai.inspection.models import ColumnPolicy, DeductionRule, Finding, OrgVerdict
from gongkai.orgs.models import User
from gongkai.publishing.models import Attachment, BudgetDisclosure, InfoItem, ItemRelation
from gongkai.publishing.services import item_transition
from tests.factories import publish
from tests.inspection.helpers import AS_OF, bare_agency, codes, column, put, run

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519800101002" + ric.calc_check_digit("11010519800101002" + "0")


@pytest.fixture
def agency():
    """An agency whose homepage is fresh (an item on the inspection date, in no column)."""
    a = bare_agency("t")
    put(a, AS_OF, title="今日动态")
    return a


@pytest.fixture
def admin(db):
    return User.objects.create_user(username="gkb", password="x-Password-2026", is_platform_admin=True)


# ---- stale_column / empty_column -------------------------------------------------------------------------------


def test_news_column_stale_after_two_weeks(agency):
    fresh, old = column(agency, "要闻", "news"), column(agency, "部门动态", "news")
    put(agency, AS_OF - timedelta(days=14), columns=[fresh])
    put(agency, AS_OF - timedelta(days=15), columns=[old])
    report = run(agency)
    stale = [f for f in report.findings if f.code == "stale_column"]
    assert [f.column for f in stale] == [old]
    assert stale[0].rule == "R-WEB-1"
    assert "部门动态" in stale[0].detail and "2025-06-15" in stale[0].detail


def test_notice_and_yearly_periods(agency):
    notice_ok, notice_old = column(agency, "通知公告"), column(agency, "政策文件")
    yearly_ok, yearly_old = column(agency, "人事信息", "yearly"), column(agency, "规划计划", "yearly")
    put(agency, date(2024, 12, 30), columns=[notice_ok])
    put(agency, date(2024, 12, 29), columns=[notice_old])
    put(agency, date(2024, 6, 30), columns=[yearly_ok])
    put(agency, date(2024, 6, 29), columns=[yearly_old])
    stale = {f.column.name for f in run(agency).findings if f.code == "stale_column"}
    assert stale == {"政策文件", "规划计划"}


def test_static_columns_are_exempt(agency):
    guide = column(agency, "公开指南", "static")
    column(agency, "公开制度", "static")  # empty, static
    put(agency, date(2010, 1, 1), columns=[guide])
    assert codes(run(agency)) == []


def test_items_after_the_inspection_date_do_not_count(agency):
    news = column(agency, "要闻", "news")
    put(agency, AS_OF - timedelta(days=20), columns=[news])
    put(agency, AS_OF + timedelta(days=1), columns=[news])
    assert codes(run(agency)) == ["stale_column"]


def test_unpublished_items_do_not_count(agency):
    news = column(agency, "要闻", "news")
    put(agency, AS_OF, columns=[news])
    withdrawn = put(agency, AS_OF, columns=[news])
    InfoItem.objects.filter(pk=withdrawn.pk).update(status=InfoItem.Status.WITHDRAWN)
    other = column(agency, "通知公告")
    item = put(agency, AS_OF, columns=[other])
    InfoItem.objects.filter(pk=item.pk).update(status=InfoItem.Status.WITHDRAWN)
    assert [(f.code, f.column) for f in run(agency).findings] == [("empty_column", other)]


def test_empty_leaf_columns_are_findings_parents_are_not(agency):
    parent = column(agency, "法定主动公开内容", first_level=True)
    a = column(agency, "财政预决算", parent=parent)
    column(agency, "重大建设项目", parent=parent)
    put(agency, AS_OF, columns=[a])
    report = run(agency)
    assert [(f.code, f.column.name) for f in report.findings] == [("empty_column", "重大建设项目")]


def test_first_level_parent_is_judged_on_its_subtree(agency):
    parent = column(agency, "政务动态", "news", first_level=True)
    child = column(agency, "部门动态", "news", parent=parent)
    put(agency, AS_OF - timedelta(days=30), columns=[child])
    found = [(f.column.name, f.data["leaf"]) for f in run(agency).findings]
    assert sorted(found) == [("政务动态", False), ("部门动态", True)]
    put(agency, AS_OF - timedelta(days=1), columns=[child])
    assert codes(run(agency)) == []


def test_undated_published_item_counts_as_not_updated(agency):
    """R-WEB-2: a column whose only item has no publication date is stale, not empty."""
    news = column(agency, "要闻", "news")
    item = put(agency, AS_OF, columns=[news])
    InfoItem.objects.filter(pk=item.pk).update(published_at=None)
    [finding] = run(agency).findings
    assert finding.code == "stale_column"
    assert "无发布日期" in finding.detail


# ---- homepage_stale --------------------------------------------------------------------------------------------


def test_homepage_stale_after_two_weeks():
    a = bare_agency("h")
    put(a, AS_OF - timedelta(days=14))
    report = run(a)
    assert codes(report) == []
    report = run(a, as_of=AS_OF + timedelta(days=1))
    assert codes(report) == ["homepage_stale"]
    assert report.verdict.verdict == "fail"
    assert report.verdict.vetoes == ["homepage_stale"]


def test_agency_with_nothing_published_is_homepage_stale():
    a = bare_agency("n")
    assert codes(run(a)) == ["homepage_stale"]


# ---- late_publication (R-PUB-3) --------------------------------------------------------------------------------


def test_late_publication(agency):
    # 2025-05-06 + 20 working days = 2025-06-04 (after the May Day holiday)
    on_time = put(agency, date(2025, 6, 4), title="按时公开", formed_on=date(2025, 5, 6))
    late = put(agency, date(2025, 6, 5), title="超期公开", formed_on=date(2025, 5, 6))
    historical = put(agency, date(2025, 6, 20), title="历史信息", formed_on=date(2025, 1, 2))
    InfoItem.objects.filter(pk=historical.pk).update(is_historical=True)
    found = [f for f in run(agency).findings if f.code == "late_publication"]
    assert [f.item for f in found] == [late]
    assert found[0].rule == "R-PUB-3"
    assert on_time not in [f.item for f in found]


def test_late_publication_budget_uses_r_pub_13_calendar_days(agency):
    # R-PUB-13: 预决算 are due 20 calendar days after 批复 (2025-05-06 + 20 = 2025-05-26), not 20 working days
    on_time = put(agency, date(2025, 5, 26), title="2025年部门预算", formed_on=date(2025, 5, 6))
    late = put(agency, date(2025, 5, 27), title="2024年部门决算", formed_on=date(2025, 5, 6))
    BudgetDisclosure.objects.create(
        org=agency.org, year=2025, kind="budget", approved_on=date(2025, 5, 6), item=on_time
    )
    BudgetDisclosure.objects.create(
        org=agency.org, year=2024, kind="final_accounts", approved_on=date(2025, 5, 6), item=late
    )
    found = [f for f in run(agency).findings if f.code == "late_publication"]
    assert [f.item for f in found] == [late]  # within 20 working days, but late under R-PUB-13
    assert "2025-05-26" in found[0].detail and "20 日" in found[0].detail


# ---- missing_interpretation (R-PUB-8) --------------------------------------------------------------------------


def test_missing_interpretation(agency):
    policy = put(agency, date(2025, 6, 2), title="某某管理办法", kind="normative")
    historical = put(agency, date(2025, 6, 2), title="旧办法", kind="normative")
    InfoItem.objects.filter(pk__in=[policy.pk, historical.pk]).update(interpretation_exemption="")
    InfoItem.objects.filter(pk=historical.pk).update(is_historical=True)
    exempted = put(agency, date(2025, 6, 2), title="有理由的办法", kind="normative")  # keeps its reason
    found = [f for f in run(agency).findings if f.code == "missing_interpretation"]
    assert [f.item for f in found] == [policy]
    assert exempted not in [f.item for f in found]
    # an interpretation published later clears it
    interp = put(agency, date(2025, 6, 10), title="《某某管理办法》解读")
    ItemRelation.objects.create(source=interp, type="interprets", target=policy, target_external_id="x")
    assert "missing_interpretation" not in codes(run(agency))


# ---- pii (R-PII-1) ---------------------------------------------------------------------------------------------


def test_pii_in_body_is_found_masked(agency):
    item = put(agency, AS_OF, body_html=f"<p>当事人张某，身份证号{ID_NUMBER}，电话13812345678。</p>")
    found = [f for f in run(agency).findings if f.code == "pii"]
    assert {f.data["kind"] for f in found} == {"id_card", "mobile"}
    assert all(f.item == item for f in found)
    assert all(ID_NUMBER not in f.detail and "13812345678" not in f.detail for f in found)
    assert any("138****5678" in f.detail for f in found)


def test_masked_and_organization_codes_are_not_pii(agency):
    put(
        agency,
        AS_OF,
        body_html=f"<p>身份证号110105********002X，电话138****5678，统一社会信用代码{agency.org.code}。</p>",
    )
    assert "pii" not in codes(run(agency))


def test_pii_in_attachment_text(agency):
    item = put(agency, AS_OF)
    Attachment.objects.create(item=item, name="名单.pdf", text=f"序号1 李某 {ID_NUMBER}")
    [finding] = [f for f in run(agency).findings if f.code == "pii"]
    assert "附件“名单.pdf”" in finding.detail


def test_sanction_column_is_exempt_and_recorded(agency, admin):
    sanctions = column(agency, "失信惩戒公示")
    services.column_policy_set(
        actor=admin, column=sanctions, pii_exemption="sanction", basis="某某条例第十条"
    )
    put(agency, AS_OF, columns=[sanctions], body_html=f"<p>被执行人王某，身份证号{ID_NUMBER}</p>")
    report = run(agency, persist=True)
    assert "pii" not in codes(report)
    assert [(f.code, f.exemption) for f in report.exempt] == [("pii", "惩戒公示")]
    stored = Finding.objects.get(code="pii")
    assert stored.exemption == "惩戒公示" and stored.score_key == ""
    assert report.verdict.score == 100


def test_column_policy_needs_a_basis_and_an_admin(agency, admin):
    col = column(agency, "强制披露")
    with pytest.raises(Exception, match="豁免依据"):
        services.column_policy_set(actor=admin, column=col, pii_exemption="mandatory")
    with pytest.raises(Exception, match="政务公开办"):
        services.column_policy_set(actor=agency.admin, column=col, pii_exemption="mandatory", basis="x")
    assert not ColumnPolicy.objects.exists()


# ---- sensitive_word --------------------------------------------------------------------------------------------


def test_sensitive_words_with_allow_list(agency, admin):
    services.sensitive_word_add(actor=admin, word="赌博")
    services.sensitive_word_add(actor=admin, word="打击赌博", kind="allow")
    clean = put(agency, AS_OF, title="整治通知", body_html="<p>依法打击赌博违法犯罪活动。</p>")
    dirty = put(agency, AS_OF, title="某文", body_html="<p>赌博网站推广。</p>")
    found = [f for f in run(agency).findings if f.code == "sensitive_word"]
    assert [(f.item, f.target) for f in found] == [(dirty, "赌博")]
    assert clean not in [f.item for f in found]


def test_word_list_is_kept_by_platform_admins(agency, admin):
    with pytest.raises(Exception, match="政务公开办"):
        services.sensitive_word_add(actor=agency.admin, word="赌博")
    entry = services.sensitive_word_add(actor=admin, word="赌博")
    with pytest.raises(Exception, match="已在列表中"):
        services.sensitive_word_add(actor=admin, word="赌博")
    services.sensitive_word_remove(actor=admin, entry=entry)
    assert AuditEntry.objects.filter(action__startswith="inspection.word_").count() == 2


# ---- broken_link: internal (no network) ------------------------------------------------------------------------


def test_internal_links_are_checked_against_the_urlconf_and_visibility(agency, no_network):
    target = put(agency, AS_OF, title="被链接的信息")
    withdrawn = put(agency, AS_OF, title="已撤回的信息")
    item_transition(actor=agency.publisher, item=withdrawn, action="withdraw", comment="过期")
    body = (
        f'<p><a href="/items/{target.pk}/">好</a><a href="/items/{withdrawn.pk}/">撤</a>'
        f'<a href="/items/999999/">无</a><a href="/no/such/page/">错</a><a href="/orgs/{agency.org.code}/">单位</a>'
        f'<a href="http://127.0.0.1/items/{target.pk}">同站</a><a href="https://www.example.gov.cn/x">外</a></p>'
    )
    put(agency, AS_OF, title="含链接", body_html=body)
    found = sorted(f.target for f in run(agency).findings if f.code == "broken_link")
    assert found == sorted([f"/items/{withdrawn.pk}/", "/items/999999/", "/no/such/page/"])


@pytest.fixture
def no_network(monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("network used")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


# ---- broken_link: external, against a local server ----------------------------------------------------------


@pytest.fixture
def local_links(settings, http_server):
    settings.GONGKAI_LINKCHECK_ALLOW_HOSTS = ["127.0.0.1"]
    settings.GONGKAI_LINKCHECK_TIMEOUT = 0.5
    return http_server


def test_external_links_checked_and_cached(agency, local_links):
    base, server = local_links
    item = put(
        agency,
        AS_OF,
        body_html=(
            f'<p><a href="{base}/ok">1</a><a href="{base}/missing">2</a><a href="{base}/error">3</a>'
            f'<a href="{base}/forbidden">4</a><a href="{base}/slow">5</a><a href="http://10.0.0.8/x">6</a></p>'
        ),
    )
    Attachment.objects.create(item=item, name="外部附件", url=f"{base}/gone")
    report = run(agency, network=True, persist=True)
    broken = sorted(f.target for f in report.findings if f.code == "broken_link")
    assert broken == sorted([f"{base}/missing", f"{base}/error", f"{base}/slow", f"{base}/gone"])
    asked = len(server.requests)
    run(agency, network=True, persist=True)  # answers are reused for a day
    assert len(server.requests) == asked
    assert Finding.objects.filter(code="broken_link", resolved_at=None).count() == 4


def test_no_network_keeps_external_findings_open(agency, local_links):
    base, _ = local_links
    put(agency, AS_OF, body_html=f'<p><a href="{base}/missing">x</a></p>')
    run(agency, network=True, persist=True)
    report = run(agency, network=False, persist=True)
    assert "broken_link" not in codes(report)  # not checked this time …
    assert Finding.objects.get(code="broken_link").resolved_at is None  # … so not resolved either


# ---- history ---------------------------------------------------------------------------------------------------


def test_finding_history_first_seen_last_seen_resolved(agency):
    news = column(agency, "要闻", "news")
    put(agency, AS_OF - timedelta(days=20), columns=[news])
    run(agency, persist=True)
    first = Finding.objects.get(code="stale_column")
    run(agency, persist=True)
    again = Finding.objects.get(code="stale_column")
    assert again.pk == first.pk and again.first_seen_at == first.first_seen_at
    assert again.last_seen_at >= first.last_seen_at
    put(agency, AS_OF, columns=[news])  # fixed
    run(agency, persist=True)
    resolved = Finding.objects.get(pk=first.pk)
    assert resolved.resolved_at is not None
    assert not selectors.open_findings(agency.org).exists()
    # it comes back: a new row, the old one kept
    run(agency, as_of=AS_OF + timedelta(days=30), persist=True)
    assert Finding.objects.filter(code="stale_column").count() == 2
    assert Finding.objects.filter(code="stale_column", resolved_at=None).count() == 1


def test_run_stores_verdict_and_audit_entry(agency):
    run(agency, persist=True)
    verdict = OrgVerdict.objects.get(org=agency.org)
    assert (verdict.verdict, verdict.score) == ("pass", 100)
    entry = AuditEntry.objects.get(action="inspection.run")
    assert entry.data["orgs"] == 1


def test_run_without_persist_writes_nothing(agency):
    column(agency, "空栏目")
    report = run(agency)
    assert codes(report) == ["empty_column"]
    assert not Finding.objects.exists() and not OrgVerdict.objects.exists()


# ---- verdicts through the database ------------------------------------------------------------------------------


def test_four_empty_columns_pass_five_fail(agency):
    for i in range(4):
        column(agency, f"空栏目{i}")
    four = run(agency)
    assert four.verdict.vetoes == [] and four.verdict.verdict == "pass"
    column(agency, "空栏目4")
    five = run(agency)
    assert five.verdict.vetoes == ["empty_columns"] and five.verdict.verdict == "fail"


def test_five_stale_key_columns_fail(agency):
    old = AS_OF - timedelta(days=200)
    for i in range(4):
        put(agency, old, columns=[column(agency, f"动态{i}", "news")])
    assert run(agency).verdict.vetoes == []
    put(agency, old, columns=[column(agency, "通知公告", first_level=True)])
    assert run(agency).verdict.vetoes == ["stale_key_columns"]


def test_ten_stale_columns_fail(agency):
    old = AS_OF - timedelta(days=400)
    for i in range(9):
        put(agency, old, columns=[column(agency, f"栏目{i}")])
    nine = run(agency)
    assert nine.verdict.vetoes == []
    assert nine.verdict.score == 100 - 25  # stale notice columns: 5 each, capped at 25
    put(agency, old, columns=[column(agency, "栏目9")])
    assert run(agency).verdict.vetoes == ["stale_columns"]


def test_deduction_rules_are_data(agency, admin):
    rule = DeductionRule.objects.get(key="empty_column")
    assert (rule.points, rule.cap) == (3, 15)
    column(agency, "空栏目")
    assert run(agency).verdict.score == 97
    services.deduction_rule_update(actor=admin, rule=rule, points=7, cap=0)
    assert run(agency).verdict.score == 93
    with pytest.raises(Exception, match="0 到 100"):
        services.deduction_rule_update(actor=admin, rule=rule, points=101, cap=0)


# ---- precheck_item (for the publishing workflow) -----------------------------------------------------------------


def test_precheck_item_reports_pii_and_words_in_body_and_attachments(agency, admin):
    services.sensitive_word_add(actor=admin, word="内部资料")
    from tests.factories import draft

    item = draft(agency, "草稿", body_html="<p>联系人手机13812345678，内部资料。</p>")
    Attachment.objects.create(item=item, name="表.xlsx", text=f"身份证 {ID_NUMBER}")
    found = services.precheck_item(item)
    assert [(m.kind, m.masked, m.source) for m in found] == [
        ("mobile", "138****5678", "正文"),
        ("sensitive_word", "内部资料", "正文"),
        ("id_card", ID_NUMBER[:6] + "********" + ID_NUMBER[-4:], "附件“表.xlsx”"),
    ]
    text = item.body_text
    assert text[found[0].start : found[0].end] == "13812345678"


def test_precheck_skips_pii_in_exempt_columns(agency, admin):
    col = column(agency, "行政处罚决定公示")
    services.column_policy_set(
        actor=admin, column=col, pii_exemption="mandatory", basis="行政处罚法第四十八条"
    )
    item = publish(agency, "处罚决定", columns=[col], body_html=f"<p>当事人身份证号{ID_NUMBER}</p>")
    assert services.precheck_item(item) == []
    assert [m.kind for m in services.precheck_item(item, include_exempt=True)] == ["id_card"]


# ---- the daily job ---------------------------------------------------------------------------------------------


def test_daily_job_runs_once_a_day(agency):
    from gongkai.inspection.jobs import daily_inspection

    first = daily_inspection(today=AS_OF)
    assert "检查" in first
    assert daily_inspection(today=AS_OF) == "已完成"
    assert OrgVerdict.objects.count() >= 1


def test_precheck_context_is_masked_before_it_is_cut(agency, admin):
    """Review finding I10: a number cut by the 20-character window is still masked in the stored context."""
    services.sensitive_word_add(actor=admin, word="内部资料")
    from tests.factories import draft

    filler = "甲" * (selectors.PRECHECK_CONTEXT - 5)
    item = draft(agency, "草稿", body_html=f"<p>内部资料{filler}13812345678。</p>")
    found = services.precheck_item(item)
    word = next(e for e in selectors.precheck_entries(item, found) if e["kind"] == "sensitive_word")
    assert word["after"] == filler + "138**"
    assert "13812" not in str(selectors.precheck_entries(item, found))
    # A number cut at the start of the window too.
    item = draft(agency, "草稿二", body_html=f"<p>13812345678{filler}内部资料</p>")
    found = services.precheck_item(item)
    word = next(e for e in selectors.precheck_entries(item, found) if e["kind"] == "sensitive_word")
    assert word["before"] == "*5678" + filler


def test_public_bulletin_names_the_item_not_the_sensitive_word(agency, admin):
    """Review finding I10: the public 通报 would otherwise publish the blocked-word list."""
    services.sensitive_word_add(actor=admin, word="内部资料")
    put(agency, AS_OF, title="关于某事的通知", body_html="<p>内部资料，请勿外传。</p>")
    run(agency, persist=True)
    finding = Finding.objects.get(org=agency.org, code="sensitive_word")
    assert "内部资料" in finding.detail  # the office still sees the word
    problems, _ = selectors.problems_by_org([agency.org], timezone.now() + timedelta(days=1))
    details = [p["detail"] for p in problems[agency.org.pk] if p["label"] == "含敏感词"]
    assert details == ["《关于某事的通知》正文中含有敏感词。"]
    assert (
        selectors.public_detail("stale_column", "栏目“通知公告”超过 14 天未更新。")
        == "栏目“通知公告”超过 14 天未更新。"
    )


def test_migration_hides_the_word_in_bulletins_generated_before(db):
    import importlib

    from django.apps import apps

    from gongkai.inspection.models import Bulletin

    migration = importlib.import_module("gongkai.inspection.migrations.0012_bulletin_hide_sensitive_words")
    problems = [
        {
            "label": "含敏感词",
            "rule": "R-WEB-1",
            "detail": "《通知》正文、附件“表.xlsx”中含有敏感词“内部资料”。",
        },
        {"label": "栏目不更新", "rule": "R-WEB-2", "detail": "栏目“通知公告”超过 14 天未更新。"},
    ]
    bulletin = Bulletin.objects.create(
        kind="monthly", title="通报", period="2026-05", fix_by=AS_OF, data={"rows": [{"problems": problems}]}
    )
    migration.hide_words(apps, None)
    bulletin.refresh_from_db()
    assert [p["detail"] for p in bulletin.data["rows"][0]["problems"]] == [
        "《通知》正文、附件“表.xlsx”中含有敏感词。",
        "栏目“通知公告”超过 14 天未更新。",
    ]


def test_malformed_external_link_is_a_bad_url_finding_not_a_crash(agency):
    # the sanitizer drops such an href on save; older stored bodies may still hold one
    item = put(agency, AS_OF, title="含错误链接")
    InfoItem.objects.filter(pk=item.pk).update(body_html='<p><a href="http://[::1/x">坏链接</a></p>')
    found = [f for f in run(agency, network=True).findings if f.code == "broken_link"]
    assert [f.item for f in found] == [item]
    assert "http://[::1/x" in found[0].detail and "链接格式错误" in found[0].detail
