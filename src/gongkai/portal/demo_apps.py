"""Demo data for the apps beyond publishing: FOI requests, messages, a consultation, open data, a gazette issue and
an annual report draft, for the fictional city loaded by `gongkai.publishing.demo.load_demo`.

Every write goes through the apps' services, as the demo's own staff (so the audit log and the permission checks
are real). The texts are generated here from short word lists written for this project. Everything is dated
relative to `today` (Beijing time) and never after it; a seeded `random.Random` makes the data repeatable. A
scenario whose dates would need a working-day calendar that is not loaded is skipped (inside its own savepoint)
rather than half-written.
"""

from __future__ import annotations

import csv
import io
import logging
import random
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from stdnum.cn import ric

from gongkai.core.audit import audit_log
from gongkai.core.errors import ApplicationError
from gongkai.core.workdays import is_working_day
from gongkai.core.workdays_rules import YearNotLoaded
from gongkai.foi import services as foi
from gongkai.foi.models import Request
from gongkai.inspection.demo import load_inspection_demo
from gongkai.opendata import services as opendata
from gongkai.opendata.demo import load_opendata_demo
from gongkai.orgs.models import Organization, User
from gongkai.outreach.demo import load_outreach_demo
from gongkai.participation import services as participation
from gongkai.participation.demo import load_consultation_demo, load_mailbox_demo, load_open311_demo
from gongkai.participation.models import Message
from gongkai.policy.demo import load_policy_demo
from gongkai.publishing import services as publishing
from gongkai.publishing.demo import ORG_BY_KEY, ORGS
from gongkai.publishing.models import InfoItem
from gongkai.reports import services as reports

log = logging.getLogger(__name__)
SEED = 20261124
FOI_ORGS = ("jyj", "szf", "dc")
MESSAGE_ORGS = ("jyj", "szf", "dc", "xc")
KINDS = (
    "foi_requests",
    "remedies",
    "messages",
    "consultations",
    "comments",
    "datasets",
    "resources",
    "gazette_issues",
    "gazette_entries",
    "reports",
)

SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦许何吕施张孔曹严华金魏陶姜"
GIVEN = "子轩 雨桐 浩宇 欣怡 梓涵 俊熙 思彤 宇航 佳怡 明哲 若曦 博文 晓峰 丽君 建业 海波 春燕 德明 秀英 志刚".split()
COMPANIES = ("示范市启明教育咨询有限公司", "示范市安居物业服务有限公司", "示范市通达运输有限公司")

FOI_TOPICS: dict[str, tuple[str, ...]] = {
    "jyj": (
        "本市{y}年义务教育阶段学校招生划片范围及调整依据",
        "{y}年市级教育专项资金分配结果及使用情况",
        "某民办培训机构办学许可审批的相关材料",
        "{y}年中小学校舍安全排查整改情况",
        "本市公办幼儿园收费标准核定文件",
        "{y}年教师招聘考试成绩及体检考察结果",
        "学校食堂食品安全检查记录及处理情况",
        "课后服务经费收支及使用管理办法",
        "{y}年市属中学新建扩建项目立项批复",
        "随迁子女入学材料审核标准",
    ),
    "szf": (
        "{y}年市政府常务会议研究城市更新事项的会议纪要",
        "东部新城片区控制性详细规划调整的批复文件",
        "{y}年市级重点项目投资计划",
        "市政府关于老旧小区改造资金安排的文件",
        "{y}年市本级财政预算调整方案",
        "某地块征收补偿安置方案的批准文件",
        "市政府向市人大报告的{y}年度政府工作报告附件",
        "市政府与某企业签订的合作框架协议",
        "{y}年政府督查发现问题整改情况",
        "示范市营商环境评价结果及整改清单",
    ),
    "dc": (
        "东城区某路段道路拓宽工程的立项和用地审批材料",
        "{y}年东城区棚户区改造项目名单",
        "东城区某小区加装电梯财政补贴发放情况",
        "{y}年东城区环境卫生整治专项资金使用情况",
        "东城区某街道农贸市场搬迁的决策文件",
        "东城区{y}年民生实事项目完成情况",
        "东城区某学校周边交通组织方案",
        "东城区城市管理行政处罚案件统计",
        "东城区{y}年区级预算执行情况",
        "东城区某地块土地出让合同",
    ),
}

