"""Builders for outreach tests: agencies with a publisher, cases, interviews, surveys."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from gongkai.orgs.models import Organization, Role, User
from gongkai.outreach import rules, services
from gongkai.outreach.models import Interview, OpinionCase, Survey
from tests.factories import make_org, make_user

CONTACT = {"name": "王提问", "phone": "13812345678", "email": "tiwen@example.com"}

DEFINITION = """单选：您对本市公交准点情况是否满意？
满意
基本满意
不满意

多选：您最常使用哪些出行方式？
公交
地铁
自行车

文字：您还有什么建议？
"""


@dataclass
class OutreachAgency:
    org: Organization
    publisher: User
    drafter: User  # a colleague without the role


def make_outreach_agency(prefix: str = "a") -> OutreachAgency:
    org = make_org(f"{prefix}宣传局")
    return OutreachAgency(
        org=org,
        publisher=make_user(f"{prefix}_pub", org, Role.PUBLISHER, email=f"{prefix}_pub@example.gov.cn"),
        drafter=make_user(f"{prefix}_drafter", org, Role.DRAFTER),
    )


def make_case(
    a: OutreachAgency,
    *,
    level: str = rules.MAJOR,
    hours_ago: float = 30,
    public: bool = True,
    title: str = "",
) -> OpinionCase:
    return services.case_open(
        actor=a.publisher,
        org=a.org,
        data=services.CaseData(
            title=title or "某小区自来水浑浊引发关注",
            summary="网民反映多个小区自来水浑浊。",
            source="微博话题",
            first_seen_at=timezone.now() - timedelta(hours=hours_ago),
            level=level,
            public=public,
        ),
    )


def make_interview(a: OutreachAgency, *, in_hours: float = 48) -> Interview:
    return services.interview_schedule(
        actor=a.publisher,
        org=a.org,
        data=services.InterviewData(
            title="义务教育招生政策解读",
            guests="市教育局局长 张某某\n基础教育处处长 李某某",
            scheduled_at=timezone.now() + timedelta(hours=in_hours),
            description="就今年招生政策回答网友提问。",
        ),
    )


def make_survey(
    a: OutreachAgency, *, opens_on: date | None = None, closes_on: date | None = None, live: bool = False
) -> Survey:
    today = timezone.localdate()
    return services.survey_create(
        actor=a.publisher,
        org=a.org,
        data=services.SurveyData(
            title="公交服务满意度调查",
            definition=DEFINITION,
            opens_on=opens_on or today - timedelta(days=1),
            closes_on=closes_on or today + timedelta(days=10),
            results_live=live,
        ),
    )


def ago(hours: float) -> datetime:
    return timezone.now() - timedelta(hours=hours)
