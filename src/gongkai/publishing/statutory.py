"""The 专栏 skeleton and the statutory categories of proactive disclosure. Pure: no Django import.

R-PUB-1 (条例 第二十条): fifteen categories every agency discloses proactively.
R-PUB-2 (条例 第二十一条): additional items for city/county governments and departments, and for townships.
"""

from __future__ import annotations

# R-PUB-1
ARTICLE_20 = [
    "行政法规、规章和规范性文件",
    "机关职能、机构设置、办公地址、办公时间、联系方式、负责人姓名",
    "国民经济和社会发展规划、专项规划、区域规划及相关政策",
    "国民经济和社会发展统计信息",
    "办理行政许可和其他对外管理服务事项的依据、条件、程序以及办理结果",
    "实施行政处罚、行政强制的依据、条件、程序以及有一定社会影响的行政处罚决定",
    "财政预算、决算信息",
    "行政事业性收费项目及其依据、标准",
    "政府集中采购项目的目录、标准及实施情况",
    "重大建设项目的批准和实施情况",
    "扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况",
    "突发公共事件的应急预案、预警信息及应对情况",
    "环境保护、公共卫生、安全生产、食品药品、产品质量的监督检查情况",
    "公务员招考的职位、名额、报考条件等事项以及录用结果",
    "法律、法规、规章和国家有关规定规定应当主动公开的其他政府信息",
]

# R-PUB-2
ARTICLE_21_CITY_COUNTY = ["市政建设", "公共服务", "公益事业", "土地征收", "房屋征收", "治安管理", "社会救助"]
ARTICLE_21_TOWNSHIP = [
    "贯彻落实农业农村政策",
    "农田水利工程建设运营",
    "农村土地承包经营权流转",
    "宅基地使用情况审核",
    "土地征收",
    "房屋征收",
    "筹资筹劳",
    "社会救助",
]

# The five sections of every agency's 政府信息公开专栏 (issue 2, item 4): (section code, name).
SECTIONS = [
    ("guide", "政府信息公开指南"),
    ("system", "政府信息公开制度"),
    ("statutory", "法定主动公开内容"),
    ("annual_report", "政府信息公开年报"),
    ("on_request", "依申请公开"),
]


def article_21_items(kind: str, level: str) -> list[str]:
    """R-PUB-2: the 第二十一条 columns an agency of this kind and level adds."""
    if kind == "township" or level == "township":
        return list(ARTICLE_21_TOWNSHIP)
    if level in {"city", "county"} and kind in {"government", "department"}:
        return list(ARTICLE_21_CITY_COUNTY)
    return []


def skeleton(kind: str, level: str) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(section code, section name, [(statutory code, child name)]) for an agency."""
    result: list[tuple[str, str, list[tuple[str, str]]]] = []
    for code, name in SECTIONS:
        children: list[tuple[str, str]] = []
        if code == "statutory":
            children = [(f"a20.{i}", title) for i, title in enumerate(ARTICLE_20, start=1)]
            children += [
                (f"a21.{i}", title) for i, title in enumerate(article_21_items(kind, level), start=1)
            ]
        result.append((code, name, children))
    return result
