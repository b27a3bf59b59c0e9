"""Demo data of the participation app for the demo city (called by `gongkai.portal.demo_apps.load_demo_apps`): an
open consultation with a structured question and comments (one on an article) moderated by the agency's publisher —
most published, one withheld with its reason — leaders' mailboxes (领导信箱), and an Open311 service list with a client key; when the demo is
loaded for today, one request posted through Open311 the way a client application would.

Every write goes through the services; the comments' addresses are from the documentation range (192.0.2.0/24)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from gongkai.core.errors import ApplicationError
from gongkai.orgs.models import Organization, User
from gongkai.participation import services
from gongkai.participation.models import Consultation
from gongkai.participation.open311_rules import Open311Error
from gongkai.publishing.demo import ORG_BY_KEY

DRAFT = (
    "第一条 为规范本市中小学课后服务工作，减轻家庭负担，制定本办法。\n"
    "第二条 课后服务坚持学生自愿、家长申请、学校组织的原则。\n"
    "第三条 学校应当在每学期开学前公布课后服务的时间、内容和收费标准。\n"
    "第四条 课后服务经费实行专账管理，收支情况每学期向家长公开。\n"
    "第五条 本办法自发布之日起施行。"
)
QUESTIONS = (
    services.QuestionData(
        text="您是否赞成课后服务结束时间不早于当地正常下班时间？",
        kind="single",
        choices=("赞成", "不赞成", "无所谓"),
    ),
)
# (body, article, answer to question 1, moderation: "publish" or a withheld reason)
COMMENTS: tuple[tuple[str, int | None, str, str], ...] = (
    (
        "建议明确课后服务的最晚结束时间，方便双职工家庭接孩子；家庭经济困难学生的费用应当减免。",
        None,
        "赞成",
        "publish",
    ),
    ("建议本条增加“收费标准报教育部门备案”的内容，并在学校门口和网站同时公布。", 3, "", "publish"),
    ("希望课后服务增加体育和艺术类活动，不要变成集中补课。", None, "赞成", "publish"),
    ("本机构常年提供课后托管、作业辅导，价格优惠，欢迎家长来电咨询报名。", None, "", "advertising"),
)
# (code, name, category, agency key, group, keywords, attributes)
SERVICES: tuple[tuple[str, str, str, str, str, str, list[dict[str, Any]]], ...] = (
    (
        "road-damage",
        "道路破损",
        "投诉",
        "jtj",
        "市政设施",
        "道路,坑洼,井盖",
        [
            {
                "code": "severity",
                "datatype": "singlevaluelist",
                "required": True,
                "description": "破损程度",
                "values": [{"key": "minor", "name": "轻微"}, {"key": "serious", "name": "严重，影响通行"}],
            }
        ],
    ),
    ("streetlight", "路灯故障", "求助", "jtj", "市政设施", "路灯,照明", []),
    ("school-enquiry", "入学咨询", "咨询", "jyj", "教育", "入学,招生,划片", []),
)
OPEN311_CLIENT = "示范市民通App（演示）"


def _org(key: str) -> Organization:
    return Organization.objects.get(code=ORG_BY_KEY[key].code)


def _publisher(key: str) -> User:
    return User.objects.get(username=f"{key}_publisher")


def load_consultation_demo(*, today: date, person: Callable[[], str]) -> Consultation:
    """The 市教育局's open consultation with its question and four comments, moderated."""
    actor = _publisher("jyj")
    consultation = services.consultation_open(
        actor=actor,
        org=_org("jyj"),
        data=services.ConsultationData(
            title="《示范市中小学课后服务管理办法（征求意见稿）》公开征求意见",
            draft_text=DRAFT,
            explanation="为回应家长关切、规范课后服务收费和管理，市教育局起草了本办法，现公开征求社会各界意见。",
            basis="《中华人民共和国教育法》《中华人民共和国义务教育法》和省教育厅关于做好中小学课后服务工作的有关规定。",
            how_to_comment="可在本页面提交意见，或发送电子邮件至本局政府信息公开邮箱。",
            opens_on=today - timedelta(days=10),
            # Open for comments on the day the demo is looked at, too (the comment service uses that day).
            closes_on=max(today, timezone.localdate()) + timedelta(days=25),
            questions=QUESTIONS,
        ),
    )
    for n, (body, article, answer, moderation) in enumerate(COMMENTS, start=1):
        comment = services.comment_submit(
            consultation=consultation,
            address=f"192.0.2.{n}",
            data=services.CommentData(
                body=body, article=article, answers={"1": answer} if answer else None, name=person()
            ),
        )
        if moderation == "publish":
            services.comment_moderate(actor=actor, comment=comment, action="publish")
        else:
            services.comment_moderate(
                actor=actor,
                comment=comment,
                action="withhold",
                reason=moderation,
                note="商业推广内容，不予公开；原文保留备查。",
            )
    return consultation


def load_open311_demo(*, today: date) -> Counter[str]:
    """The service list (what a client application offers), a key for the demo client and — only when the demo is
    loaded for today, since a posted request is received on the day it is posted — one request posted with it."""
    counts: Counter[str] = Counter()
    for code, name, category, key, group, keywords, attributes in SERVICES:
        services.open311_service_set(
            actor=None,
            data=services.ServiceData(
                code=code,
                name=name,
                category=category,
                org=_org(key),
                description=f"{name}（{group}）",
                group=group,
                keywords=keywords,
                attributes=attributes,
            ),
        )
        counts["open311_services"] += 1
    client, _raw = services.open311_key_create(actor=None, name=OPEN311_CLIENT)  # the raw key is not kept
    if today == timezone.localdate():
        try:
            services.open311_request_submit(
                key=client,
                post=services.Open311Post(
                    service_code="road-damage",
                    description="人民路与解放路交叉口东侧非机动车道有一处约半米宽的坑洼，雨天积水，电动车经过容易摔倒。",
                    lat="39.9087",
                    long="116.3975",
                    address_string="人民路与解放路交叉口东侧",
                    attributes={"severity": ["serious"]},
                    public=True,
                ),
                address="192.0.2.100",
            )
        except Open311Error as exc:  # the demo's savepoint leaves the scenario out
            raise ApplicationError(exc.key, exc.description) from exc
        counts["messages"] += 1
    return counts


# (agency key, 职务, 姓名) — fictional leaders of the demo city
MAILBOXES = (("szf", "市长", "高建国"), ("szf", "常务副市长", "林晓东"), ("jyj", "局长", "周文华"))


def load_mailbox_demo() -> int:
    """Leaders' mailboxes (领导信箱) opened by each agency's org admin; the write pages then offer them."""
    for position, (key, title, name) in enumerate(MAILBOXES, start=1):
        services.mailbox_set(
            actor=User.objects.get(username=f"{key}_org_admin"),
            org=_org(key),
            title=title,
            name=name,
            position=position,
        )
    return len(MAILBOXES)
