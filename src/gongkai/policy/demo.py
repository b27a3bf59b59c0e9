"""Demo data of the policy app for the demo city (called by `gongkai.portal.demo_apps.load_demo_apps`): published
建议提案答复 (R-INT-3), 办事指南 with a second version (R-WEB-4), a 权责清单 released twice (so the version diff has
something to show) and 政策问答 citing the agencies' own published documents.

Every write goes through the services as the demo agencies' publishers, so the audit log, the versions and the
permission checks are real. Dates are relative to `today` and never after it. A scenario the rules refuse is left
out whole (its own savepoint)."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gongkai.core.errors import ApplicationError
from gongkai.orgs.models import Organization, User
from gongkai.policy import services
from gongkai.policy.models import PolicyQA, PowerListVersion, ProposalReply, ServiceGuide
from gongkai.publishing.demo import ORG_BY_KEY
from gongkai.publishing.models import InfoItem

log = logging.getLogger(__name__)
KINDS = (
    "proposal_replies",
    "service_guides",
    "guide_versions",
    "power_versions",
    "power_entries",
    "policy_qas",
)

NPC_SESSION = "示范市第十六届人民代表大会第三次会议"
CPPCC_SESSION = "政协示范市第十三届委员会第三次会议"


def _org(key: str) -> Organization:
    return Organization.objects.get(code=ORG_BY_KEY[key].code)


def _publisher(key: str) -> User:
    return User.objects.get(username=f"{key}_publisher")


# ---------------------------------------------------------------- 建议提案答复 (R-INT-3)

PROPOSALS: tuple[dict[str, Any], ...] = (
    {
        "key": "jyj",
        "kind": "suggestion",
        "number": 128,
        "session": NPC_SESSION,
        "proposer_type": "npc_deputy",
        "proposer": "李明哲代表",
        "subject": "关于增加学校周边临时停车位缓解接送拥堵的建议",
        "reply_type": "A",
        "days_ago": 75,
        "body": "李明哲代表：\n您提出的《关于增加学校周边临时停车位缓解接送拥堵的建议》收悉。经会同市公安局交通管理局、"
        "各区教育局研究，现答复如下：\n一、已在全市42所中小学周边施划限时停车泊位1260个，上下学时段免费使用。\n"
        "二、推行弹性离校和错峰放学，低年级与高年级放学时间错开20分钟。\n三、将学校周边交通组织纳入新建学校设计审查内容。\n"
        "感谢您对教育工作的关心和支持。",
    },
    {
        "key": "jyj",
        "kind": "proposal",
        "number": 56,
        "session": CPPCC_SESSION,
        "proposer_type": "cppcc_member",
        "proposer": "王春燕委员",
        "subject": "关于完善中小学课后服务经费保障机制的提案",
        "reply_type": "B",
        "days_ago": 60,
        "body": "王春燕委员：\n您提出的《关于完善中小学课后服务经费保障机制的提案》收悉。现答复如下：\n"
        "我局已会同市财政局起草《示范市中小学课后服务管理办法》，明确课后服务经费实行专账管理、收支情况每学期向家长公开，"
        "并对家庭经济困难学生减免费用。该办法正在公开征求意见，预计年内印发实施。\n感谢您对教育工作的关心和支持。",
    },
    {
        "key": "szf",
        "kind": "proposal",
        "number": 203,
        "session": CPPCC_SESSION,
        "proposer_type": "party",
        "proposer": "民盟示范市委员会",
        "subject": "关于推进老旧小区加装电梯的提案",
        "reply_type": "B",
        "days_ago": 45,
        "body": "民盟示范市委员会：\n贵委提出的《关于推进老旧小区加装电梯的提案》收悉。经市住房城乡建设局、市财政局研究，"
        "现答复如下：\n一、本年度已将老旧小区加装电梯列入民生实事项目，每部电梯给予财政补贴。\n"
        "二、简化审批流程，推行一站式联合审查。\n三、下一步将研究制定加装电梯后续运行维护管理办法。\n感谢贵委对城市建设工作的支持。",
    },
    {
        "key": "dc",
        "kind": "suggestion",
        "number": 17,
        "session": "示范市东城区第九届人民代表大会第三次会议",
        "proposer_type": "npc_deputy",
        "proposer": "陈德明代表",
        "subject": "关于在滨河片区新建公共停车场的建议",
        "reply_type": "C",
        "days_ago": 30,
        "body": "陈德明代表：\n您提出的《关于在滨河片区新建公共停车场的建议》收悉。经区发展改革局、区自然资源分局研究，"
        "现答复如下：\n滨河片区现有可用地块均已纳入学校和公园建设规划，暂无新建公共停车场的建设用地。"
        "我们将在片区控制性详细规划修编时统筹考虑，并先行推动周边单位停车场错时开放。\n感谢您对东城区工作的关心和支持。",
    },
)


def _proposals(today: date, counts: Counter[str]) -> None:
    for spec in PROPOSALS:
        org, actor = _org(spec["key"]), _publisher(spec["key"])
        reply = services.proposal_create(
            actor=actor,
            org=org,
            data=services.ProposalData(
                kind=spec["kind"],
                number=spec["number"],
                session=spec["session"],
                proposer_type=spec["proposer_type"],
                proposer=spec["proposer"],
                subject=spec["subject"],
                reply_type=spec["reply_type"],
                reply_date=today - timedelta(days=spec["days_ago"]),
                body=spec["body"],
            ),
        )
        services.proposal_transition(actor=actor, reply=reply, action="publish")
        counts["proposal_replies"] += 1


# ---------------------------------------------------------------- 办事指南 (R-WEB-4)

GUIDES: tuple[tuple[str, dict[str, str]], ...] = (
    (
        "jyj",
        {
            "name": "中小学教师资格认定",
            "basis": "《中华人民共和国教师法》第十条、第十三条；《教师资格条例》第十三条",
            "conditions": "具有中华人民共和国国籍，遵守宪法和法律，热爱教育事业，具有良好的思想品德；"
            "具备规定的学历；普通话水平达到二级乙等及以上；中小学教师资格考试合格；体检合格。",
            "materials": "1. 身份证件；2. 学历证书；3. 普通话水平测试等级证书；4. 中小学教师资格考试合格证明；"
            "5. 指定医院出具的体检合格证明；6. 近期免冠照片1张。",
            "location": "示范市政务服务中心二楼教育窗口（示范市中心区人民路1号市民中心）",
            "handling_org": "示范市教育局",
            "fees": "不收费",
            "hours": "工作日上午9:00—12:00，下午13:30—17:30（法定节假日除外）",
            "phone": "0990-12345678",
            "process": "网上申报 → 现场确认与体检 → 审核认定 → 公示 → 颁发证书。自受理之日起20个工作日内作出决定。",
        },
    ),
    (
        "jyj",
        {
            "name": "义务教育阶段随迁子女入学申请",
            "basis": "《中华人民共和国义务教育法》第十二条",
            "conditions": "父母一方在本市有合法稳定就业和合法稳定住所，子女达到入学年龄。",
            "materials": "1. 户口簿；2. 父母一方的居住证；3. 就业或经营证明；4. 住所证明（房产证明或租赁合同）。",
            "location": "居住地所在区教育局招生窗口",
            "handling_org": "各区教育局",
            "fees": "不收费",
            "hours": "每年5月1日至5月31日，工作日上午9:00—12:00，下午13:30—17:30",
            "phone": "0990-12345679",
            "process": "网上登记 → 材料审核 → 区教育局统筹安排学位 → 发放入学通知书。",
        },
    ),
    (
        "dc",
        {
            "name": "最低生活保障申请",
            "basis": "《社会救助暂行办法》第九条至第十一条",
            "conditions": "共同生活的家庭成员人均收入低于当地最低生活保障标准，且符合家庭财产状况规定。",
            "materials": "1. 申请书；2. 家庭成员身份证件和户口簿；3. 家庭收入和财产情况说明；4. 经济状况核对授权书。",
            "location": "户籍所在地街道办事处（乡镇人民政府）社会救助窗口",
            "handling_org": "示范市东城区民政局",
            "fees": "不收费",
            "hours": "工作日上午9:00—12:00，下午13:30—17:30（法定节假日除外）",
            "phone": "0990-23456789",
            "process": "申请 → 家庭经济状况调查 → 民主评议 → 审核公示 → 审批 → 发放保障金。30个工作日内作出决定。",
        },
    ),
)


def _guides(counts: Counter[str]) -> None:
    for key, values in GUIDES:
        actor = _publisher(key)
        guide = services.guide_create(actor=actor, org=_org(key), data=services.GuideData(**values))
        services.guide_transition(actor=actor, guide=guide, action="publish")
        counts["service_guides"] += 1
        counts["guide_versions"] += 1
    # A second version of the first guide: the public page shows its version history.
    key, values = GUIDES[0]
    guide = ServiceGuide.objects.get(org=_org(key), name=values["name"])
    changed = dict(values, process=values["process"].replace("20个工作日", "15个工作日"))
    services.guide_update(actor=_publisher(key), guide=guide, data=services.GuideData(**changed))
    services.guide_transition(
        actor=_publisher(key), guide=guide, action="publish", comment="办理时限由20个工作日压缩为15个工作日。"
    )
    counts["guide_versions"] += 1


# ---------------------------------------------------------------- 权责清单

POWERS: tuple[tuple[str, str, str], ...] = (
    ("民办学校设立、变更、终止审批", "licensing", "《中华人民共和国民办教育促进法》第十二条"),
    ("中小学教师资格认定", "licensing", "《教师资格条例》第十三条"),
    ("对民办学校违法办学行为的处罚", "penalty", "《中华人民共和国民办教育促进法》第六十二条"),
    ("对学校安全工作的检查", "inspection", "《中小学幼儿园安全管理办法》第六条"),
    ("家庭经济困难学生资助", "benefit", "《学生资助资金管理办法》第五条"),
)


def _powers(counts: Counter[str]) -> None:
    org, actor = _org("jyj"), _publisher("jyj")
    for name, category, basis in POWERS[:4]:
        services.power_entry_add(
            actor=actor,
            org=org,
            data=services.PowerEntryData(name=name, category=category, basis=basis, responsible=org),
        )
        counts["power_entries"] += 1
    services.power_list_publish(actor=actor, org=org, note="首次公布本局权责清单。")
    counts["power_versions"] += 1
    # Version 2: one entry added and one basis amended, so the diff between the versions is not empty.
    name, category, basis = POWERS[4]
    services.power_entry_add(
        actor=actor,
        org=org,
        data=services.PowerEntryData(name=name, category=category, basis=basis, responsible=org),
    )
    counts["power_entries"] += 1
    draft = PowerListVersion.objects.get(org=org, status="draft")
    entry = draft.entries.get(name=POWERS[3][0])
    services.power_entry_update(
        actor=actor,
        entry=entry,
        data=services.PowerEntryData(
            name=entry.name,
            category=entry.category,
            basis="《中小学幼儿园安全管理办法》第六条、第五十四条",
            responsible=org,
        ),
    )
    services.power_list_publish(
        actor=actor, org=org, note="新增“家庭经济困难学生资助”；补充学校安全检查的依据条款。"
    )
    counts["power_versions"] += 1


# ---------------------------------------------------------------- 政策问答

QAS: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    (
        "jyj",
        "随迁子女在本市上小学需要满足什么条件？",
        "我家孩子明年上小学，户籍不在本市，父母在本市工作，需要满足什么条件才能在本市公办学校就读？",
        "父母一方在本市有合法稳定就业和合法稳定住所，可在每年5月向居住地所在区教育局申请，由区教育局统筹安排学位。"
        "具体条件和材料以下列文件为准，也可查看“义务教育阶段随迁子女入学申请”办事指南。",
        ("招生", "入学"),
    ),
    (
        "jyj",
        "校外培训机构预收费有什么限制？",
        "孩子报名校外培训班，机构要求一次性预交一年的费用，这样合规吗？",
        "校外培训机构不得一次性收取或以充值、次卡等形式变相收取时间跨度超过3个月或60课时的费用，"
        "预收费须全部进入监管账户。本局依照下列文件对培训机构收费进行监督检查，发现违规可向本局举报。",
        ("校外培训",),
    ),
    (
        "szf",
        "老旧小区加装电梯可以申请哪些补贴？",
        "我们小区是上世纪九十年代的六层住宅，想加装电梯，政府有哪些补贴政策？",
        "符合条件的老旧小区加装电梯项目可以申请财政补贴，补贴标准和申请程序以下列文件为准；"
        "具体可咨询所在区住房城乡建设部门。",
        ("住房", "城市更新"),
    ),
)


def _cited_items(org: Organization, words: tuple[str, ...]) -> list[InfoItem]:
    """Up to two of the agency's public documents with a 文号 on the question's subject (else its latest ones)."""
    public = InfoItem.objects.filter(
        org=org, status=InfoItem.Status.PUBLISHED, disclosure=InfoItem.Disclosure.PROACTIVE
    ).exclude(doc_no="")
    about = Q()
    for word in words:
        about |= Q(title__contains=word)
    latest = ("-published_at", "-pk")
    return list(public.filter(about).order_by(*latest)[:2]) or list(public.order_by(*latest)[:1])


def _qas(counts: Counter[str]) -> None:
    for key, title, question, answer, words in QAS:
        org, actor = _org(key), _publisher(key)
        qa = services.qa_create(
            actor=actor, org=org, data=services.QAData(title=title, question=question, answer=answer)
        )
        for item in _cited_items(org, words):
            services.qa_citation_add(actor=actor, qa=qa, ref=item.doc_no)
        services.qa_transition(actor=actor, qa=qa, action="publish")
        counts["policy_qas"] += 1


# ---------------------------------------------------------------- entry point


def load_policy_demo(*, today: date | None = None) -> dict[str, int]:
    """Write the policy demo data; returns the number written per kind (nothing when some already exists)."""
    today = min(today or timezone.localdate(), timezone.localdate())
    counts: Counter[str] = Counter({k: 0 for k in KINDS})
    if (
        ProposalReply.objects.exists()
        or ServiceGuide.objects.exists()
        or PowerListVersion.objects.exists()
        or PolicyQA.objects.exists()
    ):
        return dict(counts)
    scenarios: list[tuple[str, Callable[[], Any]]] = [
        ("proposal replies", lambda: _proposals(today, counts)),
        ("service guides", lambda: _guides(counts)),
        ("power list", lambda: _powers(counts)),
        ("policy Q&A", lambda: _qas(counts)),
    ]
    for label, run in scenarios:
        before = Counter(counts)
        try:
            with transaction.atomic():
                run()
        except (ApplicationError, Organization.DoesNotExist, User.DoesNotExist) as exc:
            counts.clear()
            counts.update(before)
            log.warning("policy demo scenario left out: %s: %s", label, exc)
    return dict(counts)
