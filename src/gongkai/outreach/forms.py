"""Forms of the outreach pages. Shape checks here (Chinese messages); the rules are the services', whose refusals
are put back on the same form (`apply_error`), so nothing typed is lost."""

from __future__ import annotations

from typing import Any

from django import forms

from gongkai.outreach import rules
from gongkai.outreach.services import CaseData, InterviewData, SurveyData
from gongkai.participation.forms import _msgs as msgs
from gongkai.participation.forms import apply_error

__all__ = ["apply_error"]

_DT_FORMAT = "%Y-%m-%dT%H:%M"


def _datetime(label: str, **kwargs: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=_DT_FORMAT),
        error_messages=msgs(label) | {"invalid": f"{label}格式不正确，应为“2026-05-01 09:30”。"},
        **kwargs,
    )


def _date(label: str, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages=msgs(label) | {"invalid": f"{label}格式不正确，应为“2026-05-01”。"},
        **kwargs,
    )


def _text(label: str, rows: int = 4, required: bool = True, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages=msgs(label),
        **kwargs,
    )


def _choice(label: str, choices: dict[str, str], **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=list(choices.items()),
        error_messages=msgs(label) | {"required": f"请选择{label}。"},
        **kwargs,
    )


class CaseForm(forms.Form):
    title = forms.CharField(label="舆情事项", max_length=200, error_messages=msgs("舆情事项"))
    summary = _text("事项概述")
    source = forms.CharField(
        label="舆情来源",
        max_length=200,
        error_messages=msgs("舆情来源"),
        help_text="如：网络媒体报道、微博话题、12345热线集中反映",
    )
    first_seen_at = _datetime("首次发现时间")
    level = _choice("级别", rules.LEVEL_LABELS, widget=forms.RadioSelect)
    public = forms.BooleanField(label="在公开台账中公布", required=False, initial=True)

    def data_object(self) -> CaseData:
        d = self.cleaned_data
        return CaseData(d["title"], d["summary"], d["source"], d["first_seen_at"], d["level"], d["public"])


class ResponseForm(forms.Form):
    kind = _choice("回应方式", rules.RESPONSE_KINDS)
    at = _datetime("回应时间")
    summary = _text("回应内容", rows=3)
    url = forms.URLField(
        label="原文链接（选填）",
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages=msgs("原文链接"),
    )


class PromiseForm(forms.Form):
    text = _text("承诺事项", rows=2)
    due_on = _date("承诺兑现日期")


class SettleForm(forms.Form):
    action = _choice("兑现情况", {"keep": "已兑现", "fail": "未兑现"})
    on = _date("日期")
    note = _text("兑现情况说明", rows=2)


class InterviewForm(forms.Form):
    title = forms.CharField(label="访谈主题", max_length=200, error_messages=msgs("访谈主题"))
    guests = _text("访谈嘉宾", rows=3, help_text="每行一位，如：市教育局局长 张某某")
    scheduled_at = _datetime("访谈时间")
    description = _text("访谈简介", rows=3, required=False)

    def data_object(self) -> InterviewData:
        d = self.cleaned_data
        return InterviewData(d["title"], d["guests"], d["scheduled_at"], d.get("description", ""))


class TranscriptForm(forms.Form):
    transcript = _text("文字实录", rows=16)


class QuestionForm(forms.Form):
    # No max_length: a too long question comes back whole with a message.
    body = _text("您的问题", rows=6, help_text="问题经审核后公开；姓名和联系方式不公开。")
    name = forms.CharField(label="姓名（选填，不公开）", max_length=50, required=False)
    phone = forms.CharField(label="联系电话（选填，不公开）", max_length=30, required=False)
    email = forms.EmailField(
        label="电子邮箱（选填，不公开）", required=False, error_messages=msgs("电子邮箱")
    )


class ModerateForm(forms.Form):
    action = _choice("审核", {"publish": "公开", "withhold": "不予公开"})
    reason = forms.ChoiceField(
        label="不予公开原因",
        required=False,
        choices=[("", "（公开时不填）"), *rules.WITHHOLD_REASONS.items()],
    )


class AnswerForm(forms.Form):
    answer = _text("答复", rows=3)


class SurveyForm(forms.Form):
    title = forms.CharField(label="调查标题", max_length=200, error_messages=msgs("调查标题"))
    description = _text("调查说明", rows=3, required=False)
    opens_on = _date("开始日期")
    closes_on = _date("结束日期")
    results_live = forms.BooleanField(label="调查期间公开实时结果（不勾选则结束后公布）", required=False)
    definition = _text(
        "题目",
        rows=14,
        help_text="每道题一段，段与段之间空一行。第一行写“单选：题目”“多选：题目”或“文字：题目”，单选、多选题其后每行一个选项。",
    )

    def data_object(self) -> SurveyData:
        d = self.cleaned_data
        return SurveyData(
            d["title"],
            d["definition"],
            d["opens_on"],
            d["closes_on"],
            d.get("description", ""),
            d["results_live"],
        )