REASONS = {
    "partial": "申请公开的材料中含有第三方的个人身份信息和联系方式，公开后可能对其合法权益造成损害，已作区分处理。",
    "third_party": "该信息涉及第三方的商业秘密，经书面征求第三方意见，第三方不同意公开，且不公开不会对公共利益造成重大影响。",
    "process": "申请公开的材料为内部研究讨论过程中形成的意见稿，属于过程性信息。",
    "not_exist": "经检索本机关档案和业务系统，未制作或获取过您描述的政府信息。",
    "creation": "您申请的汇总数据需要对多份原始材料进行加工、统计后才能形成，本机关没有现成信息。",
}
LAW_PARTIAL = "《中华人民共和国政府信息公开条例》第十五条、第三十七条"
LAW_THIRD = "《中华人民共和国政府信息公开条例》第十五条、第三十二条"
LAW_PROCESS = "《中华人民共和国政府信息公开条例》第十六条第二款"

MESSAGE_TOPICS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "咨询": (
        (
            "随迁子女入学需要哪些材料",
            "我家孩子明年上小学，户籍不在本市，想了解需要准备哪些证明材料，在哪里提交。",
            "jyj",
        ),
        ("公积金提取办理时间", "想咨询一下提取住房公积金偿还房贷，需要多少个工作日能到账？", "szf"),
        ("社区老年食堂开放时间", "请问东城区各社区老年食堂的开放时间和就餐标准在哪里可以查到？", "dc"),
        ("新建小区配套学校何时招生", "西城区滨河片区新建小区的配套小学预计哪一年开始招生？", "xc"),
        ("教师资格证认定时间", "今年下半年中小学教师资格认定什么时候开始网上报名？", "jyj"),
    ),
    "求助": (
        (
            "小区停水三天无人处理",
            "我们小区从前天开始停水，联系物业说是管网维修，但一直没有通知恢复时间，老人孩子生活很不方便。",
            "dc",
        ),
        (
            "孩子学籍转入遇到困难",
            "孩子从外省转学过来，新学校说学籍系统转不进来，已经两周了，孩子无法正常注册。",
            "jyj",
        ),
        ("路灯损坏夜间出行不便", "西城区某路段路灯坏了一个多月，晚上出行很危险，希望尽快维修。", "xc"),
    ),
    "投诉": (
        (
            "校外培训机构退费难",
            "在一家培训机构预交了一年的课时费，机构突然停课，至今不予退费，希望主管部门介入。",
            "jyj",
        ),
        ("夜间施工噪音扰民", "附近工地每天夜里十一点以后还在施工，噪音很大，严重影响休息。", "dc"),
        ("学校违规收取资料费", "孩子所在学校要求每名学生缴纳教辅资料费，未说明依据，家长意见很大。", "jyj"),
        ("占道经营影响通行", "菜市场门口长期占道经营，早晚高峰车辆和行人都无法正常通行。", "xc"),
        ("办事窗口多次往返", "到政务服务大厅办理业务，材料要求前后不一致，跑了三次都没有办成。", "szf"),
    ),
    "举报": (
        (
            "无证幼儿园违规办学",
            "某小区内有一家没有办学许可的幼儿园，收托了二十多名幼儿，存在安全隐患。",
            "jyj",
        ),
        ("河道偷排污水", "东城区某河段附近有企业夜间向河道排放污水，河水发黑发臭。", "dc"),
    ),
    "意见": (
        (
            "建议延长图书馆开放时间",
            "市图书馆工作日晚上六点就闭馆，上班族很难利用，希望延长到晚上九点。",
            "szf",
        ),
        ("校车线路设置不合理", "现在的校车线路绕行太远，孩子早上六点多就要出门，希望重新规划线路。", "jyj"),
        ("公交站台缺少遮阳设施", "西城区几个公交站台没有遮阳棚，夏天候车很辛苦。", "xc"),
    ),
    "建议": (
        (
            "增加学校周边临时停车位",
            "上下学时段学校门口接送车辆拥堵，建议在周边增设临时停车位并错峰放学。",
            "jyj",
        ),
        ("政务公开网站增加搜索功能", "希望政府网站的政策文件能够按文号和年份检索，方便群众查找。", "szf"),
        ("老旧小区增设充电桩", "建议在老旧小区改造中统一规划电动自行车充电桩，减少飞线充电隐患。", "dc"),
        ("社区增设便民服务点", "建议在新建社区设置便民服务点，方便老年人就近办理社保认证等业务。", "xc"),
    ),
}

MESSAGE_REPLIES = (
    "您好！来信收悉。经了解，{subject}的有关情况如下：我们已联系相关单位核实，并将在职责范围内依法处理。"
    "如有疑问，可在工作日拨打本机关公开的咨询电话。感谢您的关心和支持！",
    "您好！关于您反映的“{subject}”，我们高度重视，已安排工作人员现场核查并督促整改，后续将加强日常监管。"
    "感谢您的监督！",
    "您好！您提出的“{subject}”的意见建议很有价值，我们已转交业务科室研究，将在下一步工作中统筹考虑。",
)


# ---------------------------------------------------------------- helpers


