"""Demo data for `gongkai demo`: a fictional city (示范市), its agencies, staff and a few hundred items.

Every text here is generated from templates and word lists written for this project; nothing is copied from
a real government site. The data is deterministic for a given seed and day: dates are laid out over the two
years before `today`, so the back office always shows fresh tasks and R-PUB-3 warnings.

Writes go through the services (org_setup, user_create, membership_grant, column_create, item_create,
attachment_add, item_transition, item_validity_set) so the audit log and the 索引号 counters are real. What the
services deliberately cannot do — back-date a publication, share one password hash — is adjusted with
queryset updates afterwards: this is demo data, not a migration path.
"""

from __future__ import annotations

import random
import time
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from stdnum.cn import uscc

from gongkai.core.errors import ApplicationError
from gongkai.orgs import services as org_services
from gongkai.orgs.models import Membership, Organization, Role, User
from gongkai.publishing import services
from gongkai.publishing.models import Column, InfoItem, ItemRelation, ItemRevision
from gongkai.publishing.services import ItemData
from gongkai.search.indexing import reindex as search_reindex

DEMO_PASSWORD = "Gongkai@2026demo"  # noqa: S105 - the demo's published password, printed on purpose
ADMIN_USERNAME = "admin"
CITY = "示范市"
TZ = ZoneInfo("Asia/Shanghai")
OFFICE_HOURS = "工作日上午9:00—12:00，下午13:30—17:30（法定节假日除外）"

STAFF_ROLES = (Role.DRAFTER, Role.REVIEWER, Role.PUBLISHER)
EXTRA_ROLES = (Role.FOI_HANDLER, Role.FOI_HEAD, Role.MESSAGE_HANDLER, Role.DATA_PUBLISHER, Role.ORG_ADMIN)


# ---------------------------------------------------------------- result


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    org_name: str  # "" for the platform administrator
    roles: tuple[str, ...]  # role codes; ("platform_admin",) for the administrator
    password: str = DEMO_PASSWORD


@dataclass
class DemoSummary:
    loaded: bool  # False when the demo data was already there and nothing was written
    orgs: int = 0
    users: int = 0
    columns: int = 0
    items: int = 0
    published: int = 0
    seconds: float = 0.0
    password: str = DEMO_PASSWORD
    logins: list[DemoLogin] = field(default_factory=list)
    message: str = ""


# ---------------------------------------------------------------- agencies

_GB11714_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_GB11714_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def demo_org_code(region: str, serial: int) -> str:
    """A well-formed 统一社会信用代码 of a 机关 (登记管理部门 1, 类别 1) in a fictional region.

    The embedded 组织机构代码 carries its GB 11714 check character and the whole code its GB 32100 one.
    """
    body = f"{region[:2]}{serial:06d}"
    total = sum(_GB11714_ALPHABET.index(c) * w for c, w in zip(body, _GB11714_WEIGHTS, strict=True))
    value = 11 - total % 11
    org_check = {10: "X", 11: "0"}.get(value, str(value))
    partial = f"11{region}{body}{org_check}"
    return partial + uscc.calc_check_digit(partial)


@dataclass(frozen=True)
class OrgSpec:
    key: str  # user-name prefix, also the reference inside this module
    name: str
    short_name: str
    kind: str
    level: str
    doc_prefix: str
    region: str
    serial: int
    parent: str | None
    address: str
    subjects: tuple[str, ...]
    topics: tuple[str, ...]
    laws: tuple[str, ...]
    weight: int
    features: frozenset[str] = (
        frozenset()
    )  # licensing, penalty, projects, supervision, personnel, interpretation
    mail: str = ""

    @property
    def code(self) -> str:
        return demo_org_code(self.region, self.serial)


def _dept(
    key: str,
    name: str,
    short: str,
    prefix: str,
    serial: int,
    address: str,
    subjects: tuple[str, ...],
    topics: tuple[str, ...],
    laws: tuple[str, ...],
    features: str = "",
    *,
    parent: str = "szf",
    region: str = "990100",
    level: str = "city",
    weight: int = 20,
) -> OrgSpec:
    return OrgSpec(
        key=key,
        name=name,
        short_name=short,
        kind=Organization.Kind.DEPARTMENT,
        level=level,
        doc_prefix=prefix,
        region=region,
        serial=serial,
        parent=parent,
        address=address,
        subjects=subjects,
        topics=topics,
        laws=laws,
        weight=weight,
        features=frozenset(features.split()),
    )


