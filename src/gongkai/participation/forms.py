"""Forms of the message pages. Shape checks here (Chinese messages); the rules are the services', whose refusals
(`ApplicationError.field`) are put back on the same form, so nothing typed is lost."""

from __future__ import annotations

from typing import Any

from django import forms

from gongkai.core.errors import ApplicationError
from gongkai.orgs.models import Organization
from gongkai.participation import consultation_rules, services, workflow
from gongkai.participation.services import ActionParams, ConsultationData, MessageData


def _msgs(label: str) -> dict[str, str]:
    return {
        "required": f"请填写{label}。",
        "invalid": f"{label}格式不正确。",
        "invalid_choice": f"请选择有效的{label}。",
        "max_length": f"{label}不能超过 %(limit_value)d 个字符（现有 %(show_value)d 个）。",
        "null_characters_not_allowed": f"{label}中含有不允许的空字符。",
    }


def apply_error(form: forms.Form, exc: ApplicationError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


class WriteForm(forms.Form):
    category = forms.ChoiceField(
        label="留言类别",
        choices=[(c, c) for c in workflow.CATEGORIES],
        widget=forms.RadioSelect,
        error_messages=_msgs("留言类别") | {"required": "请选择留言类别。"},
    )
    subject = forms.CharField(label="标题", max_length=200, error_messages=_msgs("标题"))
    # No max_length here: a too long text comes back whole with a message (no browser truncation).
    body = forms.CharField(
        label="留言内容",
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages=_msgs("留言内容"),
        help_text="请勿填写网页代码；内容以纯文本显示。",
    )
    name = forms.CharField(label="姓名", max_length=50, error_messages=_msgs("姓名"))
    phone = forms.CharField(label="联系电话", max_length=30, required=False, error_messages=_msgs("联系电话"))
    email = forms.EmailField(label="电子邮箱", required=False, error_messages=_msgs("电子邮箱"))
    public_consent = forms.BooleanField(
        label="同意公开我的留言和答复（不公开姓名和联系方式；举报类留言一律不公开）", required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        problems = services.text_problems(
            subject=data.get("subject", "") or "", body=data.get("body", "") or ""
        )
        for name, text in problems.items():
            if name in data:
                self.add_error(name, text)
        if data.get("name") and not (data.get("phone") or data.get("email")) and "email" not in self.errors:
            self.add_error("phone", "请至少填写电话或电子邮箱中的一项，以便联系您。")
        return data

    def message_data(self) -> MessageData:
        d = self.cleaned_data
        return MessageData(
            category=d["category"],
            subject=d["subject"],
            body=d["body"],
            name=d["name"],
            phone=d.get("phone", ""),
            email=d.get("email", ""),
            public_consent=bool(d.get("public_consent")),
        )


class RegisterForm(forms.Form):
    """Staff typing in a message received by phone, letter or in person."""

    org = forms.ModelChoiceField(
        label="收件机关", queryset=Organization.objects.none(), error_messages=_msgs("收件机关")
    )
    channel = forms.ChoiceField(
        label="收到渠道",
        choices=[(c, c) for c in services.REGISTER_CHANNELS],
        error_messages=_msgs("收到渠道") | {"required": "请选择收到渠道。"},
    )
    received_on = forms.DateField(
        label="收到日期",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text="来电、来信或来访的日期；办理期限从这一天起算。",
        error_messages=_msgs("收到日期") | {"invalid": "日期应为 YYYY-MM-DD，如 2026-03-05。"},
    )
    category = forms.ChoiceField(
        label="留言类别",
        choices=[(c, c) for c in workflow.CATEGORIES],
        widget=forms.RadioSelect,
        error_messages=_msgs("留言类别") | {"required": "请选择留言类别。"},
    )
    subject = forms.CharField(label="标题", max_length=200, error_messages=_msgs("标题"))
    body = forms.CharField(
        label="留言内容", widget=forms.Textarea(attrs={"rows": 10}), error_messages=_msgs("留言内容")
    )
    name = forms.CharField(label="留言人姓名（选填）", max_length=50, required=False)
    phone = forms.CharField(label="联系电话（选填）", max_length=30, required=False)
    email = forms.EmailField(label="电子邮箱（选填）", required=False, error_messages=_msgs("电子邮箱"))
    address = forms.CharField(label="通信地址（选填，来信回复用）", max_length=200, required=False)
    public_consent = forms.BooleanField(label="留言人同意公开留言和答复（不公开个人信息）", required=False)

    def __init__(self, *args: Any, orgs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        problems = services.text_problems(
            subject=data.get("subject", "") or "", body=data.get("body", "") or ""
        )
        for name, text in problems.items():
            if name in data:
                self.add_error(name, text)
        return data

    def message_data(self) -> MessageData:
        d = self.cleaned_data
        return MessageData(
            category=d["category"],
            subject=d["subject"],
            body=d["body"],
            name=d.get("name", ""),
            phone=d.get("phone", ""),
            email=d.get("email", ""),
            public_consent=bool(d.get("public_consent")),
            channel=d["channel"],
        )


class TrackForm(forms.Form):
    tracking_no = forms.CharField(label="留言编号", max_length=40, error_messages=_msgs("留言编号"))
    query_code = forms.CharField(label="查询码", max_length=40, error_messages=_msgs("查询码"))


RATING_CHOICES = list(workflow.RATINGS.items())


class RateForm(forms.Form):
    rating = forms.ChoiceField(
        label="您对办理结果的评价",
        choices=RATING_CHOICES,
        widget=forms.RadioSelect,
        error_messages=_msgs("评价") | {"required": "请选择评价。"},
    )
    comment = forms.CharField(
        label="意见（选填）", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


# Which fields each staff action shows.
ACTION_FIELDS: dict[str, tuple[str, ...]] = {
    "accept": ("on", "comment"),
    "reject": ("on", "comment"),
    "transfer": ("on", "to_org", "comment"),
    "send_back": ("on", "comment"),
    "extend": ("on", "working_days", "comment"),
    "reply": ("on", "text"),
    "close": ("on", "comment"),
    "rate": ("on", "rating", "comment"),
    "reopen": ("on", "comment"),
    "supervise": ("comment",),
}


class ActionForm(forms.Form):
    on = forms.DateField(
        label="日期",
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text="不填为今天。",
        error_messages=_msgs("日期") | {"invalid": "日期应为 YYYY-MM-DD，如 2026-03-05。"},
    )
    to_org = forms.ModelChoiceField(
        label="转办至", queryset=Organization.objects.none(), required=False, error_messages=_msgs("转办机关")
    )
    working_days = forms.IntegerField(
        label="延期工作日数",
        required=False,
        min_value=1,
        max_value=30,
        error_messages=_msgs("延期工作日数")
        | {"min_value": "延期至少 1 个工作日。", "max_value": "延期不能超过 %(limit_value)s 个工作日。"},
    )
    rating = forms.ChoiceField(
        label="回访评价", choices=[("", "（请选择）"), *RATING_CHOICES], required=False
    )
    text = forms.CharField(label="回复内容", widget=forms.Textarea(attrs={"rows": 8}), required=False)
    comment = forms.CharField(
        label="说明或理由", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, action: str, **kwargs: Any) -> None:
        kwargs["prefix"] = action
        super().__init__(*args, **kwargs)
        self.action = action
        keep = ACTION_FIELDS.get(action, ())
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "to_org" in self.fields:
            self.fields["to_org"].queryset = Organization.objects.filter(is_active=True)  # type: ignore[attr-defined]
        if "comment" in self.fields and workflow.TRANSITIONS[action].needs_comment:
            self.fields["comment"].label = "理由"

    def params(self) -> ActionParams:
        d = self.cleaned_data
        return ActionParams(
            on=d.get("on"),
            comment=d.get("comment", "") or "",
            text=d.get("text", "") or "",
            to_org=d.get("to_org"),
            working_days=d.get("working_days"),
            rating=d.get("rating", "") or "",
        )


class ConsultationForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200, error_messages=_msgs("标题"))
    draft_text = forms.CharField(
        label="草案全文", widget=forms.Textarea(attrs={"rows": 12}), error_messages=_msgs("草案全文")
    )
    explanation = forms.CharField(
        label="起草说明", widget=forms.Textarea(attrs={"rows": 6}), error_messages=_msgs("起草说明")
    )
    how_to_comment = forms.CharField(
        label="意见提交方式（网上提交之外的方式，选填）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    opens_on = forms.DateField(
        label="开始日期",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages=_msgs("开始日期") | {"invalid": "日期应为 YYYY-MM-DD，如 2026-03-05。"},
    )
    closes_on = forms.DateField(
        label="截止日期",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages=_msgs("截止日期") | {"invalid": "日期应为 YYYY-MM-DD，如 2026-03-05。"},
    )
    short_reason = forms.CharField(
        label="期限少于30日的理由",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="征求意见期限一般不少于30日（按日历日计算，含首尾两日）；少于30日的须说明理由。",
    )

    def data_object(self) -> ConsultationData:
        d = self.cleaned_data
        return ConsultationData(
            title=d["title"],
            draft_text=d["draft_text"],
            explanation=d["explanation"],
            how_to_comment=d.get("how_to_comment", ""),
            opens_on=d["opens_on"],
            closes_on=d["closes_on"],
            short_reason=d.get("short_reason", ""),
        )


class CommentForm(forms.Form):
    body = forms.CharField(
        label="您的意见", widget=forms.Textarea(attrs={"rows": 8}), error_messages=_msgs("意见")
    )
    name = forms.CharField(label="姓名（选填，不公开）", max_length=50, required=False)
    phone = forms.CharField(label="联系电话（选填，不公开）", max_length=30, required=False)
    email = forms.EmailField(
        label="电子邮箱（选填，不公开）", required=False, error_messages=_msgs("电子邮箱")
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="处理结果",
        choices=list(consultation_rules.DECISION_LABELS.items()),
        error_messages=_msgs("处理结果") | {"required": "请选择处理结果。"},
    )
    reason = forms.CharField(label="理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))