class _Ctx:
    def __init__(self, today: date, rng: random.Random) -> None:
        self.today = today
        self.rng = rng
        self.orgs = {k: Organization.objects.get(code=ORG_BY_KEY[k].code) for k in MESSAGE_ORGS}
        self.counts: Counter[str] = Counter({k: 0 for k in KINDS})
        self.skipped: list[str] = []
        self.used_names: set[str] = set()

    def user(self, key: str, role: str) -> User:
        return User.objects.get(username=f"{key}_{role}")

    def back(self, days: int) -> date:
        """`days` calendar days before today, moved back to a working day when the calendar knows it."""
        day = self.today - timedelta(days=days)
        for _ in range(10):
            try:
                if is_working_day(day):
                    return day
            except YearNotLoaded:
                return day
            day -= timedelta(days=1)
        return day

    def cap(self, day: date) -> date:
        return min(day, self.today)

    def person(self) -> str:
        for _ in range(200):
            name = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)
            if name not in self.used_names:
                self.used_names.add(name)
                return name
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)

    def phone(self) -> str:
        return f"1{self.rng.choice('3589')}{self.rng.randrange(10**8, 10**9)}"

    def id_number(self) -> str:
        born = date(1960, 1, 1) + timedelta(days=self.rng.randrange(0, 365 * 40))
        body = f"110101{born:%Y%m%d}{self.rng.randrange(100, 999):03d}"
        return body + ric.calc_check_digit(body + "0")

    def attempt(self, label: str, fn: Callable[[], Any]) -> Any:
        """Run one scenario in a savepoint; a scenario the calendar or the rules refuse is left out whole."""
        try:
            with transaction.atomic():
                return fn()
        except ApplicationError as exc:
            self.skipped.append(f"{label}: {exc}")
            log.warning("demo scenario left out: %s: %s", label, exc)
            return None


# ---------------------------------------------------------------- FOI


def _applicant(ctx: _Ctx, topic: str, *, kind: str = "natural", email: bool = False) -> foi.ApplicantData:
    if kind == "business":
        name = ctx.rng.choice(COMPANIES)
        return foi.ApplicantData(
            applicant_type="business",
            applicant_name=name,
            contact_name=ctx.person(),
            id_type="uscc",
            id_number=f"91990100MA{ctx.rng.randrange(10**7, 10**8)}X",
            phone=ctx.phone(),
            address="示范市东城区建设路88号",
            postcode="990001",
            description=f"请公开{topic}。",
            preferred_form="electronic",
            delivery="post",
        )
    name = ctx.person()
    return foi.ApplicantData(
        applicant_type=kind,
        applicant_name=name,
        id_type="resident_id",
        id_number=ctx.id_number(),
        phone=ctx.phone(),
        email=f"applicant{ctx.rng.randrange(1000, 9999)}@example.com" if email else "",
        address=f"示范市{ctx.rng.choice(('东城区', '西城区', '高新区'))}幸福路{ctx.rng.randrange(1, 300)}号",
        postcode="990001",
        description=f"本人申请获取{topic}，用于了解相关政策执行情况。",
        preferred_form=ctx.rng.choice(("paper", "electronic")),
        delivery="post",
    )


def _topic(ctx: _Ctx, key: str, year: int) -> str:
    return ctx.rng.choice(FOI_TOPICS[key]).format(y=year)


def _register(
    ctx: _Ctx, key: str, received: date | None, *, kind: str = "natural", channel: str = ""
) -> Request:
    handler = ctx.user(key, "foi_handler")
    data = _applicant(ctx, _topic(ctx, key, (received or ctx.today).year - 1), kind=kind)
    new = foi.request_register(
        actor=handler,
        org=ctx.orgs[key],
        data=data,
        channel=channel or ctx.rng.choice(("in_person", "post", "email", "fax")),
        received_on=received,
    )
    ctx.counts["foi_requests"] += 1
    return new.request


def _reply(ctx: _Ctx, key: str, request: Request, outcome: str, on: date, details: dict[str, str]) -> Request:
    handler = ctx.user(key, "foi_handler")
    return foi.request_reply(
        actor=handler,
        request=request,
        outcome=outcome,
        replied_on=on,
        details=details,
        delivered_on=ctx.cap(on + timedelta(days=2)),
        delivery_method="post",
    )