ORGS: tuple[OrgSpec, ...] = (
    OrgSpec(
        key="szf",
        name="示范市人民政府",
        short_name="市政府",
        kind=Organization.Kind.GOVERNMENT,
        level=Organization.Level.CITY,
        doc_prefix="示政",
        region="990100",
        serial=1,
        parent=None,
        address="示范市中心区人民路1号市民中心",
        subjects=(
            "综合政务\\政务公开",
            "综合政务\\政务督查",
            "国民经济管理、国有资产监管\\发展规划",
            "城乡建设、环境保护\\城乡建设（含住房）",
            "民政、扶贫、救灾\\社会救助",
        ),
        topics=(
            "优化营商环境",
            "城市更新",
            "政务服务“一网通办”",
            "公共数据开放",
            "城市生活垃圾分类",
            "养老服务体系建设",
            "重大行政决策程序",
            "安全生产责任制",
            "住房保障",
            "城乡社区治理",
        ),
        laws=("《中华人民共和国政府信息公开条例》", "《重大行政决策程序暂行条例》", "《优化营商环境条例》"),
        weight=40,
        features=frozenset({"rules", "personnel", "interpretation", "projects", "city_gov"}),
    ),
    _dept(
        "fgw",
        "示范市发展和改革委员会",
        "市发展改革委",
        "示发改",
        11,
        "示范市中心区人民路1号市民中心B座",
        ("国民经济管理、国有资产监管\\发展规划", "国民经济管理、国有资产监管\\物价"),
        ("重点项目建设", "社会信用体系建设", "政府投资项目管理", "民营经济发展", "粮食安全保障", "价格监测"),
        ("《中华人民共和国价格法》", "《政府投资条例》", "《企业投资项目核准和备案管理条例》"),
        "projects licensing",
    ),
    _dept(
        "jyj",
        "示范市教育局",
        "市教育局",
        "示教",
        12,
        "示范市文华区学府路88号",
        ("科技、教育\\教育",),
        (
            "义务教育招生入学",
            "普惠性幼儿园认定",
            "中小学课后服务",
            "校外培训机构监管",
            "教师队伍建设",
            "学生资助",
            "校园安全管理",
            "职业教育产教融合",
        ),
        ("《中华人民共和国教育法》", "《中华人民共和国义务教育法》", "《中华人民共和国学前教育法》"),
        "licensing personnel interpretation supervision",
    ),
    _dept(
        "czj",
        "示范市财政局",
        "市财政局",
        "示财",
        13,
        "示范市中心区人民路1号市民中心C座",
        ("财政、金融、审计\\财政", "财政、金融、审计\\国有资产监管"),
        ("预算绩效管理", "政府采购管理", "政府债务管理", "行政事业单位国有资产管理", "惠民惠农补贴发放"),
        ("《中华人民共和国预算法》", "《中华人民共和国政府采购法》", "《中华人民共和国会计法》"),
        "personnel",
    ),
    _dept(
        "rsj",
        "示范市人力资源和社会保障局",
        "市人力资源社会保障局",
        "示人社",
        14,
        "示范市中心区建设大街56号",
        ("劳动、人事、监察\\劳动就业", "劳动、人事、监察\\社会保障", "劳动、人事、监察\\人事工作"),
        (
            "高校毕业生就业",
            "城乡居民基本养老保险",
            "职业技能提升",
            "根治欠薪",
            "事业单位公开招聘",
            "工伤保险",
        ),
        ("《中华人民共和国劳动合同法》", "《中华人民共和国社会保险法》", "《中华人民共和国就业促进法》"),
        "licensing penalty personnel interpretation",
    ),
    _dept(
        "zrj",
        "示范市自然资源和规划局",
        "市自然资源规划局",
        "示自然资规",
        15,
        "示范市滨河区滨河东路20号",
        ("国土资源、能源\\土地", "城乡建设、环境保护\\城乡规划"),
        ("国土空间规划", "耕地保护", "不动产登记", "土地征收", "地质灾害防治", "历史文化街区保护"),
        ("《中华人民共和国土地管理法》", "《中华人民共和国城乡规划法》", "《不动产登记暂行条例》"),
        "licensing penalty projects",
    ),
    _dept(
        "sthjj",
        "示范市生态环境局",
        "市生态环境局",
        "示环",
        16,
        "示范市滨河区环城北路9号",
        ("城乡建设、环境保护\\环境监测、保护与治理",),
        (
            "大气污染防治",
            "水污染防治",
            "土壤污染防治",
            "排污许可管理",
            "建设项目环境影响评价",
            "噪声污染防治",
        ),
        (
            "《中华人民共和国环境保护法》",
            "《中华人民共和国大气污染防治法》",
            "《中华人民共和国环境影响评价法》",
        ),
        "licensing penalty supervision",
    ),
    _dept(
        "zjj",
        "示范市住房和城乡建设局",
        "市住房城乡建设局",
        "示建",
        17,
        "示范市文华区光明路31号",
        ("城乡建设、环境保护\\城乡建设（含住房）", "城乡建设、环境保护\\市政公用事业"),
        ("老旧小区改造", "保障性住房", "建筑施工安全", "物业服务管理", "城市燃气安全", "海绵城市建设"),
        ("《中华人民共和国建筑法》", "《中华人民共和国城市房地产管理法》", "《物业管理条例》"),
        "licensing penalty projects supervision",
    ),
    _dept(
        "wjw",
        "示范市卫生健康委员会",
        "市卫生健康委",
        "示卫健",
        18,
        "示范市中心区健康路12号",
        ("卫生、体育\\卫生",),
        (
            "基层医疗卫生服务",
            "家庭医生签约服务",
            "传染病防控",
            "医疗机构监管",
            "婴幼儿照护服务",
            "健康城市建设",
        ),
        (
            "《中华人民共和国基本医疗卫生与健康促进法》",
            "《中华人民共和国传染病防治法》",
            "《医疗机构管理条例》",
        ),
        "licensing penalty personnel supervision",
    ),
    _dept(
        "scjgj",
        "示范市市场监督管理局",
        "市市场监管局",
        "示市监",
        19,
        "示范市滨河区市场街100号",
        ("市场监管、安全生产监管\\食品药品监管", "市场监管、安全生产监管\\市场监管"),
        ("食品安全", "特种设备安全", "产品质量监督抽查", "价格监督检查", "知识产权保护", "经营主体登记"),
        ("《中华人民共和国食品安全法》", "《中华人民共和国产品质量法》", "《中华人民共和国特种设备安全法》"),
        "licensing penalty supervision",
    ),
    _dept(
        "jtj",
        "示范市交通运输局",
        "市交通运输局",
        "示交",
        20,
        "示范市滨河区站前路6号",
        ("工业、交通\\交通",),
        ("城市公共交通", "农村公路建设", "道路运输安全", "网络预约出租汽车管理", "交通运输综合执法"),
        ("《中华人民共和国公路法》", "《中华人民共和国道路运输条例》", "《城市公共交通条例》"),
        "licensing penalty projects",
    ),
    OrgSpec(
        key="dc",
        name="示范市东城区人民政府",
        short_name="东城区政府",
        kind=Organization.Kind.GOVERNMENT,
        level=Organization.Level.COUNTY,
        doc_prefix="示东政",
        region="990101",
        serial=101,
        parent="szf",
        address="示范市东城区东风路18号",
        subjects=(
            "综合政务\\政务公开",
            "城乡建设、环境保护\\城乡建设（含住房）",
            "民政、扶贫、救灾\\社会救助",
        ),
        topics=("老旧小区改造", "社区养老服务", "营商环境优化", "背街小巷整治", "平安东城建设"),
        laws=("《中华人民共和国政府信息公开条例》", "《中华人民共和国城乡规划法》"),
        weight=12,
        features=frozenset({"personnel"}),
    ),
    _dept(
        "dcjy",
        "示范市东城区教育局",
        "东城区教育局",
        "示东教",
        111,
        "示范市东城区育才路5号",
        ("科技、教育\\教育",),
        ("学区划分", "中小学课后服务", "校园安全管理", "学前教育"),
        ("《中华人民共和国义务教育法》",),
        parent="dc",
        region="990101",
        level="",
        weight=7,
    ),
    _dept(
        "dccz",
        "示范市东城区财政局",
        "东城区财政局",
        "示东财",
        112,
        "示范市东城区东风路18号",
        ("财政、金融、审计\\财政",),
        ("预算绩效管理", "政府采购管理", "惠民惠农补贴发放"),
        ("《中华人民共和国预算法》",),
        parent="dc",
        region="990101",
        level="",
        weight=6,
    ),
    OrgSpec(
        key="dchp",
        name="示范市东城区和平街道办事处",
        short_name="和平街道",
        kind=Organization.Kind.TOWNSHIP,
        level=Organization.Level.TOWNSHIP,
        doc_prefix="东和平",
        region="990101",
        serial=121,
        parent="dc",
        address="示范市东城区和平里3号",
        subjects=("民政、扶贫、救灾\\社会救助", "综合政务\\政务公开"),
        topics=("社区网格化管理", "居家养老服务", "社会救助", "垃圾分类"),
        laws=("《社会救助暂行办法》",),
        weight=6,
    ),
    OrgSpec(
        key="xc",
        name="示范市西城区人民政府",
        short_name="西城区政府",
        kind=Organization.Kind.GOVERNMENT,
        level=Organization.Level.COUNTY,
        doc_prefix="示西政",
        region="990102",
        serial=201,
        parent="szf",
        address="示范市西城区西湖大道66号",
        subjects=("综合政务\\政务公开", "农业、林业、水利\\农业、畜牧业、渔业", "民政、扶贫、救灾\\社会救助"),
        topics=("乡村振兴", "高标准农田建设", "农村人居环境整治", "河长制", "防汛抗旱"),
        laws=("《中华人民共和国政府信息公开条例》", "《中华人民共和国乡村振兴促进法》"),
        weight=12,
    ),
    _dept(
        "xcwj",
        "示范市西城区卫生健康局",
        "西城区卫生健康局",
        "示西卫健",
        211,
        "示范市西城区杏林路2号",
        ("卫生、体育\\卫生",),
        ("家庭医生签约服务", "基层医疗卫生服务", "爱国卫生运动"),
        ("《中华人民共和国基本医疗卫生与健康促进法》",),
        parent="xc",
        region="990102",
        level="",
        weight=7,
    ),
    OrgSpec(
        key="xcqs",
        name="示范市西城区青山镇人民政府",
        short_name="青山镇",
        kind=Organization.Kind.TOWNSHIP,
        level=Organization.Level.TOWNSHIP,
        doc_prefix="青山",
        region="990102",
        serial=221,
        parent="xc",
        address="示范市西城区青山镇青山街1号",
        subjects=("农业、林业、水利\\农业、畜牧业、渔业", "民政、扶贫、救灾\\社会救助"),
        topics=("农村土地承包经营权流转", "农田水利建设", "宅基地管理", "村级公益事业", "防汛抗旱"),
        laws=("《中华人民共和国农村土地承包法》",),
        weight=6,
    ),
)
ORG_BY_KEY = {o.key: o for o in ORGS}
# Agencies where every role exists (FOI, messages, open data, administration), not only the publishing three.
FULL_ROLE_ORGS = ("szf", "jyj", "dc", "xc")
# One person holding roles in two agencies.
SHARED_USER = (
    "zhou_min",
    "周敏",
    (("dc", Role.REVIEWER), ("dchp", Role.PUBLISHER), ("dchp", Role.ORG_ADMIN)),
)


def _org_fields(spec: OrgSpec, index: int) -> dict[str, Any]:
    host = "shifan.example"
    sub = spec.key if spec.key != "szf" else "www"
    return {
        "name": spec.name,
        "short_name": spec.short_name,
        "kind": spec.kind,
        "level": spec.level,
        "doc_prefix": spec.doc_prefix,
        "address": spec.address,
        "postcode": f"{990000 + (spec.serial % 100) * 10 + 1:06d}"[:6],
        "phone": f"0990-{6550000 + spec.serial * 17:07d}",
        "fax": f"0990-{6560000 + spec.serial * 17:07d}",
        "email": f"gk_{spec.key}@{host}",
        "office_hours": OFFICE_HOURS,
        "website": f"https://{sub}.{host}/",
        "sort_order": index * 10,
    }


# ---------------------------------------------------------------- people

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
)
GIVEN = (
    "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 霞 平 刚 建华 晓东 海燕 文博 雨欣 子涵 思远 志强 "
    "建国 秀兰 国栋 晓燕 春生 丽华 志远 慧敏 嘉怡 浩然 雅婷 宏伟 立新 晨曦 永红 玉梅 天宇 佳琪 俊杰"
).split()


class _Names:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def person(self) -> str:
        for _ in range(1000):
            name = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)
            if name not in self.used:
                self.used.add(name)
                return name
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)


def demo_usernames() -> list[str]:
    """Every login the demo creates (the platform administrator first)."""
    names = [ADMIN_USERNAME]
    for spec in ORGS:
        roles = STAFF_ROLES + (EXTRA_ROLES if spec.key in FULL_ROLE_ORGS else ())
        names += [f"{spec.key}_{role}" for role in roles]
    names.append(SHARED_USER[0])
    return names


def demo_logins() -> list[DemoLogin]:
    """The demo's logins as they are in the database now: one row per user and agency."""
    usernames = demo_usernames()
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    by_user_org: dict[tuple[str, str], list[str]] = defaultdict(list)
    org_order: dict[str, int] = {}
    for m in Membership.objects.filter(user__username__in=usernames).select_related("org", "user"):
        by_user_org[(m.user.username, m.org.name)].append(m.role)
        org_order[m.org.name] = m.org.sort_order
    role_order = {r: i for i, r in enumerate(Role.values)}
    rows: list[DemoLogin] = []
    for username in usernames:
        user = users.get(username)
        if user is None:
            continue
        if user.is_platform_admin:
            rows.append(DemoLogin(username, user.full_name, "", ("platform_admin",)))
        orgs = sorted((o for (u, o) in by_user_org if u == username), key=lambda o: org_order[o])
        for org_name in orgs:
            roles = sorted(by_user_org[(username, org_name)], key=lambda r: role_order.get(r, 99))
            rows.append(DemoLogin(username, user.full_name, org_name, tuple(roles)))
    return rows


# ---------------------------------------------------------------- small helpers

_CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 35 → 三十五 (for 第X条, up to 99)."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _CN_DIGITS[tens]
    return f"{head}十{_CN_DIGITS[ones] if ones else ''}"


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _p(*texts: str) -> str:
    return "".join(f"<p>{t}</p>" for t in texts)


def _working_day(d: date, forward: bool = False) -> date:
    step = timedelta(days=1 if forward else -1)
    while d.weekday() >= 5:
        d += step
    return d


# ---------------------------------------------------------------- item plans


@dataclass
class ItemPlan:
    org: str
    template: str
    title: str
    body_html: str
    genre: str = ""
    subject: str = ""
    keywords: str = ""
    kind: str = InfoItem.Kind.OTHER
    columns: list[str] = field(default_factory=list)  # "a20.1"-style statutory codes or custom paths
    series: str = ""  # 文号 series: "" none, "发", "规", "函", "任", "令", ...
    written_on: date | None = None
    published_on: date | None = None  # None: not published
    status: str = InfoItem.Status.PUBLISHED
    effective_on: date | None = None
    valid_until: date | None = None
    formed_on: date | None = None
    issuers: list[str] = field(default_factory=list)
    attachment: str = ""  # "pdf" | "docx"
    ref: str = ""  # a name to find this item again (validity changes, interpretations)
    doc_no: str = ""
    source: str = ""


