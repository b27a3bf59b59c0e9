"""Forms of the FOI pages. They check the shape of the input (Chinese messages); the law is checked by the
services, whose errors (`ApplicationError.field`) are put back on the same form, so nothing typed is lost."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from gongkai.core.errors import ApplicationError
from gongkai.foi import applicant as applicant_rules
from gongkai.foi import clock
from gongkai.foi import fees as fee_rules
from gongkai.foi import outcomes as outcome_rules
from gongkai.foi.services import ApplicantData

DESCRIPTION_MAX = 10000

_REQUIRED = "请填写{}。"


def _msgs(label: str, *, choose: bool = False, **extra: str) -> dict[str, str]:
    return {
        "required": f"请选择{label}。" if choose else _REQUIRED.format(label),
        "invalid": f"{label}格式不正确。",
        "invalid_choice": f"请选择有效的{label}。",
        "max_length": f"{label}不能超过 %(limit_value)d 个字符（现有 %(show_value)d 个）。",
        "null_characters_not_allowed": f"{label}中含有不允许的空字符。",
        **extra,
    }


def _date(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages=_msgs(label, invalid=f"{label}应为日期，如 2026-03-05。"),
    )


def _text(
    label: str, *, max_length: int, required: bool = False, help_text: str = "", **kw: Any
) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        error_messages=_msgs(label),
        **kw,
    )


def _int(
    label: str, *, required: bool = True, min_value: int = 0, max_value: int | None = None
) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=min_value,
        max_value=max_value,
        error_messages=_msgs(
            label,
            invalid=f"{label}应为整数。",
            min_value=f"{label}不能小于 %(limit_value)s。",
            max_value=f"{label}不能大于 %(limit_value)s。",
        ),
    )


def apply_error(form: forms.Form, exc: ApplicationError) -> None:
    """Put a service's refusal on the form: on its field when the form has it, else at the top."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