def _foi_scenarios(ctx: _Ctx, key: str) -> None:
    t = ctx.today
    handler = ctx.user(key, "foi_handler")
    head = ctx.user(key, "foi_head")
    rng = ctx.rng

    # 待确认: an online submission waiting for the handler to confirm receipt.
    def awaiting() -> None:
        data = _applicant(ctx, _topic(ctx, key, t.year - 1), email=True)
        foi.request_submit(org=ctx.orgs[key], data=data)
        ctx.counts["foi_requests"] += 1

    ctx.attempt(f"{key} awaiting", awaiting)

    # 办理中: received a few working days ago.
    if key != "dc":
        ctx.attempt(f"{key} open", lambda: _register(ctx, key, ctx.back(rng.randrange(3, 8))))

    # 办理中，已告知补正 (waiting for the applicant).
    def supplement_open() -> None:
        received = ctx.back(rng.randrange(9, 12))
        r = _register(ctx, key, received)
        foi.supplement_request(
            actor=handler,
            request=r,
            on=ctx.cap(received + timedelta(days=3)),
            note="申请内容描述不够明确，请补充所需信息的文件名称、文号或形成时间等特征性描述。",
            period_working_days=15,
        )

    ctx.attempt(f"{key} supplement", supplement_open)

    # 延期答复: the FOI head extends the period shortly before the deadline.
    def extended() -> None:
        received = ctx.back(26)
        r = _register(ctx, key, received, kind="business")
        foi.extension_approve(
            actor=head,
            request=r,
            on=ctx.back(1),
            working_days=15,
            reason="申请公开的信息数量较多，需要调阅多个年度的档案进行检索、核对，不能在法定期限内答复。",
        )

    ctx.attempt(f"{key} extension", extended)

    # 征求第三方意见 (the clock is paused).
    def consulting() -> None:
        received = ctx.back(14)
        r = _register(ctx, key, received)
        foi.consultation_start(
            actor=handler,
            request=r,
            on=ctx.back(4),
            party="third_party",
            party_name="示范市某建设工程有限公司",
            note="申请内容涉及第三方商业信息，书面征求其意见。",
        )

    if key != "szf":
        ctx.attempt(f"{key} consultation", consulting)

    # Replied requests spread over the last year, with different outcomes.
    def replied(outcome: str, details: dict[str, str], days_ago: int, *, kind: str = "natural") -> None:
        received = ctx.back(days_ago)
        r = _register(ctx, key, received, kind=kind)
        _reply(ctx, key, r, outcome, ctx.cap(received + timedelta(days=rng.randrange(8, 25))), details)

    if key != "szf":
        ctx.attempt(
            f"{key} disclosed", lambda: replied("disclosed", {"variant": "provided"}, rng.randrange(40, 330))
        )
    if key != "dc":
        ctx.attempt(
            f"{key} already public",
            lambda: replied(
                "disclosed",
                {
                    "variant": "already_public",
                    "where": f"{ctx.orgs[key].name}政府信息公开专栏“法定主动公开内容”栏目",
                },
                rng.randrange(40, 330),
                kind="research",
            ),
        )
    ctx.attempt(
        f"{key} partial",
        lambda: replied(
            "partial",
            {
                "withheld_part": "材料中涉及的个人姓名、身份证号码和联系电话",
                "reason": REASONS["partial"],
                "legal_basis": LAW_PARTIAL,
            },
            rng.randrange(40, 330),
        ),
    )
    if key != "szf":
        ctx.attempt(
            f"{key} not exist",
            lambda: replied(
                "unable.not_held",
                {"variant": "not_exist", "reason": REASONS["not_exist"]},
                rng.randrange(40, 330),
            ),
        )

    # 不予公开 after a third-party consultation, then an administrative review (复议) that upheld it.
    def withheld_with_remedy() -> None:
        received = ctx.back(rng.randrange(120, 300))
        r = _register(ctx, key, received, kind="business")
        foi.consultation_start(
            actor=handler,
            request=r,
            on=received + timedelta(days=5),
            party="third_party",
            party_name="某供应商",
        )
        foi.consultation_end(actor=handler, request=r, on=received + timedelta(days=15))
        replied_on = received + timedelta(days=22)
        _reply(
            ctx,
            key,
            r,
            "withheld.third_party",
            replied_on,
            {"reason": REASONS["third_party"], "legal_basis": LAW_THIRD},
        )
        filed = replied_on + timedelta(days=20)
        decided = filed + timedelta(days=55)
        foi.remedy_add(
            actor=handler,
            request=r,
            kind="review",
            filed_on=filed,
            decided_on=decided if decided <= t else None,
            result="upheld" if decided <= t else "pending",
            note="申请人向市人民政府申请行政复议。",
        )
        ctx.counts["remedies"] += 1

    ctx.attempt(f"{key} withheld+remedy", withheld_with_remedy)

    # Fee notice, paid, then the information provided.
    def fee_paid_then_disclosed() -> None:
        received = ctx.back(rng.randrange(60, 200))
        r = _register(ctx, key, received)
        foi.fee_notice(
            actor=handler,
            request=r,
            on=received + timedelta(days=6),
            basis="per_page",
            quantity=rng.randrange(45, 120),
            note="申请公开的材料页数较多，按量收取信息处理费。",
        )
        foi.fee_paid(actor=handler, request=r, on=received + timedelta(days=10))
        _reply(ctx, key, r, "disclosed", received + timedelta(days=18), {"variant": "provided"})

    if key != "dc":
        ctx.attempt(f"{key} fee paid", fee_paid_then_disclosed)

    if key == "jyj":
        # A fee notice still waiting for payment (the clock is paused).
        def fee_open() -> None:
            received = ctx.back(12)
            r = _register(ctx, key, received)
            foi.fee_notice(
                actor=handler,
                request=r,
                on=ctx.back(5),
                basis="per_page",
                quantity=160,
                note="按量收取信息处理费。",
            )

        ctx.attempt("jyj fee open", fee_open)

        # 过程性信息 refused; the applicant went to court after the review (pending).
        def process_info() -> None:
            received = ctx.back(rng.randrange(200, 320))
            r = _register(ctx, key, received)
            replied_on = received + timedelta(days=15)
            _reply(
                ctx,
                key,
                r,
                "withheld.process_info",
                replied_on,
                {"reason": REASONS["process"], "legal_basis": LAW_PROCESS},
            )
            foi.remedy_add(
                actor=handler,
                request=r,
                kind="litigation_after_review",
                filed_on=replied_on + timedelta(days=70),
                note="复议维持后，申请人向人民法院提起行政诉讼。",
            )
            ctx.counts["remedies"] += 1

        ctx.attempt("jyj process info", process_info)

        # 逾期不补正.
        def no_supplement() -> None:
            received = ctx.back(rng.randrange(90, 150))
            r = _register(ctx, key, received)
            foi.supplement_request(
                actor=handler,
                request=r,
                on=received + timedelta(days=2),
                note="请补充所需信息的具体名称或文号。",
                period_working_days=10,
            )
            _reply(ctx, key, r, "other.no_supplement", received + timedelta(days=30), {})

        ctx.attempt("jyj no supplement", no_supplement)

        # 信访类 request, not processed; a withdrawn one.
        ctx.attempt("jyj petition", lambda: replied("not_processed.petition", {}, rng.randrange(30, 200)))

        def withdrawn() -> None:
            received = ctx.back(rng.randrange(20, 60))
            r = _register(ctx, key, received)
            foi.request_withdraw(
                actor=handler,
                request=r,
                on=received + timedelta(days=4),
                reason="申请人来电表示已通过其他途径获取，撤回申请。",
            )

        ctx.attempt("jyj withdrawn", withdrawn)

        # 非本机关负责: forwarded to 示范市人民政府, which confirmed receipt and is handling it.
        def forwarded() -> None:
            received = ctx.back(18)
            r = _register(ctx, key, received)
            new = foi.request_forward(
                actor=handler,
                request=r,
                to_org=ctx.orgs["szf"],
                on=received + timedelta(days=3),
                reason="经核查，您申请的信息由示范市人民政府办公室制作并保存，不属于本机关负责公开的范围。",
            )
            ctx.counts["foi_requests"] += 1
            foi.request_confirm(
                actor=ctx.user("szf", "foi_handler"), request=new, received_on=received + timedelta(days=4)
            )

        ctx.attempt("jyj forward", forwarded)

    if key == "szf":
        ctx.attempt(
            "szf needs creation",
            lambda: replied("unable.needs_creation", {"reason": REASONS["creation"]}, rng.randrange(40, 200)),
        )

        # A request with a supplement that arrived: the clock started again.
        def supplement_received() -> None:
            received = ctx.back(16)
            r = _register(ctx, key, received)
            foi.supplement_request(
                actor=handler, request=r, on=received + timedelta(days=2), note="请补充所需信息的形成时间。"
            )
            foi.supplement_receive(actor=handler, request=r, on=ctx.back(3), note="申请人当面递交补正材料。")

        ctx.attempt("szf supplement received", supplement_received)


