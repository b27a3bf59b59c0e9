"""Forms of the message pages. Shape checks here (Chinese messages); the rules are the services', whose refusals
(`ApplicationError.field`) are put back on the same form, so nothing typed is lost."""

from __future__ import annotations

from typing import Any

from django import forms

from gongkai.core.errors import ApplicationError
from gongkai.orgs.models import Organization
from gongkai.participation import conf, consultation_rules, services, workflow
from gongkai.participation.models import Mailbox
from gongkai.participation.services import (
    ActionParams,
    CommentData,
    ConsultationData,
    MessageData,
    QuestionData,
)


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


def attachment_field() -> forms.FileField:
    return forms.FileField(
        label="附件（选填）",
        required=False,
        help_text="可上传 PDF、Word、Excel、图片等，最大 10 MB；文件类型按内容检查，仅工作人员可见。",
        error_messages={"invalid": "文件无法读取，请重新选择。", "empty": "文件是空的，请重新选择。"},
    )


def uploads_of(form: forms.Form) -> tuple[services.Upload, ...]:
    """The attached file as (name, bytes); a file over the limit is refused before it is read."""
    upload = form.cleaned_data.get("attachment")
    if not upload:
        return ()
    if upload.size > conf.attachment_max_bytes():
        raise ApplicationError(
            "file_too_large",
            f"文件“{upload.name}”超过大小限制（最大 {conf.attachment_max_bytes() // (1024 * 1024)} MB），请重新选择文件。",
            field="attachment",
        )
    return ((upload.name, upload.read()),)


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
    email = forms.EmailField(
        label="电子邮箱", required=False, max_length=254, error_messages=_msgs("电子邮箱")
    )
    public_consent = forms.BooleanField(
        label="同意公开我的留言和答复（不公开姓名和联系方式；举报类留言一律不公开）", required=False
    )
    attachment = attachment_field()

    def __init__(self, *args: Any, mailboxes: list[Mailbox] | None = None, **kwargs: Any) -> None:
        """`mailboxes`: the agency's open leaders' mailboxes; when there are any, the writer chooses 部门信箱 or one."""
        super().__init__(*args, **kwargs)
        self.mailboxes = {str(m.pk): m for m in mailboxes or []}
        # A mailbox closed since the page was loaded is refused, never silently changed into the 部门信箱.
        if self.mailboxes or (self.is_bound and self.data.get("mailbox")):
            self.fields = {
                "mailbox": forms.ChoiceField(
                    label="写信给",
                    choices=[("", "部门信箱"), *((k, m.label) for k, m in self.mailboxes.items())],
                    required=False,
                    error_messages={"invalid_choice": "该领导信箱不存在或已关闭，请重新选择。"},
                ),
                **self.fields,
            }

    def mailbox(self) -> Mailbox | None:
        return self.mailboxes.get(self.cleaned_data.get("mailbox") or "")

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


