"""The report's state machine, permissions, stored cells and texts, and the workbook import."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from gongkai.core.errors import ApplicationError, PermissionDenied
from gongkai.core.models import AuditEntry
from gongkai.orgs.models import Role
from gongkai.reports import exports, selectors, services, workflow
from gongkai.reports.models import AnnualReport
from tests.factories import make_org, make_user
from tests.reports.factories import req

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return make_org("状态测试局")


@pytest.fixture
def head(org):
    return make_user("rpt_head", org, Role.FOI_HEAD)


def test_who_may_prepare_a_report(org, head):
    for role in (Role.ORG_ADMIN, Role.PUBLISHER):
        user = make_user(f"rpt_{role}", org, role)
        assert services.report_open(actor=user, org=org, year=2025).pk
    for user in (
        make_user("rpt_drafter", org, Role.DRAFTER),
        make_user("rpt_handler", org, Role.FOI_HANDLER),
    ):
        with pytest.raises(PermissionDenied):
            services.report_open(actor=user, org=org, year=2025)
    elsewhere = make_user("rpt_elsewhere", make_org("别的局"), Role.ORG_ADMIN)
    with pytest.raises(PermissionDenied):
        services.report_open(actor=elsewhere, org=org, year=2025)
    with pytest.raises(ApplicationError) as exc:
        services.report_open(actor=head, org=org, year=2018)
    assert exc.value.code == "bad_year"


def test_overview_starts_from_a_draft_and_texts_persist(org, head):
    req(org, date(2025, 3, 1), replied_on=date(2025, 3, 2))
    report = services.report_open(actor=head, org=org, year=2025)
    assert "本年新收政府信息公开申请1件" in report.text_overview
    report = services.report_texts_update(
        actor=head,
        report=report,
        texts={"overview": "总体情况正文。", "problems": "问题与改进。", "other": "其他事项。"},
    )
    report = AnnualReport.objects.get(pk=report.pk)
    data = selectors.report_data(org, 2025, report=report)
    assert (data.overview, data.problems, data.other) == ("总体情况正文。", "问题与改进。", "其他事项。")
    assert "其他事项。" in exports.other_section(data) and "信息处理费" in exports.other_section(data)
    with pytest.raises(ApplicationError):
        services.report_table2_update(actor=head, report=report, values={"licensing": {"decisions": "-3"}})
    with pytest.raises(ApplicationError) as exc:
        services.report_table2_update(actor=head, report=report, values={"fees": {"amount_10k_yuan": "abc"}})
    assert "行政事业性收费" in exc.value.message


def test_publish_refused_while_a_check_fails_then_published_withdrawn_and_revised(org, head):
    req(org, date(2025, 3, 1), replied_on=date(2025, 3, 2))
    report = services.report_open(actor=head, org=org, year=2025)
    report = services.report_extra_set(
        actor=head, report=report, table="table3", row="disclosed", col="research", value=1
    )
    with pytest.raises(ApplicationError) as exc:
        services.report_transition(actor=head, report=report, action="publish")
    assert exc.value.code == "checks_failed" and "科研机构" in exc.value.message
    assert AnnualReport.objects.get(pk=report.pk).status == workflow.DRAFT
    report = services.report_extra_set(
        actor=head, report=report, table="table3", row="new", col="research", value=1
    )
    report = services.report_transition(actor=head, report=report, action="publish")
    assert report.status == workflow.PUBLISHED and report.revision == 1
    assert report.snapshot["table3"]["total"]["total"] == 2
    # Later records do not change the published version; the public sees the frozen one.
    req(org, date(2025, 6, 1), replied_on=date(2025, 6, 2))
    assert selectors.published_data(report).table3["new"]["total"] == 2
    assert selectors.report_data(org, 2025, report=report).table3["new"]["total"] == 3
    assert selectors.report_public(org, 2025) == report
    with pytest.raises(ApplicationError) as exc:
        services.report_transition(actor=head, report=report, action="withdraw")
    assert exc.value.code == "missing_comment"
    report = services.report_transition(actor=head, report=report, action="revise", comment="补录一件申请")
    assert report.revision == 2 and report.snapshot["table3"]["new"]["total"] == 3
    report = services.report_transition(actor=head, report=report, action="withdraw", comment="数据有误")
    assert report.status == workflow.WITHDRAWN and report.withdrawn_reason == "数据有误"
    assert not selectors.reports_public(org).exists()
    with pytest.raises(ApplicationError):
        services.report_transition(actor=head, report=report, action="publish")
    report = services.report_transition(actor=head, report=report, action="reopen")
    assert report.status == workflow.DRAFT
    actions = list(
        AuditEntry.objects.filter(object_type="reports.annualreport", object_id=str(report.pk))
        .order_by("id")
        .values_list("action", "from_state", "to_state")
    )
    assert ("report.publish", "draft", "published") in actions
    assert ("report.revise", "published", "published") in actions
    assert ("report.withdraw", "published", "withdrawn") in actions
    assert ("report.reopen", "withdrawn", "draft") in actions


def test_designation_only_for_a_government_and_by_its_admin():
    gov = make_org("某县人民政府", kind="government", level="county")
    dept = make_org("某县某局", parent=gov, level="county")
    publisher = make_user("gov_pub", gov, Role.PUBLISHER)
    admin = make_user("gov_adm", gov, Role.ORG_ADMIN)
    report = services.report_open(actor=publisher, org=gov, year=2025)
    with pytest.raises(PermissionDenied):
        services.report_designate(actor=publisher, report=report, orgs=[dept])
    report = services.report_designate(actor=admin, report=report, orgs=[dept, gov])
    assert list(report.included_orgs.all()) == [dept]
    dept_admin = make_user("dept_adm", dept, Role.ORG_ADMIN)
    dept_report = services.report_open(actor=dept_admin, org=dept, year=2025)
    with pytest.raises(ApplicationError) as exc:
        services.report_designate(actor=dept_admin, report=dept_report, orgs=[gov])
    assert exc.value.code == "not_government"


def test_table2_imported_from_the_exported_workbook(org, head):
    source = services.report_open(actor=head, org=org, year=2024)
    source = services.report_table2_update(
        actor=head,
        report=source,
        values={
            "licensing": {"decisions": "194"},
            "penalty": {"decisions": "46"},
            "coercion": {"decisions": "3"},
            "fees": {"amount_10k_yuan": "650.6"},
        },
    )
    workbook = exports.export_xlsx(selectors.report_data(org, 2024, report=source))
    target = services.report_open(actor=head, org=org, year=2025)
    assert services.report_import_xlsx(actor=head, report=target, data=workbook) == 4
    target = AnnualReport.objects.get(pk=target.pk)
    table2 = selectors.report_data(org, 2025, report=target).table2
    assert table2["licensing"]["decisions"] == 194 and table2["coercion"]["decisions"] == 3
    assert table2["fees"]["amount_10k_yuan"] == Decimal("650.6")
    assert "rule" not in target.table2_manual  # computed cells stay computed
    with pytest.raises(ApplicationError) as exc:
        services.report_import_xlsx(actor=head, report=target, data=b"not a workbook")
    assert exc.value.code == "bad_file"