COMPANY_WORDS = "恒达 宏远 瑞丰 佳和 鑫源 永盛 华泰 顺通 安康 绿源 明德 新禾 泰和 合众 兴业 嘉禾".split()
INDUSTRIES = "商贸 餐饮管理 建筑工程 食品 物流 医药连锁 环保科技 置业 机械制造 电子科技".split()
PLACES = "东部新城 滨河片区 高新园区 北部组团 老城片区 南湖片区 临空经济区 西山片区".split()
PROJECT_KINDS = (
    "综合管廊一期工程",
    "道路改造提升工程",
    "污水处理厂扩建工程",
    "保障性租赁住房项目",
    "公共停车场建设项目",
    "中小学新建项目",
    "社区卫生服务中心建设项目",
    "生态廊道建设工程",
)
DOC_FORMS = ("管理办法", "实施办法", "实施细则", "暂行办法", "若干措施", "管理规定")
NOTICE_ACTIONS = ("专项检查", "专项整治行动", "集中宣传月活动", "年度评估", "项目申报", "摸底调查")
NEWS_FORMS = (
    "{short}召开{topic}工作推进会",
    "{short}部署{season}{topic}工作",
    "{short}主要负责同志带队督导{topic}工作",
    "{short}开展{topic}主题宣传活动",
    "{short}举办{topic}业务培训班",
    "{short}召开{topic}工作座谈会",
    "{area}{topic}工作取得阶段性成效",
)
ARTICLE_BANK = (
    "{actor}应当建立健全{topic}工作制度，明确责任分工，加强日常管理。",
    "{actor}应当通过政府门户网站、政务新媒体等渠道及时公开{topic}相关信息，接受社会监督。",
    "实施{topic}应当遵循公开、公平、公正和便民的原则，不得设置不合理的限制条件。",
    "申请人可以通过政务服务网或者线下窗口提交申请材料。受理部门应当在{n}个工作日内作出是否受理的决定；材料不齐全的，应当一次性告知需要补正的全部内容。",
    "{actor}应当会同有关部门建立{topic}信息共享机制，推动数据互通共享，减少申请人重复提交材料。",
    "对在{topic}工作中成绩显著的单位和个人，按照国家和本市有关规定给予表扬。",
    "{topic}所需经费按照事权与支出责任相适应的原则列入同级财政预算，专款专用，任何单位和个人不得截留、挪用。",
    "鼓励社会组织、企业和志愿者依法参与{topic}，形成政府主导、社会协同、公众参与的工作格局。",
    "{actor}应当定期组织开展{topic}业务培训，提升工作人员的政策水平和服务能力。",
    "{actor}应当每年对{topic}的实施情况进行评估，评估报告向社会公开。",
    "{actor}应当畅通投诉举报渠道，对收到的投诉举报在{n}个工作日内核实处理并答复。",
    "{actor}应当建立{topic}工作台账，实行清单化管理、动态更新。",
    "建立{topic}工作联席会议制度，研究解决工作中的重大问题，联席会议办公室设在{short}。",
    "对涉及群众切身利益的{topic}事项，{actor}应当通过座谈会、论证会、网上征求意见等方式听取公众意见。",
)
PENALTY_ARTICLES = (
    "违反本办法规定的，由有关主管部门责令限期改正；法律、法规另有规定的，从其规定。",
    "有关行政机关及其工作人员在{topic}工作中滥用职权、玩忽职守、徇私舞弊的，依法给予处分；构成犯罪的，依法追究刑事责任。",
)
GOALS = (
    "提升公共服务水平",
    "维护人民群众合法权益",
    "推动高质量发展",
    "规范行政行为",
    "增强群众获得感",
    "防范化解重大风险",
)
SEASONS = ("春季", "夏季", "汛期", "秋季", "冬季", "岁末年初", "节假日期间", "下半年")
EMERGENCIES = (
    "突发公共卫生事件",
    "自然灾害救助",
    "生产安全事故",
    "突发环境事件",
    "城市内涝",
    "森林火灾",
    "重污染天气",
    "食品安全事故",
)
WORK_MONTHS = (
    "一季度",
    "二季度",
    "三季度",
    "四季度",
)