class MailboxForm(forms.Form):
    """An org admin opening a leader's mailbox (领导信箱) of the agency."""

    org = forms.ModelChoiceField(
        label="机关", queryset=Organization.objects.none(), error_messages=_msgs("机关")
    )
    title = forms.CharField(
        label="职务", max_length=50, error_messages=_msgs("职务"), help_text="如：市长、局长"
    )
    name = forms.CharField(label="姓名", max_length=50, error_messages=_msgs("姓名"))
    position = forms.IntegerField(
        label="排序", min_value=0, max_value=999, initial=0, required=False, error_messages=_msgs("排序")
    )

    def __init__(self, *args: Any, orgs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs  # type: ignore[attr-defined]


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
    email = forms.EmailField(
        label="电子邮箱（选填）", required=False, max_length=254, error_messages=_msgs("电子邮箱")
    )
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
    basis = forms.CharField(
        label="起草依据（选填）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="草案依据的法律、法规、规章和政策文件，如《中华人民共和国教育法》。",
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
    questions = forms.CharField(
        label="征集问题（选填）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="每行一个问题。文字回答：直接写问题；单选：问题 | 选项1 | 选项2；多选：在行首写“[多选]”；"
        "必答：在行首写“*”。例如：* 您是否支持延长课后服务时间？ | 支持 | 不支持 | 无所谓",
    )

    def clean_questions(self) -> tuple[QuestionData, ...]:
        questions = parse_questions(self.cleaned_data.get("questions", "") or "")
        for i, q in enumerate(questions, start=1):
            problem = consultation_rules.question_problems(text=q.text, kind=q.kind, choices=list(q.choices))
            if problem:
                raise forms.ValidationError(f"第 {i} 个问题：{problem}")
        return questions

    def data_object(self) -> ConsultationData:
        d = self.cleaned_data
        return ConsultationData(
            questions=d.get("questions") or (),
            title=d["title"],
            draft_text=d["draft_text"],
            explanation=d["explanation"],
            basis=d.get("basis", "") or "",
            how_to_comment=d.get("how_to_comment", ""),
            opens_on=d["opens_on"],
            closes_on=d["closes_on"],
            short_reason=d.get("short_reason", ""),
        )


def parse_questions(text: str) -> tuple[QuestionData, ...]:
    """The questions box: one question a line; `问题 | 选项 | 选项` is a single choice, a leading `[多选]` makes it
    multiple, a leading `*` required."""
    questions = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        required = line.startswith(("*", "＊"))
        line = line.lstrip("*＊ ").strip()
        multiple = line.startswith(("[多选]", "【多选】"))
        if multiple:
            line = line[4:].strip()
        parts = [p.strip() for p in line.replace("｜", "|").split("|")]
        kind = "multiple" if multiple else ("single" if len(parts) > 1 else "text")
        questions.append(QuestionData(text=parts[0], kind=kind, choices=tuple(parts[1:]), required=required))
    return tuple(questions)


class CommentForm(forms.Form):
    """A comment on the whole draft or on one article, with the consultation's questions as extra fields."""

    article = forms.TypedChoiceField(
        label="意见针对",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages=_msgs("条款") | {"invalid_choice": "草案中没有这一条，请重新选择。"},
    )
    body = forms.CharField(
        label="您的意见",
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        error_messages=_msgs("意见"),
        help_text="请勿填写网页代码；内容以纯文本显示。意见经审核后公开，姓名和联系方式不公开。",
    )
    name = forms.CharField(label="姓名（选填，不公开）", max_length=50, required=False)
    phone = forms.CharField(label="联系电话（选填，不公开）", max_length=30, required=False)
    email = forms.EmailField(
        label="电子邮箱（选填，不公开）", required=False, max_length=254, error_messages=_msgs("电子邮箱")
    )
    attachment = attachment_field()

    def __init__(self, *args: Any, consultation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        articles = consultation_rules.parse_articles(consultation.draft_text)
        field = self.fields["article"]
        field.choices = [("", "草案整体"), *((a.number, a.label) for a in articles)]  # type: ignore[attr-defined]
        if not articles:
            del self.fields["article"]
        self.questions = list(consultation.questions.all())
        for q in self.questions:
            name = f"answer_{q.position}"
            label = f"{q.position}. {q.text}"
            if q.kind == "text":
                self.fields[name] = forms.CharField(
                    label=label, required=False, widget=forms.Textarea(attrs={"rows": 2})
                )
            elif q.kind == "single":
                self.fields[name] = forms.ChoiceField(
                    label=label,
                    required=False,
                    choices=[(c, c) for c in q.choices],
                    widget=forms.RadioSelect,
                    error_messages={"invalid_choice": "请从给出的选项中选择。"},
                )
            else:
                self.fields[name] = forms.MultipleChoiceField(
                    label=label,
                    required=False,
                    choices=[(c, c) for c in q.choices],
                    widget=forms.CheckboxSelectMultiple,
                    error_messages={
                        "invalid_choice": "请从给出的选项中选择。",
                        "invalid_list": "请从给出的选项中选择。",
                    },
                )
            self.fields[name].label_suffix = ""
            if q.required:
                self.fields[name].label = label + "（必答）"
        # Questions first, then the free comment and the private contact fields.
        order = [
            "article",
            *(f"answer_{q.position}" for q in self.questions),
            "body",
            "name",
            "phone",
            "email",
        ]
        self.order_fields([n for n in order if n in self.fields])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        for name, text in services.comment_problems(self.consultation, self.comment_data()).items():
            self.add_error(name if name in self.fields else None, text)
        return data

    def comment_data(self) -> CommentData:
        d = self.cleaned_data
        answers: dict[str, str | list[str]] = {}
        for q in self.questions:
            value = d.get(f"answer_{q.position}")
            if value:
                answers[str(q.position)] = value
        return CommentData(
            body=d.get("body", "") or "",
            article=d.get("article"),
            answers=answers,
            name=d.get("name", "") or "",
            phone=d.get("phone", "") or "",
            email=d.get("email", "") or "",
        )


class DraftFileForm(forms.Form):
    file = forms.FileField(
        label="草案附件",
        help_text="草案文本、起草说明、对照表等，PDF、Word、Excel、OFD 或图片。",
        error_messages={"required": "请选择要上传的文件。", "empty": "文件是空的，请重新选择。"},
    )


class ModerationForm(forms.Form):
    action = forms.ChoiceField(
        label="操作", choices=[("publish", "公开"), ("withhold", "不予公开")], widget=forms.RadioSelect
    )
    reason = forms.ChoiceField(
        label="不予公开原因",
        required=False,
        choices=[("", "（不予公开时选择）"), *consultation_rules.WITHHELD_REASONS.items()],
    )
    note = forms.CharField(label="说明（选填）", max_length=2000, required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="处理结果",
        choices=list(consultation_rules.DECISION_LABELS.items()),
        error_messages=_msgs("处理结果") | {"required": "请选择处理结果。"},
    )
    reason = forms.CharField(label="理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    changes = forms.CharField(
        label="修改情况（采纳、部分采纳时填写）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="写明据此意见对草案作了哪些修改，如“第五条增加……”。",
    )