def _load_foi(ctx: _Ctx) -> None:
    for key in FOI_ORGS:
        _foi_scenarios(ctx, key)


# ---------------------------------------------------------------- messages


def _message(ctx: _Ctx, key: str, category: str, subject: str, body: str, received: date) -> Message:
    org = ctx.orgs[key]
    name = ctx.person()
    message, _code = participation.message_create_record(
        org=org,
        channel=ctx.rng.choice(("部门信箱", "领导信箱", "12345网上受理")),
        category=category,
        subject=subject,
        body=body,
        received_on=received,
        public_consent=ctx.rng.random() < 0.7,
        writer={"name": name, "phone": ctx.phone()},
    )
    participation.clock_refresh(message)
    message.save()
    audit_log(
        actor=None,
        action="message.submit",
        obj=message,
        org_code=org.code,
        to_state=message.status,
        data={"category": category, "channel": message.channel, "demo": True},
    )
    ctx.counts["messages"] += 1
    return message


def _act(ctx: _Ctx, message: Message, action: str, on: date, **params: Any) -> Message:
    holder = Organization.objects.get(pk=message.holder_org_id)
    key = next(k for k, o in ctx.orgs.items() if o.pk == holder.pk)
    return participation.message_transition(
        actor=ctx.user(key, "message_handler"),
        message=message,
        action=action,
        params=participation.ActionParams(on=ctx.cap(on), **params),
    )