class Planner:
    """Lays out the demo items: titles, bodies and metadata from templates, dates over two years."""

    def __init__(self, rng: random.Random, today: date, names: _Names) -> None:
        self.rng = rng
        self.today = today
        self.start = today - timedelta(days=730)
        self.names = names

    # -- dates

    def pub_date(self, lo: date | None = None, hi: date | None = None) -> date:
        lo = max(lo or self.start, self.start)
        hi = min(hi or self.today, self.today)
        if hi < lo:
            hi = lo
        d = lo + timedelta(days=self.rng.randint(0, (hi - lo).days))
        d = _working_day(d)
        return d if d >= self.start else _working_day(lo, forward=True)

    def before(self, d: date, lo: int = 1, hi: int = 12) -> date:
        return _working_day(d - timedelta(days=self.rng.randint(lo, hi)))

    # -- text pieces

    @staticmethod
    def place(spec: OrgSpec) -> str:
        """The area an agency serves, as it names it: 示范市, 东城区, 青山镇."""
        if spec.kind == Organization.Kind.TOWNSHIP:
            return spec.short_name
        if spec.level == Organization.Level.COUNTY or spec.parent in {"dc", "xc"}:
            district = ORG_BY_KEY[
                spec.key if spec.kind == Organization.Kind.GOVERNMENT else spec.parent or ""
            ]
            return district.name.removeprefix(CITY).removesuffix("人民政府")
        return CITY

    @staticmethod
    def whole(spec: OrgSpec) -> str:
        """全市 / 全区 / 全镇 / 全街道."""
        if spec.kind == Organization.Kind.TOWNSHIP:
            return "全街道" if spec.name.endswith("街道办事处") else "全镇"
        return "全市" if Planner.place(spec) == CITY else "全区"

    def actor(self, spec: OrgSpec) -> str:
        if spec.kind == Organization.Kind.GOVERNMENT:
            return self.rng.choice(("各级人民政府及其有关部门", "各有关部门", "市、区人民政府"))
        return self.rng.choice(("主管部门", f"{spec.short_name}", "各区相关主管部门", "有关单位"))

    @staticmethod
    def standing(spec: OrgSpec) -> str:
        """是…: how the agency stands in the hierarchy."""
        parent = ORG_BY_KEY[spec.parent].name if spec.parent else ""
        if spec.kind == Organization.Kind.DEPARTMENT:
            return f"是{parent}的工作部门"
        if spec.kind == Organization.Kind.TOWNSHIP:
            return f"是{parent}的{'派出机关' if spec.name.endswith('街道办事处') else '下辖乡镇人民政府'}"
        return "是本行政区域的地方国家行政机关"

    def lower_level(self, spec: OrgSpec) -> str:
        if self.whole(spec) == "全市":
            return "各区人民政府"
        if spec.kind == Organization.Kind.TOWNSHIP:
            return "各社区（村）"
        return "各街道办事处、镇人民政府"

    def salutation(self, spec: OrgSpec) -> str:
        if spec.key == "szf":
            return "各区人民政府，市政府各部门，各有关单位："
        if spec.kind == Organization.Kind.GOVERNMENT:
            return "各街道办事处、镇人民政府，区政府各部门："
        if spec.kind == Organization.Kind.TOWNSHIP:
            return "各社区（村）、各有关单位："
        if self.whole(spec) == "全区":
            return "各街道办事处、镇人民政府，各有关单位："
        return "各区相关部门，各有关单位："

    def signoff(self, spec: OrgSpec, d: date) -> str:
        return _p(spec.name, cn_date(d))

    def articles(self, spec: OrgSpec, topic: str, doc_title: str, effective: date, until: date | None) -> str:
        rng = self.rng
        law = rng.choice(spec.laws)
        word = doc_title[-2:] if doc_title.endswith(("办法", "细则", "规定", "措施")) else "办法"
        lines = [
            f"为了规范{topic}工作，{rng.choice(GOALS)}，根据{law}等法律、法规和国家有关规定，结合本{self.whole(spec)[1:]}实际，制定本{word}。",
            f"本{self.whole(spec)[1:]}行政区域内的{topic}及其监督管理活动，适用本{word}。",
            f"{spec.short_name}负责统筹协调、指导和监督{self.whole(spec)}{topic}工作；{self.lower_level(spec)}负责本辖区内{topic}的组织实施。",
        ]
        bank = list(ARTICLE_BANK)
        rng.shuffle(bank)
        for template in bank[: rng.randint(3, 9)]:
            lines.append(
                template.format(
                    actor=self.actor(spec), topic=topic, n=rng.choice((3, 5, 7, 10)), short=spec.short_name
                )
            )
        lines.append(rng.choice(PENALTY_ARTICLES).format(topic=topic).replace("本办法", f"本{word}"))
        lines.append(f"本{word}具体应用中的问题由{spec.short_name}负责解释。")
        tail = f"本{word}自{cn_date(effective)}起施行"
        tail += f"，有效期至{cn_date(until)}。" if until else "。"
        lines.append(tail)
        return "".join(f"<p>第{cn_number(i)}条　{text}</p>" for i, text in enumerate(lines, start=1))

    def subject(self, spec: OrgSpec) -> str:
        return self.rng.choice(spec.subjects)

    def keywords(self, spec: OrgSpec, topic: str, *extra: str) -> str:
        return "；".join([topic, *extra, spec.short_name])

    # -- templates: each returns one ItemPlan for a publication date

    def normative(
        self,
        spec: OrgSpec,
        d: date,
        *,
        topic: str | None = None,
        years: int | None = 5,
        written: date | None = None,
        effective: date | None = None,
    ) -> ItemPlan:
        rng = self.rng
        topic = topic or rng.choice(spec.topics)
        form = rng.choice(DOC_FORMS)
        doc_title = f"{self.place(spec)}{topic}{form}"
        written = written or self.before(d, 3, 20)
        effective = effective or written + timedelta(days=rng.choice((0, 10, 30, 30)))
        until = date(effective.year + years, effective.month, 1) - timedelta(days=1) if years else None
        body = (
            _p(self.salutation(spec), f"现将《{doc_title}》印发给你们，请结合实际认真贯彻执行。")
            + self.signoff(spec, written)
            + f"<h2>{doc_title}</h2>"
            + self.articles(spec, topic, doc_title, effective, until)
        )
        return ItemPlan(
            org=spec.key,
            template="normative",
            title=f"{spec.name}关于印发《{doc_title}》的通知",
            body_html=body,
            genre="通知",
            subject=self.subject(spec),
            keywords=self.keywords(spec, topic, "规范性文件"),
            kind=InfoItem.Kind.NORMATIVE,
            columns=["a20.1"],
            series="规",
            written_on=written,
            formed_on=written,
            published_on=d,
            effective_on=effective,
            valid_until=until,
        )

    def rule(self, spec: OrgSpec, d: date, *, topic: str | None = None) -> ItemPlan:
        rng = self.rng
        topic = topic or rng.choice(spec.topics)
        doc_title = f"{CITY}{topic}管理办法"
        written = self.before(d, 5, 20)
        effective = _working_day(written + timedelta(days=rng.choice((30, 45, 60))), forward=True)
        mayor = "市长"
        body = (
            _p(
                f"《{doc_title}》已经{cn_date(written)}市人民政府第{rng.randint(12, 98)}次常务会议通过，现予公布，自{cn_date(effective)}起施行。",
                f"{mayor}　{self.names.person()}",
                cn_date(written),
            )
            + f"<h2>{doc_title}</h2>"
            + self.articles(spec, topic, doc_title, effective, None)
        )
        return ItemPlan(
            org=spec.key,
            template="rule",
            title=doc_title,
            body_html=body,
            genre="令",
            subject=self.subject(spec),
            keywords=self.keywords(spec, topic, "政府规章"),
            kind=InfoItem.Kind.RULE,
            columns=["a20.1"],
            series="令",
            written_on=written,
            formed_on=written,
            published_on=d,
            effective_on=effective,
        )

    def notice(self, spec: OrgSpec, d: date) -> ItemPlan:
        rng = self.rng
        topic = rng.choice(spec.topics)
        year = d.year
        written = self.before(d, 1, 8)
        variant = rng.randrange(4)
        series, genre = "发", "通知"
        if variant == 0:
            action = rng.choice(NOTICE_ACTIONS)
            title = f"关于开展{year}年{topic}{action}的通知"
        elif variant == 1:
            title = f"关于做好{year}年{topic}工作的通知"
        elif variant == 2:
            title = f"关于公布{year}年度{topic}工作先进单位名单的公告"
            genre, series = "公告", "告"
        else:
            title = f"关于{year}年{rng.choice(WORK_MONTHS)}{topic}工作情况的通报"
            genre = "通报"
        if spec.kind != Organization.Kind.TOWNSHIP and rng.random() < 0.3:
            title = f"{spec.name}{title}"
        start = _working_day(written + timedelta(days=rng.randint(5, 20)), forward=True)
        end = start + timedelta(days=rng.choice((30, 45, 60, 90)))
        contact = self.names.person()
        phone = _org_fields(spec, 0)["phone"]
        if genre == "通知":
            body = _p(
                self.salutation(spec),
                f"为{rng.choice(GOALS)}，根据{rng.choice(spec.laws)}和上级有关工作部署，经研究，决定开展{topic}相关工作。现将有关事项通知如下：",
                "一、工作目标",
                f"以问题为导向，聚焦群众反映强烈的突出问题，推动{topic}工作制度更加完善、责任更加明确、成效更加明显。",
                "二、时间安排",
                f"（一）动员部署阶段：{cn_date(start)}前，各单位制定具体实施方案，明确责任人和工作进度。",
                f"（二）组织实施阶段：{cn_date(start)}至{cn_date(end)}，全面开展自查自纠，{spec.short_name}适时组织抽查。",
                f"（三）总结提升阶段：{cn_date(end)}前，各单位形成书面总结报送{spec.short_name}。",
                "三、工作要求",
                "各单位要高度重视，加强组织领导，压实工作责任，确保各项任务按时保质完成；工作中遇到的重要情况请及时报告。",
                f"联系人：{contact}，联系电话：{phone}。",
            )
        elif genre == "公告":
            body = _p(
                f"根据{rng.choice(spec.laws)}和{CITY}有关规定，经单位申报、材料审核、实地核查和集体研究，现将{year}年度{topic}工作先进单位名单予以公布。",
                "、".join(
                    f"{CITY}{rng.choice(COMPANY_WORDS)}{rng.choice(INDUSTRIES)}有限公司" for _ in range(3)
                )
                + "等单位。",
                f"对名单有异议的，可在公布之日起{rng.choice((5, 7))}个工作日内向{spec.short_name}书面反映。联系电话：{phone}。",
            )
        else:
            body = _p(
                self.salutation(spec),
                f"{year}年以来，各单位认真落实{topic}工作要求，总体进展平稳有序。现将有关情况通报如下：",
                f"一、总体情况。共检查单位{rng.randint(40, 300)}家，发现问题{rng.randint(10, 90)}个，已整改{rng.randint(60, 98)}%。",
                "二、存在问题。部分单位对工作重视不够，台账资料不完整，整改措施落实不到位。",
                "三、下一步要求。各单位要对照问题清单逐项整改，举一反三，建立长效机制。",
            )
        body += self.signoff(spec, written)
        return ItemPlan(
            org=spec.key,
            template="notice",
            title=title,
            body_html=body,
            genre=genre,
            subject=self.subject(spec),
            keywords=self.keywords(spec, topic),
            columns=["通知公告"],
            series=series,
            written_on=written,
            formed_on=written,
            published_on=d,
        )

    def news(self, spec: OrgSpec, d: date) -> ItemPlan:
        rng = self.rng
        topic = rng.choice(spec.topics)
        area = "全区" if spec.level == Organization.Level.COUNTY or spec.parent in {"dc", "xc"} else "我市"
        if spec.kind == Organization.Kind.TOWNSHIP:
            area = spec.short_name
        title = rng.choice(NEWS_FORMS).format(
            short=spec.short_name, topic=topic, season=rng.choice(SEASONS), area=area
        )
        body = _p(
            f"{d.month}月{d.day}日，{spec.short_name}围绕{topic}工作召开专题会议，{rng.choice(('主要负责同志出席并讲话', '分管负责同志主持会议', '各相关科室负责人参加会议'))}。",
            f"会议听取了{topic}工作进展情况汇报，分析了当前存在的困难和问题，研究部署了下一阶段重点任务。",
            f"会议指出，做好{topic}工作事关群众切身利益，要坚持以人民为中心，把好事办实、把实事办好。",
            f"会议强调，要{rng.choice(('细化任务清单', '强化部门协同', '加强督促检查', '注重宣传引导'))}，{rng.choice(('确保各项措施落地见效', '以钉钉子精神抓好落实', '切实提升群众满意度'))}。",
        )
        if rng.random() < 0.5:
            body += _p(
                f"截至目前，{area}已累计完成{topic}相关任务{rng.randint(12, 240)}项，完成年度目标的{rng.randint(55, 99)}%。"
            )
        column = "政务动态/政府要闻" if spec.key == "szf" else "政务动态/工作动态"
        if spec.kind == Organization.Kind.DEPARTMENT:
            column = "政务动态/部门动态"
        return ItemPlan(
            org=spec.key,
            template="news",
            title=title,
            body_html=body,
            subject=self.subject(spec),
            keywords=self.keywords(spec, topic, "工作动态"),
            columns=[column],
            written_on=d,
            published_on=d,
            source=spec.name,
        )

    def functions(self, spec: OrgSpec, d: date) -> ItemPlan:
        fields = _org_fields(spec, 0)
        leader = self.names.person()
        body = _p(
            "一、主要职责",
            f"贯彻执行国家和省、市关于{'、'.join(spec.topics[:3])}等方面的法律法规和方针政策，拟订本{'市' if spec.level == 'city' else '级'}相关政策措施并组织实施。",
            f"负责{spec.topics[0]}的统筹协调和监督管理；承担{spec.topics[-1]}相关工作；完成上级交办的其他任务。",
            "二、机构设置",
            "内设办公室、政策法规科、业务科室和监督检查科等机构，具体设置以机构编制部门批复为准。",
            "三、领导信息",
            f"主要负责人：{leader}。",
            "四、联系方式",
            f"办公地址：{spec.address}；邮政编码：{fields['postcode']}；联系电话：{fields['phone']}；传真：{fields['fax']}；电子邮箱：{fields['email']}。",
            f"办公时间：{OFFICE_HOURS}。",
        )
        return ItemPlan(
            org=spec.key,
            template="functions",
            title=f"{spec.name}机构职能",
            body_html=body,
            subject="综合政务\\政务公开",
            keywords="机构职能；领导信息；联系方式",
            columns=["a20.2"],
            written_on=d,
            published_on=d,
        )

    def budget(self, spec: OrgSpec, d: date, *, final: bool) -> ItemPlan:
        rng = self.rng
        year = d.year - 1 if final else d.year
        kind_word = "决算" if final else "预算"
        total = rng.randint(800, 90000) / 10
        basic = round(total * rng.uniform(0.35, 0.7), 1)
        body = _p(
            f"第一部分　{spec.name}概况",
            f"{spec.name}{self.standing(spec)}，主要负责{'、'.join(spec.topics[:2])}等工作。",
            f"第二部分　{year}年度部门{kind_word}情况说明",
            f"{year}年度收支总{kind_word}{total:.1f}万元。其中：基本支出{basic:.1f}万元，主要用于保障机构正常运转和完成日常工作任务；项目支出{total - basic:.1f}万元，主要用于{rng.choice(spec.topics)}等专项工作。",
            f"“三公”经费{kind_word}{rng.randint(5, 80)}.{rng.randint(0, 9)}万元，较上年{'下降' if rng.random() < 0.8 else '持平'}，主要原因是严格落实过紧日子要求，压减非必要支出。",
            "第三部分　名词解释",
            "基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。项目支出：指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。",
        )
        return ItemPlan(
            org=spec.key,
            template="budget",
            title=f"{spec.name}{year}年度部门{kind_word}",
            body_html=body,
            subject="财政、金融、审计\\财政",
            keywords=f"部门{kind_word}；{year}年度；三公经费",
            columns=["a20.7"],
            written_on=self.before(d, 2, 6),
            published_on=d,
        )

    def statutory(self, spec: OrgSpec, d: date, code: str) -> ItemPlan:
        """One item for a 第二十条 / 第二十一条 category (other than 1, 2 and 7, which have their own templates)."""
        rng = self.rng
        topic = rng.choice(spec.topics)
        year = d.year
        company = f"{CITY}{rng.choice(COMPANY_WORDS)}{rng.choice(INDUSTRIES)}有限公司"
        project = f"{CITY}{rng.choice(PLACES)}{rng.choice(PROJECT_KINDS)}"
        subject = self.subject(spec)
        series, genre = "", ""
        if code == "a20.3":
            title = rng.choice(
                (
                    f"{self.place(spec)}{topic}专项规划（2026—2030年）",
                    f"{spec.short_name}{year}年工作要点",
                    f"{self.place(spec)}{topic}三年行动计划",
                )
            )
            body = _p(
                f"为深入推进{topic}，根据{self.place(spec)}国民经济和社会发展规划纲要，制定本规划（计划）。",
                f"一、发展基础。近年来，{topic}工作取得积极进展，体制机制不断完善，服务能力持续增强，但仍存在区域发展不平衡、基础设施短板等问题。",
                f"二、总体要求。到规划期末，{topic}主要指标达到全省先进水平，群众满意度稳定在{rng.randint(90, 98)}%以上。",
                "三、重点任务。（一）完善制度体系；（二）补齐设施短板；（三）提升数字化水平；（四）强化人才支撑。",
                "四、保障措施。加强组织领导，强化要素保障，健全监测评估机制，适时开展中期评估。",
            )
            subject = "国民经济管理、国有资产监管\\发展规划"
        elif code == "a20.4":
            month = (
                rng.randint(1, 12) if year < self.today.year else rng.randint(1, max(1, self.today.month - 1))
            )
            title = rng.choice(
                (
                    f"{year}年1—{month}月{self.place(spec)}{topic}统计数据",
                    f"{year}年{month}月{spec.short_name}主要业务数据",
                )
            )
            body = _p(
                f"{year}年1—{month}月，{topic}相关主要指标运行总体平稳。",
                f"主要指标：办理业务{rng.randint(1000, 90000)}件，同比增长{rng.uniform(-3, 15):.1f}%；服务对象满意率{rng.uniform(95, 99.9):.1f}%。",
                "说明：本数据为初步统计数，最终数据以统计年鉴为准。",
            )
        elif code == "a20.5":
            title = f"{spec.short_name}{year}年第{rng.randint(1, 40)}期行政许可办理结果公示"
            body = _p(
                f"根据《中华人民共和国行政许可法》和有关规定，现将{spec.short_name}近期办结的行政许可事项公示如下：",
                "<table><tr><th>序号</th><th>申请人</th><th>许可事项</th><th>决定</th></tr>"
                + "".join(
                    f"<tr><td>{i}</td><td>{CITY}{rng.choice(COMPANY_WORDS)}{rng.choice(INDUSTRIES)}有限公司</td><td>{topic}相关许可</td><td>准予许可</td></tr>"
                    for i in range(1, rng.randint(3, 7))
                )
                + "</table>",
            )
        elif code == "a20.6":
            number = f"{spec.doc_prefix}罚〔{year}〕{rng.randint(1, 260)}号"
            fine = rng.choice((5000, 10000, 20000, 30000, 50000, 80000))
            title = f"行政处罚决定信息公示（{number}）"
            body = _p(
                f"当事人：{company}。",
                f"违法事实：经查，当事人在从事经营活动中存在违反{rng.choice(spec.laws)}有关规定的行为，事实清楚，证据确凿。",
                f"处罚依据：{rng.choice(spec.laws)}相关条款。",
                f"处罚内容：责令改正，罚款人民币{fine}元。",
                f"处罚机关：{spec.name}；处罚决定日期：{cn_date(self.before(d, 1, 5))}。",
            )
            genre = "其他"
        elif code == "a20.8":
            title = f"{spec.short_name}行政事业性收费项目目录（{year}年）"
            body = _p(
                f"根据国家和省有关规定，现将{spec.short_name}涉及的行政事业性收费项目、依据和标准公布如下。",
                f"本部门{year}年无新增收费项目，涉企行政事业性收费一律执行国家和省公布的目录清单，目录之外一律不得收费。",
            )
            subject = "财政、金融、审计\\财政"
        elif code == "a20.9":
            title = f"{spec.short_name}{year}年{rng.randint(1, 12)}月政府采购意向公开"
            body = _p(
                f"为便于供应商及时了解政府采购信息，根据财政部有关规定，现将{spec.short_name}采购意向公开如下：",
                f"采购项目名称：{topic}服务项目；采购需求概况：委托第三方开展{topic}相关服务；预算金额：{rng.randint(20, 400)}万元；预计采购时间：{year}年{rng.randint(1, 12)}月。",
                "本次公开的采购意向是本单位政府采购工作的初步安排，具体采购项目情况以相关采购公告和采购文件为准。",
            )
            subject = "财政、金融、审计\\财政"
        elif code == "a20.10":
            title = f"{project}批准信息"
            body = _p(
                f"项目名称：{project}。",
                f"项目单位：{CITY}{rng.choice(PLACES)}建设发展有限公司。",
                f"批准文件：{spec.doc_prefix}批〔{year}〕{rng.randint(1, 90)}号；总投资约{rng.randint(3000, 90000)}万元。",
                f"建设内容：{rng.choice(('新建', '改建', '扩建'))}相关设施及配套工程，建设工期{rng.randint(12, 36)}个月。",
            )
            subject = "国民经济管理、国有资产监管\\重大项目"
        elif code == "a20.11":
            title = f"{year}年{topic}政策措施落实情况"
            body = _p(
                f"{year}年，{spec.short_name}认真落实{topic}各项政策措施，惠及群众{rng.randint(2000, 80000)}人次。",
                f"一是完善政策体系，出台配套文件{rng.randint(2, 8)}件；二是加大资金投入，落实资金{rng.randint(100, 9000)}万元；三是强化服务保障，群众满意度持续提升。",
            )
        elif code == "a20.12":
            title = rng.choice(
                (
                    f"{self.place(spec)}{rng.choice(EMERGENCIES)}应急预案",
                    f"关于做好{year}年{rng.choice(SEASONS)}{topic}安全防范工作的提示",
                )
            )
            body = _p(
                "一、总则。为有效预防和妥善处置突发事件，最大限度减少损失，保障人民群众生命财产安全，制定本预案。",
                "二、组织体系。成立应急指挥部，统一领导、指挥和协调应急处置工作。",
                "三、预警和响应。根据事件严重程度，应急响应分为四级，由低到高依次为Ⅳ级、Ⅲ级、Ⅱ级、Ⅰ级。",
                "四、保障措施。做好队伍、物资、资金和通信保障，定期组织应急演练。",
            )
            subject = "公安、安全、司法\\应急管理"
        elif code == "a20.13":
            title = f"{year}年{rng.choice(WORK_MONTHS)}{topic}监督检查结果公告"
            body = _p(
                f"按照{year}年度监督检查计划，{spec.short_name}对{self.whole(spec)}{topic}有关单位开展了监督检查。",
                f"本次共检查{rng.randint(30, 200)}家单位，合格{rng.randint(85, 99)}%，对发现的问题已依法责令整改。",
                "不合格单位名单及处理情况详见附表。",
            )
        elif code == "a20.14":
            title = f"{spec.name}{year}年度考试录用公务员拟录用人员公示"
            people = "、".join(self.names.person() for _ in range(rng.randint(2, 5)))
            body = _p(
                f"根据{year}年度考试录用公务员工作安排，经笔试、面试、体检和考察，拟录用以下人员：{people}。",
                f"公示期为{cn_date(d)}起5个工作日。公示期间如有异议，请以书面形式向{spec.short_name}反映。",
            )
            subject = "劳动、人事、监察\\人事工作"
        elif code == "a20.15":
            title = f"{spec.short_name}{year}年政府信息公开工作要点"
            body = _p(
                f"为深入贯彻《中华人民共和国政府信息公开条例》，现就{year}年{spec.short_name}政府信息公开工作提出如下要点。",
                "一、加强政策发布解读；二、做好重点领域信息公开；三、规范依申请公开办理；四、加强政务公开平台建设。",
            )
            subject = "综合政务\\政务公开"
        elif code.startswith("a21."):
            category = self.article21_name(spec, code)
            title, body = self.article21(spec, d, category, topic, project)
        else:  # pragma: no cover - plans only use the codes above
            raise ValueError(code)
        written = self.before(d, 1, 5)
        return ItemPlan(
            org=spec.key,
            template=f"statutory:{code}",
            title=title,
            body_html=body,
            genre=genre,
            subject=subject,
            keywords=self.keywords(spec, topic),
            columns=[code],
            series=series,
            written_on=written,
            formed_on=written,
            published_on=d,
        )

    @staticmethod
    def article21_name(spec: OrgSpec, code: str) -> str:
        from gongkai.publishing.statutory import article_21_items

        items = article_21_items(spec.kind, spec.level or "county")
        return items[int(code.split(".")[1]) - 1]

    def article21(self, spec: OrgSpec, d: date, category: str, topic: str, project: str) -> tuple[str, str]:
        rng = self.rng
        year = d.year
        place = (
            spec.short_name
            if spec.kind != Organization.Kind.GOVERNMENT
            else spec.name.replace("人民政府", "")
        )
        if category == "市政建设":
            return f"{project}进展情况", _p(
                f"{project}于{year}年开工建设，目前已完成总工程量的{rng.randint(20, 95)}%。",
                "施工期间将采取围挡、降尘、错峰施工等措施，给周边居民出行带来的不便，敬请谅解。",
            )
        if category == "公共服务":
            return f"{place}公共服务事项清单（{year}年版）", _p(
                f"为方便群众办事，现公布{place}公共服务事项{rng.randint(40, 160)}项，包括办事依据、办理条件、办理时限和联系方式。",
                "公共服务事项实行动态调整，最新版本以本网站公布为准。",
            )
        if category == "公益事业":
            return f"{year}年{place}公益慈善项目实施情况", _p(
                f"{year}年共实施公益项目{rng.randint(5, 30)}个，投入资金{rng.randint(50, 900)}万元，惠及群众{rng.randint(1000, 30000)}人。",
            )
        if category == "土地征收":
            return f"{place}{rng.choice(PLACES)}地块征收土地预公告", _p(
                f"因{rng.choice(PLACES)}{rng.choice(PROJECT_KINDS)}建设需要，拟征收集体土地约{rng.randint(5, 120)}亩。",
                "自本公告发布之日起，任何单位和个人不得在拟征收范围内抢栽抢建；违反规定抢栽抢建的，对抢栽抢建部分不予补偿。",
            )
        if category == "房屋征收":
            return f"关于{rng.choice(PLACES)}旧城改造项目房屋征收决定的公告", _p(
                "为实施旧城区改建，改善居民居住条件，依据《国有土地上房屋征收与补偿条例》，作出房屋征收决定。",
                "被征收人对本决定不服的，可以自公告之日起60日内申请行政复议，或者6个月内提起行政诉讼。",
            )
        if category == "治安管理":
            return f"{place}{year}年{rng.choice(SEASONS)}社会治安形势通报", _p(
                f"{year}年{rng.choice(SEASONS)}，辖区社会治安形势总体平稳，刑事警情同比下降{rng.randint(3, 25)}%。",
                "请广大群众提高防范意识，警惕电信网络诈骗，发现可疑情况及时报警。",
            )
        if category == "社会救助":
            return f"{year}年{rng.randint(1, 12)}月{place}城乡低保和特困人员救助资金发放情况", _p(
                f"本月共发放城乡低保金{rng.randint(50, 900)}万元，保障对象{rng.randint(300, 9000)}人；特困人员供养金{rng.randint(10, 200)}万元。",
                "如有疑问，可拨打民政服务热线咨询。",
            )
        if category == "贯彻落实农业农村政策":
            return f"{place}{year}年耕地地力保护补贴发放情况", _p(
                f"{year}年耕地地力保护补贴标准为每亩{rng.randint(80, 130)}元，共发放补贴资金{rng.randint(50, 600)}万元，已通过“一卡通”发放到户。",
            )
        if category == "农田水利工程建设运营":
            return f"{place}{year}年高标准农田建设项目公示", _p(
                f"{year}年建设高标准农田{rng.randint(1000, 9000)}亩，总投资{rng.randint(200, 2000)}万元，主要建设内容包括土地平整、灌溉排水和田间道路。",
            )
        if category == "农村土地承包经营权流转":
            return f"{place}{year}年农村土地经营权流转情况", _p(
                f"截至{year}年{rng.randint(1, 12)}月，全镇土地经营权流转面积{rng.randint(2000, 20000)}亩，流转合同全部备案。",
            )
        if category == "宅基地使用情况审核":
            return f"{place}{year}年第{rng.randint(1, 4)}批农村宅基地审批结果公示", _p(
                f"经村民小组讨论、村委会审查和镇政府审核，本批共批准宅基地申请{rng.randint(3, 20)}户。公示期5个工作日。",
            )
        if category == "筹资筹劳":
            return f"{place}{year}年村级公益事业一事一议筹资筹劳情况", _p(
                f"{year}年全镇共实施一事一议项目{rng.randint(3, 15)}个，筹资{rng.randint(5, 60)}万元，筹劳{rng.randint(100, 2000)}个工日。",
            )
        return f"{place}{category}相关信息（{year}年）", _p(f"{year}年{place}{category}工作有序推进。")

    def personnel(self, spec: OrgSpec, d: date) -> ItemPlan:
        rng = self.rng
        people = [self.names.person() for _ in range(rng.randint(1, 3))]
        posts = ("办公室主任", "政策法规科科长", "综合科副科长", "直属事业单位负责人", "监督检查科科长")
        title = f"{spec.name}关于{'、'.join(people)}同志职务任免的通知"
        body = _p(self.salutation(spec), "经研究决定：") + _p(
            *(f"任命{p}为{rng.choice(posts)}，试用期一年。" for p in people)
        )
        body += self.signoff(spec, self.before(d, 0, 3))
        return ItemPlan(
            org=spec.key,
            template="personnel",
            title=title,
            body_html=body,
            genre="通知",
            subject="劳动、人事、监察\\人事工作",
            keywords="人事任免",
            columns=["人事信息"],
            series="任",
            written_on=self.before(d, 1, 3),
            published_on=d,
        )

    def interpretation(self, spec: OrgSpec, target: ItemPlan) -> ItemPlan:
        rng = self.rng
        doc = target.title.split("《", 1)[-1].split("》", 1)[0] if "《" in target.title else target.title
        body = _p(
            "一、起草背景",
            f"为{rng.choice(GOALS)}，{spec.short_name}在深入调研、广泛征求意见的基础上起草了《{doc}》。",
            "二、主要内容",
            f"文件共{rng.randint(12, 30)}条，明确了适用范围、职责分工、办理程序和监督管理等内容。",
            "三、主要亮点",
            "一是进一步简化办事流程；二是明确办理时限；三是强化信息公开和社会监督。",
            "四、咨询方式",
            f"如有疑问，可在工作日致电{_org_fields(spec, 0)['phone']}咨询。",
        )
        return ItemPlan(
            org=spec.key,
            template="interpretation",
            title=f"《{doc}》政策解读",
            body_html=body,
            subject=target.subject,
            keywords="政策解读；" + target.keywords,
            columns=["政策解读"],
            written_on=target.published_on,
            published_on=target.published_on,
            ref=f"interp:{target.ref}",
        )


