"""The staff form for a dataset's metadata."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django import forms

from gongkai.opendata import rules
from gongkai.opendata.selectors import UsagePeriod
from gongkai.opendata.services import DatasetData


def usage_period(params: Mapping[str, str], today: date) -> tuple[UsagePeriod, str]:
    """The statistics period asked for (`start`, `end` as YYYY-MM-DD; `all=1`: everything), default the last 30
    days; with the Chinese message when the input had to be corrected ("" when not)."""
    if params.get("all"):
        return UsagePeriod(None, None), ""
    default_start = today - timedelta(days=29)
    try:
        start = date.fromisoformat(params["start"]) if params.get("start") else default_start
        end = date.fromisoformat(params["end"]) if params.get("end") else today
    except ValueError:
        return UsagePeriod(default_start, today), "日期格式应为 YYYY-MM-DD，已显示最近 30 天。"
    if start > end:
        return UsagePeriod(end, start), "开始日期晚于结束日期，已对调。"
    return UsagePeriod(start, end), ""


class DatasetForm(forms.Form):
    org = forms.ChoiceField(label="所属单位")
    name = forms.CharField(label="标识（URL，小写字母、数字、-）", max_length=100)
    title = forms.CharField(label="名称", max_length=200)
    description = forms.CharField(label="描述", widget=forms.Textarea, required=False)
    subject = forms.CharField(label="主题分类", max_length=100, required=False)
    domain = forms.CharField(label="数据领域", max_length=100, required=False)
    tags = forms.CharField(label="标签（以逗号分隔）", max_length=500, required=False)
    license_id = forms.CharField(label="许可协议", max_length=100, required=False)
    update_frequency = forms.ChoiceField(
        label="更新频率", choices=[(c, w) for c, (w, _, _) in rules.FREQUENCIES.items()], initial="irregular"
    )
    temporal_start = forms.DateField(label="时间范围起", required=False)
    temporal_end = forms.DateField(label="时间范围止", required=False)
    spatial = forms.CharField(label="空间范围", max_length=200, required=False)
    contact_name = forms.CharField(label="联系人", max_length=100, required=False)
    contact_email = forms.EmailField(label="联系邮箱", required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=50, required=False)
    open_type = forms.ChoiceField(
        label="开放类型", choices=list(rules.OPEN_TYPES.items()), initial="unconditional"
    )

    def __init__(self, *args: Any, orgs: list[tuple[str, str]], editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org_field = self.fields["org"]
        assert isinstance(org_field, forms.ChoiceField)
        org_field.choices = orgs
        if editing:
            del self.fields["org"]

    def to_data(self) -> DatasetData:
        cd = self.cleaned_data
        return DatasetData(
            name=cd["name"],
            title=cd["title"],
            description=cd["description"],
            subject=cd["subject"],
            domain=cd["domain"],
            tags=[t.strip() for t in cd["tags"].replace("，", ",").split(",") if t.strip()],
            license_id=cd["license_id"] or None,
            update_frequency=cd["update_frequency"],
            temporal_start=cd["temporal_start"],
            temporal_end=cd["temporal_end"],
            spatial=cd["spatial"],
            contact_name=cd["contact_name"],
            contact_email=cd["contact_email"],
            contact_phone=cd["contact_phone"],
            open_type=cd["open_type"],
        )