# The life each message gets, in order: (state, days ago received).
MESSAGE_PLAN = (
    ("received", 0),
    ("received", 1),
    ("transferred", 2),
    ("processing", 2),
    ("processing", 3),
    ("extended", 5),
    ("rejected", 6),
    ("replied", 8),
    ("replied", 10),
    ("closed", 15),
    ("closed", 20),
    ("rated_satisfied", 25),
    ("rated_basic", 30),
    ("rated_satisfied", 40),
    ("transfer_replied", 45),
    ("reopened", 50),
    ("closed", 60),
    ("rated_satisfied", 75),
    ("closed", 90),
    ("replied", 12),
    ("received", 1),
    ("processing", 4),
    ("closed", 120),
    ("rated_basic", 150),
    ("closed", 180),
    ("rated_unsatisfied", 35),
    ("closed", 200),
    ("rated_satisfied", 240),
    ("closed", 270),
    ("replied", 9),
)


def _message_life(ctx: _Ctx, state: str, days_ago: int, spec: tuple[str, str, str, str]) -> None:
    category, subject, body, key = spec
    received = ctx.back(days_ago) if days_ago else ctx.today
    m = _message(ctx, key, category, subject, body, received)
    if state == "received":
        return
    if state in ("transferred", "transfer_replied"):
        target = "szf" if key != "szf" else "dc"
        m = _act(
            ctx,
            m,
            "transfer",
            received,
            to_org=ctx.orgs[target],
            comment="该事项属于转办单位职责，请依职责办理。",
        )
        if state == "transferred":
            return
    if state == "rejected":
        _act(
            ctx,
            m,
            "reject",
            received + timedelta(days=1),
            comment="留言内容属于正在司法程序中的事项，不予受理。",
        )
        return
    m = _act(ctx, m, "accept", received + timedelta(days=1 if days_ago > 1 else 0))
    if state == "processing":
        return
    if state == "extended":
        _act(
            ctx,
            m,
            "extend",
            received + timedelta(days=2),
            working_days=5,
            comment="需要会同相关部门现场核查，申请延期办理。",
        )
        return
    text = ctx.rng.choice(MESSAGE_REPLIES).format(subject=subject)
    reply_on = received + timedelta(days=min(days_ago - 1, ctx.rng.randrange(2, 6)))
    m = _act(ctx, m, "reply", reply_on, text=text)
    if state in ("replied", "transfer_replied"):
        return
    if state == "rated_unsatisfied":
        _act(
            ctx,
            m,
            "rate",
            reply_on + timedelta(days=3),
            rating="unsatisfied",
            comment="回访时留言人表示问题仍未解决。",
        )
        return
    m = _act(ctx, m, "close", reply_on + timedelta(days=2))
    if state == "closed":
        return
    rating = {
        "rated_satisfied": "satisfied",
        "rated_basic": "basically_satisfied",
        "reopened": "unsatisfied",
    }[state]
    m = _act(ctx, m, "rate", reply_on + timedelta(days=4), rating=rating, comment="电话回访记录。")
    if state == "reopened":
        _act(ctx, m, "reopen", reply_on + timedelta(days=6), comment="留言人反映问题未解决，重新办理。")


def _load_messages(ctx: _Ctx) -> None:
    pool = [(cat, s, b, k) for cat, rows in MESSAGE_TOPICS.items() for (s, b, k) in rows]
    ctx.rng.shuffle(pool)
    for i, (state, days_ago) in enumerate(MESSAGE_PLAN):
        spec = pool[i % len(pool)]
        ctx.attempt(f"message {i} {state}", partial(_message_life, ctx, state, days_ago, spec))


def _load_consultation(ctx: _Ctx) -> None:
    def run() -> None:
        consultation = load_consultation_demo(today=ctx.today, person=ctx.person)
        ctx.counts["consultations"] += 1
        ctx.counts["comments"] += consultation.comments.count()

    ctx.attempt("consultation", run)
    ctx.attempt("open311", lambda: ctx.counts.update(load_open311_demo(today=ctx.today)))
    ctx.attempt("mailboxes", load_mailbox_demo)


# ---------------------------------------------------------------- open data


def _csv_bytes(header: list[str], rows: list[list[Any]], encoding: str = "utf-8") -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