# ---------------------------------------------------------------- the plan


def _weighted_templates(spec: OrgSpec) -> list[tuple[str, int]]:
    menu: list[tuple[str, int]] = [("normative", 3), ("notice", 5), ("news", 6)]
    menu += [("a20.3", 1), ("a20.4", 1), ("a20.9", 1), ("a20.11", 1), ("a20.12", 1), ("a20.15", 1)]
    if spec.kind == Organization.Kind.DEPARTMENT:
        # 第二十一条 columns of a department: the ones that fit any agency (市政建设, 公共服务, 公益事业).
        menu += [(f"a21.{i}", 1) for i in range(1, 4)]
    else:
        count = 8 if spec.kind == Organization.Kind.TOWNSHIP else 7
        menu += [(f"a21.{i}", 2) for i in range(1, count + 1)]
    if spec.kind == Organization.Kind.TOWNSHIP:
        menu = [(t, w) for t, w in menu if t not in {"normative", "a20.9"}]
    for feature, code, weight in (
        ("licensing", "a20.5", 2),
        ("penalty", "a20.6", 2),
        ("projects", "a20.10", 2),
        ("supervision", "a20.13", 2),
        ("personnel", "personnel", 1),
    ):
        if feature in spec.features:
            menu.append((code, weight))
    if spec.kind == Organization.Kind.DEPARTMENT and spec.level:
        menu.append(("a20.14", 1))
        menu.append(("a20.8", 1))
    return menu


