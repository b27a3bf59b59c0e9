"""建议提案办理结果 (R-INT-3): validation, the state machine with audit, public lists, statistics and Excel export."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from gongkai.core.errors import ApplicationError, PermissionDenied
from gongkai.core.models import AuditEntry
from gongkai.policy import selectors, services
from tests.factories import make_agency
from tests.policy.conftest import make_proposal, proposal_data

pytestmark = pytest.mark.django_db


def test_draft_then_published_by_publisher_with_audit(agency):
    reply = make_proposal(agency, publish=False)
    assert reply.status == "draft"
    assert reply.title == "关于《关于加强社区养老服务的建议》的答复"  # default title states the subject
    assert not selectors.proposals_public().filter(pk=reply.pk).exists()
    with pytest.raises(PermissionDenied):
        services.proposal_transition(actor=agency.drafter, reply=reply, action="publish")
    reply = services.proposal_transition(actor=agency.publisher, reply=reply, action="publish")
    assert reply.status == "published" and reply.publisher == agency.publisher and reply.published_at
    entry = AuditEntry.objects.filter(action="proposal.publish", object_id=str(reply.pk)).get()
    assert (entry.from_state, entry.to_state, entry.org_code) == ("draft", "published", agency.org.code)
    with pytest.raises(ApplicationError) as err:
        services.proposal_transition(actor=agency.publisher, reply=reply, action="publish")
    assert err.value.code == "bad_transition"
    # A published reply is not edited in place; withdrawing needs a reason.
    with pytest.raises(ApplicationError) as err:
        services.proposal_update(actor=agency.drafter, reply=reply, data=proposal_data(reply_type="B"))
    assert err.value.code == "not_editable"
    with pytest.raises(ApplicationError) as err:
        services.proposal_transition(actor=agency.publisher, reply=reply, action="withdraw")
    assert err.value.code == "missing_comment"
    reply = services.proposal_transition(
        actor=agency.admin, reply=reply, action="withdraw", comment="答复类型有误"
    )
    assert reply.status == "withdrawn" and reply.withdrawn_reason == "答复类型有误"
    reply = services.proposal_update(actor=agency.drafter, reply=reply, data=proposal_data(reply_type="B"))
    assert reply.reply_type == "B"


def test_r_int_3_title_must_state_subject(agency):
    with pytest.raises(ApplicationError) as err:
        make_proposal(agency, title="关于市十六届人大三次会议第123号建议的答复")
    assert err.value.code == "title_missing_subject" and err.value.field == "title"
    assert "关于加强社区养老服务的建议" in err.value.message
    reply = make_proposal(agency, title="对十六届三次会议第123号建议《关于加强社区养老服务的建议》的答复")
    assert reply.status == "published"


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"subject": "  "}, "missing_field", "subject"),
        ({"session": ""}, "missing_field", "session"),
        ({"proposer": ""}, "missing_field", "proposer"),
        ({"body": ""}, "missing_field", "body"),
        ({"body": "答" * 50000}, "too_long", "body"),
        ({"number": None}, "bad_number", "number"),
        ({"kind": "petition"}, "bad_kind", "kind"),
        ({"reply_type": "D"}, "bad_reply_type", "reply_type"),
        ({"reply_date": None}, "missing_field", "reply_date"),
        ({"reply_date": date(2999, 1, 1)}, "bad_date", "reply_date"),
    ],
)
def test_bad_input(agency, overrides, code, field):
    with pytest.raises(ApplicationError) as err:
        services.proposal_create(actor=agency.drafter, org=agency.org, data=proposal_data(**overrides))
    assert (err.value.code, err.value.field) == (code, field)
    if code == "too_long":
        assert "50000" in err.value.message


def test_duplicate_number_and_other_agency(agency, other):
    make_proposal(agency)
    with pytest.raises(ApplicationError) as err:
        make_proposal(agency)
    assert err.value.code == "duplicate"
    make_proposal(agency, kind="proposal", proposer_type="cppcc_member")  # same number, other kind: fine
    with pytest.raises(PermissionDenied):
        services.proposal_create(actor=other.drafter, org=agency.org, data=proposal_data())


def test_public_filters_and_co_handlers(agency, other):
    a = make_proposal(agency, number=1, reply_type="A", co_handlers=[other.org])
    b = make_proposal(agency, number=2, reply_type="B", kind="proposal", reply_date=date(2025, 5, 1))
    c = make_proposal(other, number=3, reply_type="C")
    make_proposal(agency, number=4, publish=False)
    qs = selectors.proposals_public()
    assert set(selectors.proposals_filtered(qs)) == {a, b, c}
    assert set(selectors.proposals_filtered(qs, year=2026)) == {a, c}
    assert set(selectors.proposals_filtered(qs, kind="proposal")) == {b}
    assert set(selectors.proposals_filtered(qs, reply_type="C")) == {c}
    assert set(selectors.proposals_filtered(qs, org=other.org)) == {a, c}  # co-handled replies included
    assert selectors.proposal_years() == [2026, 2025]


def test_yearly_statistics_and_excel_export(client, agency, other):
    for n, (kind, rtype) in enumerate(
        [("suggestion", "A"), ("suggestion", "A"), ("suggestion", "B"), ("proposal", "C"), ("proposal", "A")],
        start=1,
    ):
        make_proposal(agency, number=n, kind=kind, reply_type=rtype)
    make_proposal(other, number=9, reply_type="B")
    make_proposal(other, number=10, reply_type="C", reply_date=date(2025, 12, 31))  # other year
    make_proposal(agency, number=11, publish=False)  # drafts do not count
    rows, total = selectors.proposal_stats(2026)
    by_org = {r.org.pk: r for r in rows}
    mine = by_org[agency.org.pk].counts
    assert mine["suggestion"] == {"A": 2, "B": 1, "C": 0, "total": 3}
    assert mine["proposal"] == {"A": 1, "B": 0, "C": 1, "total": 2}
    assert by_org[other.org.pk].counts["suggestion"] == {"A": 0, "B": 1, "C": 0, "total": 1}
    assert total is not None and total.total == 6 and total.counts["suggestion"]["B"] == 2

    response = client.get("/proposals/stats.xlsx?year=2026")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(BytesIO(response.content)).active
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    assert values[0][0] == "全市2026年建议提案办理情况统计"
    header = values[1]
    assert header[:5] == ["承办单位", "建议A类", "建议B类", "建议C类", "建议合计"]
    row = next(r for r in values if r[0] == agency.org.name)
    assert row[1:] == [2, 1, 0, 3, 1, 0, 1, 2, 5]
    assert values[-1][0] == "合计" and values[-1][-1] == 6

    one = client.get(f"/orgs/{other.org.code}/proposals/stats.xlsx?year=2025")
    ws = load_workbook(BytesIO(one.content)).active
    data = [list(r) for r in ws.iter_rows(values_only=True)]
    assert data[2][0] == other.org.name and data[2][-1] == 1

    page = client.get("/proposals/stats/?year=2026").content.decode()
    assert agency.org.name in page and '<th scope="col">建议A类</th>' in page


def test_stats_export_neutralizes_formulas(client, db):
    hostile = make_agency("pz", name='=HYPERLINK("x")局')
    make_proposal(hostile)
    ws = load_workbook(BytesIO(client.get("/proposals/stats.xlsx?year=2026").content)).active
    assert ws["A3"].value.startswith("'=")