def _datasets(ctx: _Ctx) -> list[dict[str, Any]]:
    rng, year = ctx.rng, ctx.today.year - 1
    districts = ("东城区", "西城区", "高新区", "滨河区", "临空区")
    schools = [
        [
            f"示范市{d}第{n}小学",
            d,
            rng.choice(("公办", "民办")),
            rng.randrange(18, 60),
            rng.randrange(600, 2600),
        ]
        for d in districts
        for n in range(1, 5)
    ]
    kindergartens = [
        [
            f"{d}{w}幼儿园",
            d,
            rng.choice(("公办", "普惠性民办")),
            rng.randrange(3, 15) * 30,
            rng.randrange(300, 1200),
        ]
        for d in districts
        for w in ("阳光", "彩虹", "小树苗")
    ]
    months = [f"{year}-{m:02d}" for m in range(1, 13)]
    air = [
        [m, d, rng.randrange(20, 75), round(rng.uniform(55, 95), 1)] for m in months for d in districts[:3]
    ]
    projects = [
        [
            f"{year}-{i:03d}",
            f"{rng.choice(districts)}{rng.choice(('道路提升', '管网改造', '学校扩建', '公园建设'))}工程",
            rng.choice(districts),
            round(rng.uniform(300, 9000), 2),
            f"{year}-{rng.randrange(1, 13):02d}-01",
        ]
        for i in range(1, 26)
    ]
    return [
        {
            "key": "jyj",
            "name": "shifan-primary-schools",
            "title": "示范市小学基本情况",
            "description": "全市小学的名称、所在区、办学性质、班级数和在校生数。",
            "domain": "教育",
            "frequency": "yearly",
            "tags": ["教育", "学校"],
            "resources": [
                (
                    "小学基本情况（UTF-8）",
                    "schools.csv",
                    ["学校名称", "所在区", "办学性质", "班级数", "在校生数"],
                    schools,
                    "utf-8",
                )
            ],
        },
        {
            "key": "jyj",
            "name": "shifan-kindergartens",
            "title": "示范市幼儿园名录",
            "description": "全市幼儿园名录及学位数，GB18030 编码（便于旧版表格软件直接打开）。",
            "domain": "教育",
            "frequency": "yearly",
            "tags": ["教育", "学前"],
            "resources": [
                (
                    "幼儿园名录（GB18030）",
                    "kindergartens.csv",
                    ["幼儿园名称", "所在区", "性质", "学位数", "在园幼儿数"],
                    kindergartens,
                    "gb18030",
                )
            ],
        },
        {
            "key": "szf",
            "name": "shifan-air-quality-monthly",
            "title": "示范市空气质量月报",
            "description": "各区逐月 PM2.5 平均浓度和优良天数比例。",
            "domain": "生态环境",
            "frequency": "monthly",
            "tags": ["环境", "空气质量"],
            "resources": [
                (
                    "空气质量月度数据",
                    "air.csv",
                    ["月份", "区域", "PM2.5平均浓度", "优良天数比例"],
                    air,
                    "utf-8",
                )
            ],
        },
        {
            "key": "szf",
            "name": "shifan-key-projects",
            "title": "示范市市级重点建设项目",
            "description": f"{year}年市级重点建设项目名称、所在区、总投资（万元）和开工时间。",
            "domain": "城乡建设",
            "frequency": "yearly",
            "tags": ["重点项目", "投资"],
            "resources": [
                (
                    "重点建设项目清单",
                    "projects.csv",
                    ["项目编号", "项目名称", "所在区", "总投资", "开工日期"],
                    projects,
                    "utf-8",
                )
            ],
        },
    ]


def _load_opendata(ctx: _Ctx) -> None:
    for spec in _datasets(ctx):

        def run(spec: dict[str, Any] = spec) -> None:
            key = spec["key"]
            actor = ctx.user(key, "data_publisher")
            dataset = opendata.dataset_create(
                actor=actor,
                org=ctx.orgs[key],
                data=opendata.DatasetData(
                    name=spec["name"],
                    title=spec["title"],
                    description=spec["description"],
                    domain=spec["domain"],
                    tags=spec["tags"],
                    update_frequency=spec["frequency"],
                    temporal_start=date(ctx.today.year - 1, 1, 1),
                    temporal_end=date(ctx.today.year - 1, 12, 31),
                    spatial="示范市",
                    contact_name=f"{ctx.orgs[key].short_name or ctx.orgs[key].name}数据开放联系人",
                    contact_email=f"data_{key}@shifan.example",
                    open_type="unconditional",
                ),
                publish=True,
            )
            ctx.counts["datasets"] += 1
            for title, filename, header, rows, encoding in spec["resources"]:
                opendata.resource_create(
                    actor=actor,
                    dataset=dataset,
                    name=title,
                    format="CSV",
                    upload_name=filename,
                    data=_csv_bytes(header, rows, encoding),
                )
                ctx.counts["resources"] += 1

        ctx.attempt(f"dataset {spec['name']}", run)