def _make_plan(planner: Planner, total: int) -> list[ItemPlan]:
    rng = planner.rng
    today = planner.today
    specials = _special_plans(planner)
    plans: list[ItemPlan] = []
    weights = sum(s.weight for s in ORGS)
    for spec in ORGS:
        own: list[ItemPlan] = []
        quota = max(6, round((total - len(specials)) * spec.weight / weights))
        # Fixed items: 机构职能, and budgets / final accounts where the two years hold them.
        own.append(planner.functions(spec, planner.pub_date(hi=planner.start + timedelta(days=60))))
        if spec.kind != Organization.Kind.TOWNSHIP:
            # The latest 预算 and 决算 (the city government keeps both years on line).
            for final, month in ((False, 2), (True, 8)):
                days = [
                    _working_day(date(year, month, 10) + timedelta(days=rng.randint(0, 20)))
                    for year in (today.year - 1, today.year)
                ]
                days = [d for d in days if planner.start <= d <= today]
                for day in days if "city_gov" in spec.features else days[-1:]:
                    own.append(planner.budget(spec, day, final=final))
        if "rules" in spec.features:
            for topic in spec.topics[:4]:
                own.append(planner.rule(spec, planner.pub_date(), topic=topic))
        menu = _weighted_templates(spec)
        names = [t for t, _ in menu]
        wts = [w for _, w in menu]
        unpublished = _unpublished_statuses(spec)
        while len(own) < quota - len(unpublished):
            template = rng.choices(names, wts)[0]
            d = planner.pub_date()
            if template == "normative":
                own.append(planner.normative(spec, d))
            elif template == "notice":
                own.append(planner.notice(spec, d))
            elif template == "news":
                own.append(planner.news(spec, d))
            elif template == "personnel":
                own.append(planner.personnel(spec, d))
            else:
                own.append(planner.statutory(spec, d, template))
        # Work in progress: every state of the workflow, dated in the last days.
        for status in unpublished:
            recent = _working_day(today - timedelta(days=rng.randint(1, 9)))
            if spec.kind != Organization.Kind.TOWNSHIP and rng.random() < 0.5:
                plan = planner.normative(
                    spec,
                    recent,
                    written=recent,
                    effective=_working_day(today + timedelta(days=rng.randint(20, 40)), forward=True),
                )
            else:
                plan = planner.notice(spec, recent)
            plan.published_on = None
            plan.status = status
            own.append(plan)
        plans += own
    return plans + specials


def _unpublished_statuses(spec: OrgSpec) -> list[str]:
    s = InfoItem.Status
    if spec.parent in {None, "szf"}:  # the city government and its departments
        return [s.DRAFT, s.SUBMITTED, s.APPROVED, s.RETURNED]
    if spec.kind == Organization.Kind.GOVERNMENT:
        return [s.DRAFT, s.SUBMITTED]
    return [s.APPROVED]


