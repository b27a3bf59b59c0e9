"""Fixtures for the policy tests: two agencies with the usual roles, builders for each kind of record."""

from __future__ import annotations

from datetime import date

import pytest

from gongkai.policy import services
from gongkai.policy.services import GuideData, PowerEntryData, ProposalData, QAData
from tests.factories import make_agency

COMPLETE_GUIDE = {
    "name": "城乡居民基本养老保险参保登记",
    "basis": "《中华人民共和国社会保险法》第二十条",
    "conditions": "年满16周岁（不含在校学生），非国家机关和事业单位工作人员。",
    "materials": "居民身份证或户口簿原件。",
    "location": "各乡镇（街道）便民服务中心",
    "handling_org": "市社会保险事业服务中心",
    "fees": "不收费",
    "hours": "工作日 9:00-17:00",
    "phone": "0311-12345678",
    "process": "申请—受理—审核—办结",
}


@pytest.fixture
def agency(db):
    return make_agency("pa", name="示例市人力资源和社会保障局")


@pytest.fixture
def other(db):
    return make_agency("pb", name="示例市教育局")


def proposal_data(**overrides: object) -> ProposalData:
    fields: dict[str, object] = {
        "kind": "suggestion",
        "number": 123,
        "session": "十六届三次会议",
        "proposer_type": "npc_deputy",
        "proposer": "张三",
        "subject": "关于加强社区养老服务的建议",
        "reply_type": "A",
        "reply_date": date(2026, 6, 30),
        "body": "张三代表：\n您提出的关于加强社区养老服务的建议收悉，现答复如下……",
    }
    fields.update(overrides)
    return ProposalData(**fields)  # type: ignore[arg-type]


def make_proposal(agency, *, publish: bool = True, **overrides: object):
    reply = services.proposal_create(actor=agency.drafter, org=agency.org, data=proposal_data(**overrides))
    if publish:
        reply = services.proposal_transition(actor=agency.publisher, reply=reply, action="publish")
    return reply


def guide_data(**overrides: str) -> GuideData:
    return GuideData(**{**COMPLETE_GUIDE, **overrides})


def entry_data(agency, name: str, category: str = "licensing", **overrides: object) -> PowerEntryData:
    fields: dict[str, object] = {
        "name": name,
        "category": category,
        "basis": f"《某某条例》关于{name}的规定",
        "responsible": agency.org,
        "remarks": "",
    }
    fields.update(overrides)
    return PowerEntryData(**fields)  # type: ignore[arg-type]


def qa_data(**overrides: str) -> QAData:
    fields = {
        "title": "灵活就业人员如何参加养老保险？",
        "question": "我是灵活就业人员，可以参加职工养老保险吗？",
        "answer": "可以。根据有关规定，灵活就业人员可以个人身份参保。",
    }
    fields.update(overrides)
    return QAData(**fields)