# ---------------------------------------------------------------- gazette and annual report


def _load_gazette(ctx: _Ctx) -> None:
    def run() -> None:
        org = ctx.orgs["szf"]
        actor = ctx.user("szf", "publisher")
        items = list(
            InfoItem.objects.filter(
                org=org, status=InfoItem.Status.PUBLISHED, disclosure=InfoItem.Disclosure.PROACTIVE
            ).order_by("-pk")[:6]
        )
        if not items:
            return
        issue = publishing.gazette_issue_create(
            actor=actor, org=org, year=ctx.today.year, number=1, title="示范市人民政府公报"
        )
        ctx.counts["gazette_issues"] += 1
        for item in items:
            publishing.gazette_entry_add(actor=actor, issue=issue, item=item)
            ctx.counts["gazette_entries"] += 1
        publishing.gazette_issue_publish(actor=actor, issue=issue, published_on=ctx.back(3))

    ctx.attempt("gazette", run)


def _load_report(ctx: _Ctx) -> None:
    def run() -> None:
        actor = ctx.user("jyj", "org_admin")
        report = reports.report_open(actor=actor, org=ctx.orgs["jyj"], year=ctx.today.year - 1)
        reports.report_texts_update(
            actor=actor,
            report=report,
            texts={
                "problems": "一是依申请公开答复文书的规范性有待提高；二是部分科室主动公开信息更新不够及时。"
                "下一步将加强业务培训，完善信息发布审核流程。",
                "other": "本年度无其他需要报告的事项。",
            },
        )
        ctx.counts["reports"] += 1

    ctx.attempt("annual report", run)


# ---------------------------------------------------------------- entry point


class DemoQueryCodeHasher(PBKDF2PasswordHasher):
    """PBKDF2-SHA256 with few iterations, used only while the demo is loaded.

    The services hash a fresh query code for every FOI request and message; the demo throws those codes away (a
    handler can issue a new one with `query_code_reset`), so hashing ~70 of them at full strength would only make
    `gongkai demo` 20 seconds slower. The hashes keep the standard `pbkdf2_sha256$<iterations>$…` form, which the
    regular hasher verifies (it reads the iteration count from the hash)."""

    iterations = 1000


def _quick_hashing() -> override_settings:
    return override_settings(PASSWORD_HASHERS=[f"{__name__}.DemoQueryCodeHasher", *settings.PASSWORD_HASHERS])


def load_demo_apps(*, today: date | None = None, seed: int = SEED) -> dict[str, int]:
    """Load the apps' demo data for the demo city; returns the number written per kind.

    Nothing is written (all counts 0) when the demo city is not there or the apps' demo data already is (any FOI
    request exists)."""
    today = today or timezone.localdate()
    if today > timezone.localdate():
        raise ValueError("today 不能晚于今天（北京时间）。")
    if not Organization.objects.filter(code=ORGS[0].code).exists() or Request.objects.exists():
        return {k: 0 for k in KINDS}
    ctx = _Ctx(today, random.Random(seed))
    with _quick_hashing(), transaction.atomic():
        _load_foi(ctx)
        _load_messages(ctx)
        _load_consultation(ctx)
        _load_opendata(ctx)
        ctx.counts.update(load_opendata_demo(today=ctx.today))
        _load_gazette(ctx)
        _load_report(ctx)
        ctx.counts.update(load_outreach_demo(today=ctx.today))
        ctx.counts.update(load_policy_demo(today=ctx.today))
        ctx.counts.update(load_inspection_demo(today=ctx.today))
    counts = dict(ctx.counts)
    counts["skipped"] = len(ctx.skipped)
    return counts


def demo_apps_message(counts: dict[str, int]) -> str:
    """One Chinese line for `gongkai demo` about what `load_demo_apps` wrote."""
    if not any(v for k, v in counts.items() if k != "skipped"):
        return "依申请公开、留言、数据开放等演示数据已存在（或没有示范市），未重复载入。"
    text = (
        f"已载入依申请公开申请 {counts['foi_requests']} 件、政民互动留言 {counts['messages']} 条、"
        f"意见征集 {counts['consultations']} 项（意见 {counts['comments']} 条）、开放数据集 {counts['datasets']} 个、"
        f"政府公报 {counts['gazette_issues']} 期（{counts['gazette_entries']} 篇）、年度报告草稿 {counts['reports']} 份。"
    )
    if counts.get("skipped"):
        text += f"（{counts['skipped']} 个场景因日期或工作日历不满足而略去）"
    return text