def _special_plans(planner: Planner) -> list[ItemPlan]:
    """Items that show the validity life-cycle, joint documents, interpretations, attachments, R-PUB-3."""
    rng = planner.rng
    today = planner.today
    start = planner.start
    plans: list[ItemPlan] = []
    first_year_end = start + timedelta(days=300)

    # Amended and repealed documents: an early document and the later one that changes it.
    for key, how in (
        ("szf", "amend_rule"),
        ("jyj", "amend"),
        ("rsj", "repeal"),
        ("sthjj", "replace"),
        ("scjgj", "repeal"),
    ):
        spec = ORG_BY_KEY[key]
        topic = spec.topics[-1]
        old_day = planner.pub_date(hi=first_year_end)
        new_day = planner.pub_date(lo=old_day + timedelta(days=120), hi=today - timedelta(days=20))
        if how == "amend_rule":
            old = planner.rule(spec, old_day, topic=topic)
        else:
            old = planner.normative(spec, old_day, topic=topic)
        old.ref = f"old:{key}"
        doc = old.title.split("《", 1)[-1].split("》", 1)[0] if "《" in old.title else old.title
        if how == "amend_rule":
            new = planner.rule(spec, new_day, topic=topic)
            new.title = f"{CITY}人民政府关于修改《{doc}》的决定"
            new.body_html = _p(
                f"《{CITY}人民政府关于修改〈{doc}〉的决定》已经市人民政府常务会议通过，现予公布，自公布之日起施行。",
                f"一、将第五条中的“{rng.choice((5, 10, 15))}个工作日”修改为“{rng.choice((3, 5))}个工作日”。",
                "二、删去第九条第二款。",
                f"《{doc}》根据本决定作相应修改，重新公布。",
            )
            new.genre = "令"
        elif how == "amend":
            new = planner.normative(spec, new_day, topic=topic)
            new.title = f"{spec.name}关于修改《{doc}》部分条款的通知"
            new.body_html = _p(
                planner.salutation(spec),
                f"为进一步优化服务，经研究，决定对《{doc}》部分条款作如下修改：",
                "一、第四条修改为：“申请人可以通过政务服务网在线提交申请材料，实行全程网办。”",
                "二、删去第八条。",
                "本通知自印发之日起施行。",
            ) + planner.signoff(spec, new.written_on or new_day)
        else:
            new = planner.normative(spec, new_day, topic=topic)
            if how == "repeal":
                new.title = f"{spec.name}关于废止《{doc}》的通知"
                new.body_html = _p(
                    planner.salutation(spec),
                    f"根据国家和省有关政策调整情况，经清理评估，决定废止《{doc}》。本通知自印发之日起施行。",
                ) + planner.signoff(spec, new.written_on or new_day)
            else:
                new.title = f"{spec.name}关于印发《{doc}（修订）》的通知"
                new.body_html += _p(f"原《{doc}》同时废止。")
        new.ref = f"new:{key}"
        plans += [old, new]

    # Expired on read: a past valid_until, still stored as 有效.
    for key in ("fgw", "zjj", "wjw"):
        spec = ORG_BY_KEY[key]
        day = planner.pub_date(hi=first_year_end)
        plan = planner.normative(spec, day, years=None)
        assert plan.effective_on is not None
        plan.valid_until = min(
            plan.effective_on + timedelta(days=rng.randint(300, 420)), today - timedelta(days=15)
        )
        plan.body_html = plan.body_html.replace("起施行。", f"起施行，有效期至{cn_date(plan.valid_until)}。")
        plan.ref = f"expired:{key}"
        plans.append(plan)

    # Not yet effective: published days ago, in force next month.
    spec = ORG_BY_KEY["zrj"]
    plan = planner.normative(
        spec,
        _working_day(today - timedelta(days=3)),
        written=_working_day(today - timedelta(days=6)),
        effective=_working_day(today + timedelta(days=38), forward=True),
    )
    plan.ref = "not_yet_effective"
    plans.append(plan)

    # Partially invalid, and stored as 失效 by a publisher.
    for key, ref in (("jtj", "partially_invalid"), ("czj", "expired_marked")):
        spec = ORG_BY_KEY[key]
        plan = planner.normative(spec, planner.pub_date(hi=first_year_end))
        plan.ref = ref
        plans.append(plan)

    # Joint documents.
    for key, other in (("rsj", "czj"), ("sthjj", "zjj")):
        spec = ORG_BY_KEY[key]
        plan = planner.normative(spec, planner.pub_date(lo=first_year_end))
        plan.issuers = [other]
        plan.title = plan.title.replace(spec.name, f"{spec.name}　{ORG_BY_KEY[other].name}")
        plans.append(plan)

    # Interpretations published with their documents (三同步), linked both ways.
    for key in ("szf", "jyj", "rsj"):
        spec = ORG_BY_KEY[key]
        target = planner.normative(spec, planner.pub_date(lo=first_year_end))
        target.ref = f"interpreted:{key}"
        plans += [target, planner.interpretation(spec, target)]

    # Attachments: a PDF on a city document, a Word form on an education notice.
    plan = planner.normative(ORG_BY_KEY["szf"], planner.pub_date(lo=first_year_end))
    plan.attachment = "pdf"
    plans.append(plan)
    plan = planner.notice(ORG_BY_KEY["jyj"], planner.pub_date(lo=first_year_end))
    plan.attachment = "docx"
    plan.body_html += _p("附件：报名表（Word 格式，见下载）")
    plans.append(plan)

    # Withdrawn after publication.
    plan = planner.notice(ORG_BY_KEY["szf"], planner.pub_date(lo=today - timedelta(days=90)))
    plan.ref = "withdrawn"
    plans.append(plan)

    # R-PUB-3: formed weeks ago and still not published — one near its deadline, one past it.
    soon, late = _deadline_dates(today)
    for key, status, formed in (
        ("szf", InfoItem.Status.DRAFT, soon),
        ("fgw", InfoItem.Status.SUBMITTED, soon),
        ("jyj", InfoItem.Status.APPROVED, late),
    ):
        spec = ORG_BY_KEY[key]
        plan = planner.notice(spec, formed)
        plan.published_on = None
        plan.status = status
        plan.written_on = plan.formed_on = formed
        plan.ref = f"deadline:{key}"
        plans.append(plan)
    return plans


def _deadline_dates(today: date) -> tuple[date, date]:
    """Formation dates whose 20-working-day deadline (R-PUB-3) falls within the warning window / has passed."""
    from django.conf import settings

    from gongkai.core.workdays import add_working_days

    n = settings.GONGKAI_PUBLISH_DEADLINE_WORKING_DAYS
    try:
        horizon = add_working_days(today, 2)
        soon = today - timedelta(days=1)
        while add_working_days(soon, n) > horizon:
            soon -= timedelta(days=1)
        late = soon - timedelta(days=10)
        while add_working_days(late, n) >= today:
            late -= timedelta(days=1)
        return _working_day(soon), _working_day(late)
    except ApplicationError:  # the calendar of that year is not loaded: calendar-day estimates
        return _working_day(today - timedelta(days=25)), _working_day(today - timedelta(days=45))


# ---------------------------------------------------------------- generated attachments


def demo_pdf(title: str, lines: list[str]) -> bytes:
    """A small, valid one-page PDF showing Chinese text with the standard Adobe-GB1 font (no font embedded)."""

    def hex16(text: str) -> str:
        return "<" + text.encode("utf-16-be").hex().upper() + ">"

    content = ["BT", "/F1 18 Tf", "72 760 Td", f"{hex16(title)} Tj", "/F1 12 Tf"]
    for line in lines:
        content += ["0 -28 Td", f"{hex16(line)} Tj"]
    content.append("ET")
    stream = "\n".join(content).encode("ascii")
    compressed = zlib.compress(stream)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(compressed) + compressed + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 7 0 R /DW 1000 >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880]"
        b" /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
        b"<< /Title " + hex16("\ufeff" + title).encode("ascii") + b" /Producer (Gongkai demo) >>",
    ]
    out = BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\n" % (len(objects) + 1, len(objects)))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def demo_docx(title: str, fields: list[str], on: date) -> bytes:
    """A small Word form (python-docx): a heading and a two-column table to fill in."""
    from docx import Document

    document = Document()
    document.core_properties.title = title
    document.core_properties.author = "示范市教育局"
    stamp = datetime(on.year, on.month, on.day, 9, 0)
    document.core_properties.created = stamp
    document.core_properties.modified = stamp
    document.add_heading(title, level=1)
    table = document.add_table(rows=len(fields), cols=2)
    table.style = "Table Grid"
    for row, label in zip(table.rows, fields, strict=True):
        row.cells[0].text = label
        row.cells[1].text = ""
    document.add_paragraph("填表说明：请如实填写，于截止日期前报送。")
    out = BytesIO()
    document.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- loading


def _doc_numbers(plans: list[ItemPlan], rng: random.Random) -> None:
    """Give plans their 文号 in date order, each agency and series counting up within a year."""
    counters: dict[tuple[str, str, int], int] = {}
    rule_no = rng.randint(150, 180)
    ordered = sorted((p for p in plans if p.series), key=lambda p: (p.written_on or date.min, p.title))
    for plan in ordered:
        spec = ORG_BY_KEY[plan.org]
        assert plan.written_on is not None
        if plan.series == "令":
            rule_no += 1
            plan.doc_no = f"{CITY}人民政府令第{rule_no}号"
            continue
        key = (plan.org, plan.series, plan.written_on.year)
        counters[key] = counters.get(key, rng.randint(0, 4)) + rng.randint(1, 5)
        series = plan.series
        if plan.series == "发" and spec.kind == Organization.Kind.GOVERNMENT and rng.random() < 0.4:
            series = "办发"
        plan.doc_no = f"{spec.doc_prefix}{series}〔{plan.written_on.year}〕{counters[key]}号"