class ApplicantForm(forms.Form):
    """R-FOI-1: who applies, how to reach them, what they ask for and in what form (online and at the desk)."""

    applicant_type = forms.ChoiceField(
        label="申请人类型",
        choices=list(applicant_rules.APPLICANT_TYPES.items()),
        widget=forms.RadioSelect,
        initial=applicant_rules.NATURAL,
        error_messages=_msgs("申请人类型", choose=True),
    )
    applicant_name = _text(
        "申请人姓名或名称",
        max_length=200,
        required=True,
        help_text="自然人填写姓名；法人或其他组织填写名称。",
    )
    contact_name = _text("联系人", max_length=100, help_text="法人或其他组织填写经办人。")
    id_type = forms.ChoiceField(
        label="证件类型",
        choices=[("", "请选择"), *list(applicant_rules.ID_TYPES.items())],
        error_messages=_msgs("证件类型", choose=True),
    )
    id_number = _text(
        "证件号码",
        max_length=50,
        required=True,
        help_text="居民身份证号码为 18 位，最后一位可能是 X。",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = _text(
        "联系电话", max_length=50, widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"})
    )
    email = _text(
        "电子邮箱",
        max_length=254,
        help_text="填写后，办理进度将通过电子邮件通知您。",
        widget=forms.TextInput(attrs={"autocomplete": "email", "type": "email"}),
    )
    address = _text(
        "通信地址", max_length=300, widget=forms.TextInput(attrs={"autocomplete": "street-address"})
    )
    postcode = _text("邮政编码", max_length=6, widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    description = _text(
        "所需信息的内容描述",
        max_length=DESCRIPTION_MAX,
        required=True,
        help_text="请写明所需政府信息的名称、文号或者便于查询的其他特征性描述。",
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    doc_no = _text("文号（选填）", max_length=100, help_text="如：某政办发〔2024〕12号。")
    preferred_form = forms.ChoiceField(
        label="信息载体形式",
        choices=list(applicant_rules.FORMS.items()),
        widget=forms.RadioSelect,
        initial="electronic",
        error_messages=_msgs("信息载体形式", choose=True),
    )
    delivery = forms.ChoiceField(
        label="获取方式",
        choices=[
            (k, v)
            for k, v in applicant_rules.DELIVERIES.items()
            if k in {"post", "email", "pickup", "on_site"}
        ],
        widget=forms.RadioSelect,
        initial="email",
        error_messages=_msgs("获取方式", choose=True),
    )

    FIELDSETS: tuple[tuple[str, tuple[str, ...]], ...] = (
        ("申请人信息", ("applicant_type", "applicant_name", "contact_name", "id_type", "id_number")),
        ("联系方式（至少填写一项）", ("phone", "email", "address", "postcode")),
        ("所需信息", ("description", "doc_no")),
        ("获取信息的方式", ("preferred_form", "delivery")),
    )

    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.FIELDSETS]

    def applicant_data(self) -> ApplicantData:
        d = self.cleaned_data
        return ApplicantData(**{name: d.get(name) or "" for name in ApplicantData.__dataclass_fields__})


class RegisterForm(ApplicantForm):
    """A request received at the desk, by post, fax, e-mail or orally (registered by a handler)."""

    org: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="受理机关",
        queryset=None,
        empty_label=None,
        error_messages=_msgs("受理机关", choose=True),  # type: ignore[arg-type]
    )
    channel = forms.ChoiceField(
        label="申请方式",
        choices=[(k, v) for k, v in applicant_rules.CHANNELS.items() if k != "online"],
        error_messages=_msgs("申请方式", choose=True),
    )
    received_on = _date(
        "收到申请日期",
        required=False,
        help_text="当面提交：提交之日；邮寄：签收之日（平常信函：与申请人确认之日）；传真、电子邮件：双方确认之日。"
        "暂未确认的可留空，稍后“确认收到”。",
    )

    FIELDSETS = (("受理", ("org", "channel", "received_on")), *ApplicantForm.FIELDSETS)

    def __init__(self, *args: Any, orgs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs  # type: ignore[attr-defined]
        self.fields["delivery"].choices = list(applicant_rules.DELIVERIES.items())  # type: ignore[attr-defined]


class TrackForm(forms.Form):
    tracking_no = _text(
        "申请编号", max_length=40, required=True, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    query_code = _text(
        "查询码",
        max_length=40,
        required=True,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )


class WithdrawForm(TrackForm):
    reason = _text("撤回原因", max_length=500, required=True, widget=forms.Textarea(attrs={"rows": 3}))


# ---------------------------------------------------------------- staff action forms


def _today() -> date:
    return timezone.localdate()


class ActionForm(forms.Form):
    """Base of the forms driven by `workflow.available_actions`: `on` (the day of the act) and a comment."""

    on = _date("日期")
    comment = _text("说明", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("on", _today())
        super().__init__(*args, **kwargs)
        self.foi_request = request

    def require_comment(self, label: str, help_text: str = "") -> None:
        """Make the comment required under another label (e.g. 撤回原因), with a message naming it."""
        field = self.fields["comment"]
        field.label, field.required = label, True
        field.error_messages["required"] = _REQUIRED.format(label)
        if help_text:
            field.help_text = help_text


class ConfirmForm(ActionForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].label = "收到申请日期"
        self.fields["on"].help_text = "网上申请、传真：双方确认之日（R-FOI-2）。"
        del self.fields["comment"]


class SupplementRequestForm(ActionForm):
    period_working_days = _int("补正期限（工作日，选填）", required=False, min_value=1, max_value=60)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.require_comment(
            "需要补正的事项", "一次性告知需要补正的事项和合理的补正期限（收到申请之日起7个工作日内）。"
        )


class ConsultationStartForm(ActionForm):
    party = forms.ChoiceField(label="被征求意见方", choices=list(clock.PARTY_LABELS.items()))
    party_name = _text("名称", max_length=200)


class ConsultationEndForm(ActionForm):
    party = forms.ChoiceField(
        label="被征求意见方", choices=[("", "最早的一次"), *list(clock.PARTY_LABELS.items())], required=False
    )


class ExtendForm(ActionForm):
    working_days = _int("延长工作日数", min_value=1, max_value=20)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.require_comment("延期理由")


class ReasonRequestForm(ActionForm):
    period_working_days = _int("说明期限（工作日，选填）", required=False, min_value=1, max_value=60)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.require_comment(
            "需要说明的事项",
            "申请公开政府信息的数量、频次明显超过合理范围的，可以要求申请人说明理由（条例第三十五条）。",
        )


class LaterDateForm(ActionForm):
    reply_by = _date("确定的答复期限", help_text="须晚于现行答复期限（条例第三十五条）。")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.require_comment("认定理由合理、无法按期答复的说明")


class FeeNoticeForm(ActionForm):
    basis = forms.ChoiceField(
        label="收费方式", choices=list(fee_rules.BASIS_LABELS.items()), widget=forms.RadioSelect
    )
    quantity = _int("计费数量（件或页）", min_value=1, max_value=1000000)
    prior_items = _int("本月此前累计件数（按件，选填）", required=False, min_value=0, max_value=100000)
    notice_received_on = _date("申请人收到通知日期（选填）", required=False, help_text="缺省为通知日期。")


class CancelForm(ActionForm):
    event_id = forms.TypedChoiceField(label="要撤销的计时记录", coerce=int, choices=[])

    def __init__(self, *args: Any, events: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event_id"].choices = [(e.pk, f"{e.on} {e.get_type_display()}") for e in events]  # type: ignore[attr-defined]
        self.require_comment("撤销原因")


class ReplyForm(ActionForm):
    outcome = forms.ChoiceField(
        label="办理结果",
        choices=[("", "请选择")]
        + [(code, f"{o.report_row}：{o.label}") for code, o in outcome_rules.OUTCOMES.items()],
        error_messages=_msgs("办理结果", choose=True),
    )
    variant = forms.ChoiceField(
        label="答复类型",
        required=False,
        choices=[("", "（按办理结果）"), *list(outcome_rules.VARIANT_LABELS.items())],
    )
    withheld_part = _text(
        "不予公开的内容（部分公开）", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    reason = _text("理由", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    legal_basis = _text(
        "法律依据", max_length=1000, help_text="不予公开、部分公开须写明；留空则使用该办理结果的默认依据。"
    )
    where = _text("获取信息的方式、途径", max_length=1000, help_text="已主动公开、公开出版物须写明。")
    responsible_agency = _text("负责公开该信息的机关", max_length=200)
    responsible_contact = _text("该机关的联系方式", max_length=500)
    delivery_method = forms.ChoiceField(
        label="送达方式",
        required=False,
        choices=[("", "尚未送达"), *list(applicant_rules.DELIVERIES.items())],
    )
    delivered_on = _date("送达日期", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].label = "答复日期"
        del self.fields["comment"]

    def details(self) -> dict[str, str]:
        d = self.cleaned_data
        details = {name: d.get(name) or "" for name in outcome_rules.DETAIL_FIELDS if name in d}
        spec = outcome_rules.OUTCOMES.get(d.get("outcome") or "")
        # 法律依据: the outcome's default when left empty, except where the law makes the handler state it.
        if spec and not details.get("legal_basis") and outcome_rules.LEGAL_BASIS not in spec.requires:
            details["legal_basis"] = spec.legal_basis
        return details


class ForwardForm(ActionForm):
    to_org: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="转送至", queryset=None, error_messages=_msgs("转送机关", choose=True)
    )  # type: ignore[arg-type]

    def __init__(self, *args: Any, targets: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_org"].queryset = targets  # type: ignore[attr-defined]
        self.fields["comment"].label = "转送理由（选填）"


class WithdrawStaffForm(ActionForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.require_comment("撤回原因")


class DeliveryForm(forms.Form):
    delivered_on = _date("送达日期")
    method = forms.ChoiceField(label="送达方式", choices=list(applicant_rules.DELIVERIES.items()))


class RemedyForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=list(outcome_rules.REMEDY_KINDS.items()))
    filed_on = _date("提起日期")
    decided_on = _date("审结日期", required=False)
    result = forms.ChoiceField(
        label="结果", choices=list(outcome_rules.REMEDY_RESULTS.items()), initial="pending"
    )
    note = _text("说明", max_length=2000)


class RemedyUpdateForm(forms.Form):
    result = forms.ChoiceField(label="结果", choices=list(outcome_rules.REMEDY_RESULTS.items()))
    decided_on = _date("审结日期", required=False)
    note = _text("说明", max_length=2000)


class FileForm(forms.Form):
    file = forms.FileField(label="公开的文件", error_messages={"required": "请选择要上传的文件。"})


class LetterTemplateForm(forms.Form):
    body = _text("正文模板", max_length=20000, widget=forms.Textarea(attrs={"rows": 18}))


# action → (form class, the label of its submit button)
ACTION_FORMS: dict[str, type[ActionForm]] = {
    "confirm": ConfirmForm,
    "supplement_request": SupplementRequestForm,
    "supplement_receive": ActionForm,
    "consultation_start": ConsultationStartForm,
    "consultation_end": ConsultationEndForm,
    "extend": ExtendForm,
    "fee_notice": FeeNoticeForm,
    "fee_pay": ActionForm,
    "reason_request": ReasonRequestForm,
    "reason_receive": ActionForm,
    "later_date": LaterDateForm,
    "event_cancel": CancelForm,
    "reply": ReplyForm,
    "forward": ForwardForm,
    "withdraw": WithdrawStaffForm,
}
