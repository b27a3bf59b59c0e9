"""Staff forms: Chinese messages, the user's input is kept on error. They build the services' typed data."""

from __future__ import annotations

from typing import Any

from django import forms

from gongkai.orgs.models import Organization
from gongkai.policy import rules
from gongkai.policy.models import ProposalReply
from gongkai.policy.services import GuideData, PowerEntryData, ProposalData, QAData

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LONG = (
    60000  # the form accepts long text; the service refuses beyond its limit with a message naming the length
)


def _required(label: str) -> dict[str, str]:
    return {"required": f"{label}不能为空。", "max_length": f"{label}过长。"}


def grouped_orgs(orgs: Any, *, blank: bool) -> list[Any]:
    """Choices for a picker of agencies, grouped under their parent (an <optgroup> per 上级机关), ordered by code."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for org in orgs:
        label = org.parent.name if org.parent_id else "（无上级机关）"
        groups.setdefault(label, []).append((org.pk, org.name))
    choices: list[Any] = [("", "（请选择）")] if blank else []
    return choices + list(groups.items())


def _limit_orgs(field: Any, orgs: Any, *, blank: bool) -> None:
    """Limit a picker of other agencies (责任主体, 协办单位) to `orgs` (`selectors.partner_orgs`), grouped."""
    field.queryset = orgs
    field.choices = grouped_orgs(orgs, blank=blank)


class OrgScopedForm(forms.Form):
    org = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        label="所属机关",
        error_messages={"required": "请选择机关。", "invalid_choice": "机关无效。"},
    )

    org_label = "所属机关"

    def __init__(self, *args: Any, orgs: Any = None, partners: Any = None, **kwargs: Any) -> None:
        """`partners`: the agencies the other-agency pickers list (`selectors.partner_orgs`); all active if None."""
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs if orgs is not None else Organization.objects.none()  # type: ignore[attr-defined]
        self.fields["org"].label = self.org_label
        self.partners = partners


class ProposalForm(OrgScopedForm):
    org_label = "承办单位"
    kind = forms.ChoiceField(label="类别", choices=ProposalReply.Kind.choices)
    session = forms.CharField(
        label="届次", max_length=200, error_messages=_required("届次"), help_text="如：十六届三次会议"
    )
    number = forms.CharField(
        label="编号", max_length=20, error_messages=_required("编号"), help_text="如：第123号"
    )
    proposer_type = forms.ChoiceField(label="提出者类型", choices=ProposalReply.ProposerType.choices)
    proposer = forms.CharField(label="提出者", max_length=1000, error_messages=_required("提出者"))
    subject = forms.CharField(
        label="建议或提案主题",
        max_length=1000,
        error_messages=_required("主题"),
        help_text="如：关于加强社区养老服务的建议",
    )
    title = forms.CharField(
        label="公开标题",
        max_length=1000,
        required=False,
        help_text="须写明主题；留空时自动生成“关于《主题》的答复”。",
    )
    co_handlers = forms.ModelMultipleChoiceField(
        queryset=Organization.objects.filter(is_active=True), label="协办单位", required=False
    )
    reply_type = forms.ChoiceField(label="答复类型", choices=ProposalReply.ReplyType.choices)
    reply_date = forms.DateField(
        label="答复日期",
        widget=DATE_INPUT,
        error_messages={"required": "答复日期不能为空。", "invalid": "请输入有效日期（年-月-日）。"},
    )
    body = forms.CharField(
        label="答复全文", widget=forms.Textarea, max_length=LONG, error_messages=_required("答复全文")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.partners is not None:
            _limit_orgs(self.fields["co_handlers"], self.partners, blank=False)

    def proposal_data(self) -> ProposalData:
        d = self.cleaned_data
        return ProposalData(
            kind=d["kind"],
            number=rules.proposal_number_parse(d["number"]),
            session=d["session"],
            proposer_type=d["proposer_type"],
            proposer=d["proposer"],
            subject=d["subject"],
            title=d["title"],
            reply_type=d["reply_type"],
            reply_date=d["reply_date"],
            body=d["body"],
            co_handlers=list(d["co_handlers"]),
        )

    @staticmethod
    def initial_from(reply: ProposalReply) -> dict[str, Any]:
        return {
            "org": reply.org_id,
            "kind": reply.kind,
            "session": reply.session,
            "number": reply.number_display,
            "proposer_type": reply.proposer_type,
            "proposer": reply.proposer,
            "subject": reply.subject,
            "title": reply.title,
            "co_handlers": list(reply.co_handlers.values_list("pk", flat=True)),
            "reply_type": reply.reply_type,
            "reply_date": reply.reply_date,
            "body": reply.body,
        }


class GuideForm(OrgScopedForm):
    name = forms.CharField(label="事项名称", max_length=1000, error_messages=_required("事项名称"))
    basis = forms.CharField(
        label="设定依据", widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=LONG
    )
    conditions = forms.CharField(
        label="申请条件", widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=LONG
    )
    materials = forms.CharField(
        label="办理材料", widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=LONG
    )
    location = forms.CharField(
        label="办理地点", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=LONG
    )
    handling_org = forms.CharField(label="办理机构", required=False, max_length=1000)
    fees = forms.CharField(
        label="收费标准",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=LONG,
        help_text="不收费的请填写“不收费”。",
    )
    hours = forms.CharField(
        label="办理时间", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=LONG
    )
    phone = forms.CharField(label="联系电话", required=False, max_length=1000)
    process = forms.CharField(
        label="办理流程", widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=LONG
    )

    def guide_data(self) -> GuideData:
        return GuideData(**{key: self.cleaned_data[key] for key, _ in rules.GUIDE_ELEMENTS})


class PowerEntryForm(forms.Form):
    name = forms.CharField(label="事项名称", max_length=1000, error_messages=_required("事项名称"))
    category = forms.ChoiceField(
        label="类别",
        choices=[("", "（请选择）"), *rules.POWER_CATEGORIES],
        error_messages={"required": "请选择类别。", "invalid_choice": "类别无效。"},
    )
    basis = forms.CharField(
        label="依据",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LONG,
        error_messages=_required("依据"),
    )
    responsible = forms.ModelChoiceField(
        queryset=Organization.objects.filter(is_active=True),
        label="责任主体",
        error_messages={"required": "请选择责任主体。", "invalid_choice": "责任主体无效。"},
    )
    remarks = forms.CharField(
        label="备注", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=LONG
    )

    def __init__(self, *args: Any, partners: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if partners is not None:
            _limit_orgs(self.fields["responsible"], partners, blank=True)

    def entry_data(self) -> PowerEntryData:
        d = self.cleaned_data
        return PowerEntryData(
            name=d["name"],
            category=d["category"],
            basis=d["basis"],
            responsible=d["responsible"],
            remarks=d["remarks"],
        )


class QAForm(OrgScopedForm):
    org_label = "答复机关"
    title = forms.CharField(label="标题", max_length=1000, error_messages=_required("标题"))
    question = forms.CharField(
        label="问题",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=LONG,
        error_messages=_required("问题"),
    )
    answer = forms.CharField(
        label="答复", widget=forms.Textarea, max_length=LONG, error_messages=_required("答复")
    )

    def qa_data(self) -> QAData:
        d = self.cleaned_data
        return QAData(title=d["title"], question=d["question"], answer=d["answer"])
