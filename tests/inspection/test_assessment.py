"""Assessment and 通报 (issue 10 item 6): indicators with weights, computed / hand / vote scores, the ranking,
the Word document read back, the monthly 检查情况通报."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from docx import Document

from gongkai.core.errors import ApplicationError, PermissionDenied
from gongkai.inspection import assessment as calc
from gongkai.inspection import services
from gongkai.inspection.documents import bulletin_docx
from gongkai.inspection.models import Bulletin, Finding, Indicator, InspectionRun, Vote
from gongkai.orgs.models import Organization, User
from tests.inspection.helpers import AS_OF, bare_agency, column, put, run

# ---------------------------------------------------------------- pure arithmetic


def test_ranks_share_equal_totals():
    assert calc.ranks([("a", 70), ("b", 90), ("c", 90), ("d", 60.004)]) == {"b": 1, "c": 1, "a": 3, "d": 4}


def test_indicator_scores_stay_within_the_weight():
    assert calc.indicator_score("inspection", 40, inspection_score=85) == 34
    assert calc.indicator_score("inspection", 40, inspection_score=85, vetoed=True) == 0
    assert calc.indicator_score("inspection", 40) == 0  # never inspected
    assert calc.indicator_score("findings", 20, findings=3, per_finding=2) == 14
    assert calc.indicator_score("findings", 20, findings=30, per_finding=2) == 0
    assert calc.indicator_score("manual", 20, manual=25) == 20
    assert calc.indicator_score("vote", 10, vote_mean=80) == 8
    assert calc.vote_fallback([80, 60]) == 70 and calc.vote_fallback([]) is None


def test_weights_and_months_and_grades():
    assert calc.weights_error([40, 60]) == ""
    assert "90" in calc.weights_error([40, 50])
    assert calc.month_bounds("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    for bad in ("2024-13", "2024/02", "", "24-02"):
        with pytest.raises(ValueError):
            calc.month_bounds(bad)
    assert [calc.grade(x) for x in (95, 85, 60, 59.99)] == ["优秀", "良好", "合格", "不合格"]


# ---------------------------------------------------------------- with the database

pytestmark_db = pytest.mark.django_db


@pytest.fixture
def office():
    return User.objects.create_user(username="as-admin", password="x-Password-2026", is_platform_admin=True)


@pytest.fixture
def two(office):
    """Two agencies inspected: 甲 with a stale news column (−3), 乙 clean; every other agency inactive."""
    a, b = bare_agency("asa"), bare_agency("asb")
    put(a, AS_OF - timedelta(days=30), columns=[column(a, "甲动态", "news")])
    put(a, AS_OF)
    put(b, AS_OF, columns=[column(b, "乙动态", "news")])
    Organization.objects.exclude(pk__in=[a.org.pk, b.org.pk]).update(is_active=False)
    run(a, persist=True)
    run(b, persist=True)
    return a, b


@pytestmark_db
def test_assessment_scores_ranks_and_word_document(office, two):
    a, b = two
    today = timezone.localdate()
    assessment = services.assessment_create(
        actor=office, title="2025年度政务公开工作考核", year=2025, as_of=today
    )
    assert sum(i.weight for i in assessment.indicators.all()) == 100
    services.assessment_transition(actor=office, assessment=assessment, action="open")
    manual = assessment.indicators.get(kind="manual")
    services.manual_score_set(actor=office, indicator=manual, org=a.org, score=Decimal("18"))
    services.manual_score_set(actor=office, indicator=manual, org=b.org, score=Decimal("12.5"))
    with pytest.raises(ApplicationError):
        services.manual_score_set(actor=office, indicator=manual, org=b.org, score=Decimal("21"))
    services.vote_cast(
        assessment=assessment, voter_token="t" * 20, address="1.2.3.4", ratings={a.org.pk: 100}
    )
    services.vote_cast(assessment=assessment, voter_token="u" * 20, address="1.2.3.5", ratings={a.org.pk: 60})
    with pytest.raises(ApplicationError):  # the vote is still open
        services.bulletin_assessment(actor=office, assessment=assessment)
    services.assessment_transition(actor=office, assessment=assessment, action="close")
    bulletin = services.bulletin_assessment(actor=office, assessment=assessment, fix_by=date(2026, 1, 15))

    rows = {r["code"]: r for r in bulletin.data["rows"]}
    # 甲: inspection 97 → 38.8; findings 20; interaction 10; manual 18; vote mean 80 → 8.  Total 94.8
    # 乙: inspection 100 → 40; 20; 10; manual 12.5; no vote → the mean of the rated (80) → 8.  Total 90.5
    assert rows[a.org.code]["scores"] == [38.8, 20, 10, 18, 8] and rows[a.org.code]["total"] == 94.8
    assert rows[b.org.code]["total"] == 90.5
    assert [r["code"] for r in bulletin.data["rows"]] == [a.org.code, b.org.code]
    assert rows[a.org.code]["problems"][0]["label"] == "栏目不更新"

    doc = Document(io.BytesIO(bulletin_docx(bulletin)))
    table = doc.tables[0]
    header = [c.text for c in table.rows[0].cells]
    assert header[:2] == ["名次", "单位"] and header[-2:] == ["总分", "结论"]
    body = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert [(r[0], r[1], r[-2], r[-1]) for r in body] == [
        ("1", a.org.name, "94.8", "优秀"),
        ("2", b.org.name, "90.5", "优秀"),
    ]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "2026年1月15日前完成整改" in text and "甲动态" in text


@pytestmark_db
def test_indicators_only_in_a_draft_and_weights_must_add_up(office):
    assessment = services.assessment_create(actor=office, title="考核", year=2025, as_of=AS_OF)
    services.indicator_add(
        actor=office,
        assessment=assessment,
        name="链接可用",
        kind="findings",
        weight=5,
        codes=["broken_link"],
        per_finding=1,
    )
    with pytest.raises(ApplicationError) as exc:
        services.assessment_transition(actor=office, assessment=assessment, action="open")
    assert exc.value.code == "bad_weights"
    with pytest.raises(ApplicationError):
        services.indicator_add(
            actor=office, assessment=assessment, name="x", kind="findings", weight=5, codes=["nope"]
        )
    services.indicator_remove(actor=office, indicator=assessment.indicators.get(name="链接可用"))
    services.assessment_transition(actor=office, assessment=assessment, action="open")
    with pytest.raises(ApplicationError):
        services.indicator_remove(
            actor=office, indicator=Indicator.objects.filter(assessment=assessment).first()
        )
    agency = bare_agency("asx")
    with pytest.raises(PermissionDenied):
        services.assessment_create(actor=agency.admin, title="考核", year=2025, as_of=AS_OF)


@pytestmark_db
def test_one_vote_per_person_and_a_cap_per_address(office, settings):
    a, b = bare_agency("ava"), bare_agency("avb")
    assessment = services.assessment_create(actor=office, title="考核", year=2025, as_of=AS_OF)
    with pytest.raises(ApplicationError):  # not open yet
        services.vote_cast(
            assessment=assessment, voter_token="v" * 20, address="9.9.9.9", ratings={a.org.pk: 100}
        )
    services.assessment_transition(actor=office, assessment=assessment, action="open")
    assert (
        services.vote_cast(
            assessment=assessment, voter_token="v" * 20, address="9.9.9.9", ratings={a.org.pk: 100}
        )
        == 1
    )
    # The same person again: 甲 is skipped, 乙 is new.
    assert (
        services.vote_cast(
            assessment=assessment,
            voter_token="v" * 20,
            address="9.9.9.9",
            ratings={a.org.pk: 0, b.org.pk: 60},
        )
        == 1
    )
    settings.GONGKAI_ASSESSMENT_VOTES_PER_ADDRESS = 1
    with pytest.raises(ApplicationError) as exc:
        services.vote_cast(
            assessment=assessment, voter_token="w" * 20, address="9.9.9.9", ratings={a.org.pk: 0}
        )
    assert exc.value.code == "too_many_votes"
    with pytest.raises(ApplicationError):
        services.vote_cast(
            assessment=assessment, voter_token="x" * 20, address="8.8.8.8", ratings={a.org.pk: 55}
        )
    assert list(Vote.objects.filter(org=a.org).values_list("rating", flat=True)) == [100]
    assert "9.9.9.9" not in str(list(Vote.objects.values_list("address", "voter")))


@pytestmark_db
def test_monthly_bulletin_from_the_months_runs_and_findings(office, two):
    a, b = two
    month_start = timezone.make_aware(timezone.datetime(2025, 6, 10, 9))
    Finding.objects.update(first_seen_at=month_start)
    InspectionRun.objects.update(as_of=AS_OF)
    bulletin = services.bulletin_monthly(actor=office, month="2025-06", fix_by=date(2025, 7, 20))
    assert bulletin.kind == Bulletin.Kind.MONTHLY and bulletin.title.startswith("2025年6月")
    rows = {r["code"]: r for r in bulletin.data["rows"]}
    assert rows[a.org.code]["rank"] == 2 and rows[b.org.code]["rank"] == 1
    assert rows[a.org.code]["counts"] == {"栏目不更新": 1} and rows[a.org.code]["new"] == 1
    assert rows[b.org.code]["conclusion"] == "合格"
    empty = services.bulletin_monthly(actor=office, month="2025-05")
    assert all(r["total"] is None and r["conclusion"] == "未检查" for r in empty.data["rows"])
    for bad in ("2025-13", "junk", "2999-01"):
        with pytest.raises(ApplicationError):
            services.bulletin_monthly(actor=office, month=bad)
    doc = Document(io.BytesIO(bulletin_docx(bulletin)))
    assert [c.text for c in doc.tables[0].rows[1].cells][:2] == ["1", b.org.name]
