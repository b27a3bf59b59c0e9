"""Statutory metadata vocabularies (R-PUB-12) and checks on an item's fields. Pure: no Django import."""

from __future__ import annotations

from datetime import date, timedelta

# R-PUB-12: 国务院公文主题分类, top level.
SUBJECTS = [
    "综合政务",
    "国民经济管理、国有资产监管",
    "财政、金融、审计",
    "国土资源、能源",
    "农业、林业、水利",
    "工业、交通",
    "商贸、海关、旅游",
    "市场监管、安全生产监管",
    "城乡建设、环境保护",
    "科技、教育",
    "文化、广电、新闻出版",
    "卫生、体育",
    "人口与计划生育、妇女儿童工作",
    "劳动、人事、监察",
    "公安、安全、司法",
    "民政、扶贫、救灾",
    "民族、宗教",
    "对外事务",
    "港澳台侨工作",
    "国防",
    "其他",
]
# R-PUB-12: 公文种类 (党政机关公文处理工作条例).
GENRES = [
    "决议",
    "决定",
    "命令",
    "令",
    "公报",
    "公告",
    "通告",
    "意见",
    "通知",
    "通报",
    "报告",
    "请示",
    "批复",
    "议案",
    "函",
    "纪要",
    "其他",
]


def subject_error(subject: str) -> str | None:
    """A subject is `父` or `父\\子` with a top level from R-PUB-12."""
    if not subject:
        return None
    parent, _, child = subject.partition("\\")
    if parent not in SUBJECTS:
        return f"主题分类“{parent}”不在国务院公文主题分类中。"
    if "\\" in child:
        return "主题分类最多两级（父\\子）。"
    return None


def dates_error(
    *, written_on: date | None, effective_on: date | None, valid_until: date | None, published_on: date | None
) -> tuple[str, str] | None:
    """(field, message) when the dates contradict each other."""
    if effective_on and valid_until and valid_until < effective_on:
        return "valid_until", "有效期至不能早于施行日期。"
    if written_on and published_on and published_on < written_on:
        return "published_at", "发布日期不能早于成文日期。"
    return None


def proposed_valid_until(
    *, kind: str, effective_on: date | None, valid_until: date | None, years: int
) -> date | None:
    """The end date to propose for a 行政规范性文件 with none: `years` after it takes effect, the day before."""
    if kind != "normative" or valid_until is not None or effective_on is None or years <= 0:
        return None
    try:
        anniversary = effective_on.replace(year=effective_on.year + years)
    except ValueError:  # 29 February
        anniversary = effective_on.replace(year=effective_on.year + years, day=28)
    return anniversary - timedelta(days=1)