def _aware(d: date, rng: random.Random) -> datetime:
    minutes = rng.randint(8 * 60 + 30, 17 * 60 + 30)
    # Never in the future: "today" in Beijing may have only just begun.
    return min(datetime(d.year, d.month, d.day, minutes // 60, minutes % 60, tzinfo=TZ), timezone.now())


@transaction.atomic
def _load(rng: random.Random, today: date, total: int) -> DemoSummary:
    names = _Names(rng)
    validate_password(DEMO_PASSWORD)

    # Agencies with their 专栏 skeletons.
    orgs: dict[str, Organization] = {}
    for index, spec in enumerate(ORGS):
        parent_code = ORG_BY_KEY[spec.parent].code if spec.parent else None
        orgs[spec.key], _ = services.org_setup(
            actor=None, code=spec.code, parent_code=parent_code, **_org_fields(spec, index)
        )

    # People: one hash for every demo login (hashing ~80 times would take most of the load time).
    created: list[User] = []
    admin = org_services.user_create(
        actor=None,
        username=ADMIN_USERNAME,
        password=None,
        full_name="政务公开办管理员",
        email="gkb_admin@shifan.example",
        is_platform_admin_flag=True,
    )
    created.append(admin)
    users: dict[tuple[str, str], User] = {}
    for spec in ORGS:
        roles = STAFF_ROLES + (EXTRA_ROLES if spec.key in FULL_ROLE_ORGS else ())
        for role in roles:
            user = org_services.user_create(
                actor=None,
                username=f"{spec.key}_{role}",
                password=None,
                full_name=names.person(),
                email=f"{spec.key}_{role}@shifan.example",
            )
            org_services.membership_grant(actor=None, user=user, org=orgs[spec.key], role=role)
            users[(spec.key, role)] = user
            created.append(user)
    username, full_name, grants = SHARED_USER
    shared = org_services.user_create(
        actor=None, username=username, password=None, full_name=full_name, email=f"{username}@shifan.example"
    )
    created.append(shared)
    for key, role in grants:
        org_services.membership_grant(actor=None, user=shared, org=orgs[key], role=role)
    User.objects.filter(pk__in=[u.pk for u in created]).update(password=make_password(DEMO_PASSWORD))

    # Custom columns beside the statutory ones.
    for spec in ORGS:
        org = orgs[spec.key]
        news = services.column_create(
            actor=None, org=org, name="政务动态", update_class=Column.UpdateClass.NEWS
        )
        if spec.key == "szf":
            sub_names = ["政府要闻", "部门动态"]
        elif spec.kind == Organization.Kind.DEPARTMENT:
            sub_names = ["部门动态"]
        else:
            sub_names = ["工作动态"]
        for i, sub in enumerate(sub_names):
            services.column_create(
                actor=None, org=org, name=sub, parent=news, update_class=Column.UpdateClass.NEWS, sort_order=i
            )
        services.column_create(actor=None, org=org, name="通知公告", update_class=Column.UpdateClass.NOTICE)
        if "personnel" in spec.features:
            services.column_create(
                actor=None, org=org, name="人事信息", update_class=Column.UpdateClass.YEARLY
            )
        if "interpretation" in spec.features:
            services.column_create(
                actor=None, org=org, name="政策解读", update_class=Column.UpdateClass.NOTICE
            )
    columns: dict[tuple[str, str], Column] = {}
    key_of = {o.pk: k for k, o in orgs.items()}
    for column in Column.objects.filter(org__in=orgs.values()).select_related("parent"):
        key = key_of[column.org_id]
        if column.statutory_code:
            columns[(key, column.statutory_code)] = column
        path = f"{column.parent.name}/{column.name}" if column.parent else column.name
        columns[(key, path)] = column

    # Items, oldest first, so that 文号 and 索引号 count up with time.
    planner = Planner(rng, today, names)
    plans = _make_plan(planner, total)
    _doc_numbers(plans, rng)
    plans.sort(key=lambda p: (p.published_on or date.max, p.written_on or date.max, p.title))
    made: dict[str, InfoItem] = {}
    published: list[tuple[InfoItem, datetime]] = []
    for number, plan in enumerate(plans, start=1):
        org = orgs[plan.org]
        drafter, reviewer, publisher = (users[(plan.org, r)] for r in STAFF_ROLES)
        data = ItemData(
            title=plan.title,
            body_html=plan.body_html,
            doc_no=plan.doc_no,
            subject=plan.subject,
            genre=plan.genre,
            keywords=plan.keywords,
            kind=plan.kind,
            effective_on=plan.effective_on,
            valid_until=plan.valid_until,
            written_on=plan.written_on,
            formed_on=plan.formed_on,
            source=plan.source if plan.template == "news" else "",
            interpretation_exemption=(
                "执行口径已在正文中写明，经审核不另行解读。"
                if plan.kind in {InfoItem.Kind.RULE, InfoItem.Kind.NORMATIVE}
                else ""
            ),
            columns=[columns[(plan.org, c)] for c in plan.columns],
            issuers=[orgs[k] for k in plan.issuers],
        )
        item = services.item_create(actor=drafter, org=org, data=data)
        if plan.attachment == "pdf":
            services.attachment_add(
                actor=drafter,
                item=item,
                name=f"{plan.title.split('《')[-1].split('》')[0]}.pdf",
                data=demo_pdf(plan.title[:30], [plan.doc_no, org.name, cn_date(plan.written_on or today)]),
            )
        elif plan.attachment == "docx":
            services.attachment_add(
                actor=drafter,
                item=item,
                name="报名表.docx",
                data=demo_docx(
                    "报名表", ["单位名称", "联系人", "联系电话", "申报项目", "备注"], plan.written_on or today
                ),
            )
        pub_at = _aware(plan.published_on, rng) if plan.published_on else None
        InfoItem.objects.filter(pk=item.pk).update(external_id=f"demo-{number:04d}", published_at=pub_at)
        status = plan.status
        if status != InfoItem.Status.DRAFT:
            item = services.item_transition(actor=drafter, item=item, action="submit")
        if status == InfoItem.Status.RETURNED:
            item = services.item_transition(
                actor=reviewer, item=item, action="return", comment="请补充制定依据，并核对文号和成文日期。"
            )
        if status in {InfoItem.Status.APPROVED, InfoItem.Status.PUBLISHED}:
            item = services.item_transition(actor=reviewer, item=item, action="approve", comment="同意。")
        if status == InfoItem.Status.PUBLISHED:
            item = services.item_transition(actor=publisher, item=item, action="publish")
            assert pub_at is not None
            published.append((item, pub_at))
        if plan.ref:
            made[plan.ref] = item

    # Back-date the workflow of published items (the services stamp "now").
    for item, pub_at in published:
        InfoItem.objects.filter(pk=item.pk).update(
            created_at=pub_at - timedelta(days=3, hours=2),
            submitted_at=pub_at - timedelta(days=2),
            reviewed_at=pub_at - timedelta(days=1, hours=1),
            updated_at=pub_at,
        )
    ItemRevision.objects.filter(item__in=[i for i, _ in published], number=1).update(
        created_at=Subquery(InfoItem.objects.filter(pk=OuterRef("item_id")).values("published_at")[:1])
    )

    # Validity life-cycle (R-PUB-6) and the other after-publication events.
    changes: list[tuple[InfoItem, date]] = []
    for key in ("szf", "jyj", "rsj", "sthjj", "scjgj"):
        old, new = made[f"old:{key}"], made[f"new:{key}"]
        validity = InfoItem.Validity.AMENDED if key in {"szf", "jyj"} else InfoItem.Validity.REPEALED
        changed_on = timezone.localdate(new.published_at) if new.published_at else today
        services.item_validity_set(
            actor=users[(key, Role.PUBLISHER)],
            item=old,
            validity=validity,
            changed_on=changed_on,
            by_item=new,
        )
        changes.append((old, changed_on))
    for ref, validity in (
        ("partially_invalid", InfoItem.Validity.PARTIALLY_INVALID),
        ("expired_marked", InfoItem.Validity.EXPIRED),
    ):
        item = made[ref]
        assert item.published_at is not None
        when = min(timezone.localdate(item.published_at) + timedelta(days=200), today)
        services.item_validity_set(
            actor=users[(key_of[item.org_id], Role.PUBLISHER)], item=item, validity=validity, changed_on=when
        )
        changes.append((item, when))
    for item, when in changes:
        ItemRevision.objects.filter(item=item, number=2).update(created_at=_aware(when, rng))
    for key in ("szf", "jyj", "rsj"):
        ItemRelation.objects.get_or_create(
            source=made[f"interp:interpreted:{key}"],
            type=ItemRelation.Type.INTERPRETS,
            target_external_id=made[f"interpreted:{key}"].external_id or "",
            defaults={"target": made[f"interpreted:{key}"]},
        )
    withdrawn = made["withdrawn"]
    services.item_transition(
        actor=users[("szf", Role.PUBLISHER)],
        item=withdrawn,
        action="withdraw",
        comment="通知中的报送时间有误，撤回修改后重新发布。",
    )

    return DemoSummary(
        loaded=True,
        orgs=len(orgs),
        users=len(created),
        columns=Column.objects.filter(org__in=orgs.values()).count(),
        items=InfoItem.objects.filter(org__in=orgs.values()).count(),
        published=InfoItem.objects.filter(org__in=orgs.values(), status=InfoItem.Status.PUBLISHED).count(),
    )


def load_demo(*, seed: int = 20261123, items: int = 300, today: date | None = None) -> DemoSummary:
    """Load the demo city, its staff and about `items` items; nothing is written when it is already there."""
    started = time.monotonic()
    if Organization.objects.filter(code=ORGS[0].code).exists():
        summary = DemoSummary(loaded=False, message="演示数据已存在，未重复载入。")
        summary.logins = demo_logins()
    elif User.objects.filter(username=ADMIN_USERNAME).exists():
        # Not the demo's: a real installation with its own administrator. Touch nothing, list nobody.
        summary = DemoSummary(
            loaded=False, message=f"用户 {ADMIN_USERNAME} 已存在，未载入演示数据（演示请使用空的数据目录）。"
        )
    else:
        summary = _load(random.Random(seed), today or timezone.localdate(), max(items, 60))
        summary.message = (
            f"已载入演示数据：{summary.orgs} 个机关，{summary.users} 个用户，{summary.items} 条信息。"
        )
        summary.logins = demo_logins()
        search_reindex()  # the demo back-dates items with queryset updates: rebuild the search index from them
    summary.seconds = time.monotonic() - started
    return summary
