"""依申请公开: requests, the clock ledger, remedies, query-code throttling, tracking numbers.

Mail goes through the shared outbox (`core.outbox`).

No side effects in save() and no signals: every write is in `services.py`. The due date is never stored: it is
computed from `received_on` and the ledger (`ClockEvent`) by `clock.compute` (ADR 0006).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from gongkai.foi import applicant as applicant_rules
from gongkai.foi import clock as clock_rules
from gongkai.foi import fees as fee_rules
from gongkai.foi import outcomes as outcome_rules
from gongkai.foi import workflow
from gongkai.orgs.models import Organization


def _choices(mapping: dict[str, str]) -> list[tuple[str, str]]:
    return list(mapping.items())


APPLICANT_PERMISSION = "view_applicant"  # foi.view_applicant


class Request(models.Model):
    """One 政府信息公开申请 to one agency (R-FOI-1)."""

    class Status(models.TextChoices):
        AWAITING_CONFIRMATION = workflow.AWAITING_CONFIRMATION, "待确认收到"
        OPEN = workflow.OPEN, "办理中"
        REPLIED = workflow.REPLIED, "已答复"
        WITHDRAWN = workflow.WITHDRAWN, "已撤回"

    org = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="foi_requests", verbose_name="受理机关"
    )
    tracking_no = models.CharField("申请编号", max_length=40, unique=True)
    query_code_hash = models.CharField("查询码（哈希）", max_length=128, blank=True)
    external_id = models.CharField("外部编号", max_length=200, unique=True, null=True, blank=True)

    # R-FOI-1: the applicant. Personal data: shown only to the agency's FOI staff (selectors, ADR 0006).
    applicant_type = models.CharField(
        "申请人类型", max_length=20, choices=_choices(applicant_rules.APPLICANT_TYPES)
    )
    applicant_name = models.CharField("申请人姓名或名称", max_length=200, blank=True)
    contact_name = models.CharField("联系人", max_length=100, blank=True)
    id_type = models.CharField(
        "证件类型", max_length=32, choices=_choices(applicant_rules.ID_TYPES), blank=True
    )
    id_number = models.CharField("证件号码", max_length=50, blank=True)
    id_number_hash = models.CharField(max_length=64, blank=True, db_index=True)
    phone = models.CharField("联系电话", max_length=50, blank=True)
    phone_digits = models.CharField(max_length=30, blank=True, db_index=True)
    email = models.EmailField("电子邮箱", blank=True)
    address = models.CharField("通信地址", max_length=300, blank=True)
    postcode = models.CharField("邮政编码", max_length=6, blank=True)

    # R-FOI-1: the information asked for and how it should be provided.
    description = models.TextField("所需信息的内容描述", blank=True)
    doc_no = models.CharField("文号", max_length=100, blank=True)
    doc_no_norm = models.CharField(max_length=100, blank=True, db_index=True)
    preferred_form = models.CharField(
        "信息载体形式", max_length=16, choices=_choices(applicant_rules.FORMS), blank=True
    )
    delivery = models.CharField(
        "获取方式", max_length=16, choices=_choices(applicant_rules.DELIVERIES), blank=True
    )
    channel = models.CharField("申请方式", max_length=16, choices=_choices(applicant_rules.CHANNELS))

    # R-FOI-2: the statutory receipt date (None while awaiting confirmation).
    submitted_at = models.DateTimeField("提交时间")
    received_on = models.DateField("收到申请日期", null=True, blank=True, db_index=True)
    status = models.CharField(
        "状态", max_length=24, choices=Status.choices, default=Status.OPEN, db_index=True
    )

    # R-FOI-8: one final outcome; R-FOI-6: what the reply states.
    outcome = models.CharField(
        "办理结果", max_length=40, choices=_choices(outcome_rules.OUTCOME_LABELS), blank=True
    )
    reply_details = models.JSONField("答复要素", default=dict, blank=True)
    replied_on = models.DateField("答复日期", null=True, blank=True, db_index=True)
    delivered_on = models.DateField("送达日期", null=True, blank=True)
    delivery_method = models.CharField(
        "送达方式", max_length=16, choices=_choices(applicant_rules.DELIVERIES), blank=True
    )
    withdrawn_on = models.DateField("撤回日期", null=True, blank=True)
    withdrawn_reason = models.CharField("撤回原因", max_length=500, blank=True)

    # R-FOI-7: at most one fee per request, on one basis.
    fee_basis = models.CharField(
        "收费方式", max_length=16, choices=_choices(fee_rules.BASIS_LABELS), blank=True
    )
    fee_quantity = models.PositiveIntegerField("计费数量（件或页）", null=True, blank=True)
    fee_prior_items = models.PositiveIntegerField("当月此前累计件数", null=True, blank=True)
    fee_amount = models.DecimalField(
        "信息处理费（元）", max_digits=12, decimal_places=2, null=True, blank=True
    )

    forwarded_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="forwarded_to",
        verbose_name="转自",
    )
    # An imported `forwarded_from` whose original is not on the platform yet: kept until it is imported.
    forwarded_from_ref = models.CharField("转自申请（待关联）", max_length=200, blank=True, db_index=True)
    is_historical = models.BooleanField("历史导入", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["org", "status"])]
        # Platform admins open applicant data only when granted this explicitly (selectors.may_see_applicant).
        permissions = [(APPLICANT_PERMISSION, "查看申请人个人信息（平台管理员须明确授予）")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=[workflow.OPEN, workflow.REPLIED]) | Q(received_on__isnull=False),
                name="foi_request_open_has_receipt",
            ),
            models.CheckConstraint(
                condition=~Q(status=workflow.REPLIED) | (Q(replied_on__isnull=False) & ~Q(outcome="")),
                name="foi_request_replied_has_outcome",
            ),
        ]
        verbose_name = "政府信息公开申请"
        verbose_name_plural = "政府信息公开申请"

    def __str__(self) -> str:
        return self.tracking_no

    @property
    def outcome_label(self) -> str:
        return outcome_rules.OUTCOME_LABELS.get(self.outcome, "")

    @property
    def applicant_type_label(self) -> str:
        return applicant_rules.APPLICANT_TYPES.get(self.applicant_type, "")

    @property
    def is_active(self) -> bool:
        return self.status in workflow.ACTIVE


class ClockEvent(models.Model):
    """One entry of a request's clock ledger (ADR 0006). Append-only; a mistake is cancelled, not deleted."""

    class Type(models.TextChoices):
        SUPPLEMENT_REQUESTED = clock_rules.SUPPLEMENT_REQUESTED, "告知补正"
        SUPPLEMENT_RECEIVED = clock_rules.SUPPLEMENT_RECEIVED, "收到补正"
        CONSULTATION_STARTED = clock_rules.CONSULTATION_STARTED, "征求意见"
        CONSULTATION_ENDED = clock_rules.CONSULTATION_ENDED, "收到意见"
        EXTENSION = clock_rules.EXTENSION, "延期答复"
        FEE_NOTICE = clock_rules.FEE_NOTICE, "收费通知"
        FEE_PAID = clock_rules.FEE_PAID, "缴费"
        REASON_REQUESTED = clock_rules.REASON_REQUESTED, "要求说明理由"
        REASON_RECEIVED = clock_rules.REASON_RECEIVED, "收到理由说明"
        LATER_REPLY_DATE = clock_rules.LATER_REPLY_DATE, "确定延迟答复期限"

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="events")
    type = models.CharField("事项", max_length=32, choices=Type.choices)
    on = models.DateField("日期")
    working_days = models.PositiveSmallIntegerField("工作日数", null=True, blank=True)
    party = models.CharField(
        "被征求意见方", max_length=16, choices=_choices(clock_rules.PARTY_LABELS), blank=True
    )
    party_name = models.CharField("被征求意见方名称", max_length=200, blank=True)
    notice_received_on = models.DateField("申请人收到通知日期", null=True, blank=True)
    reply_by = models.DateField("确定的答复期限", null=True, blank=True)  # later_reply_date (R-FOI-5)
    note = models.TextField("说明", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancel_reason = models.CharField("撤销原因", max_length=500, blank=True)

    class Meta:
        ordering = ["on", "id"]
        verbose_name = "计时记录"
        verbose_name_plural = "计时记录"

    def __str__(self) -> str:
        return f"{self.on} {self.get_type_display()}"

    def as_rule_event(self) -> clock_rules.Event:
        return clock_rules.Event(
            type=self.type,
            on=self.on,
            working_days=self.working_days,
            party=self.party,
            notice_received_on=self.notice_received_on,
            reply_by=self.reply_by,
        )


class Remedy(models.Model):
    """R-FOI-9: 行政复议 or 行政诉讼 about a request, with its result (report table 四)."""

    class Kind(models.TextChoices):
        REVIEW = "review", "行政复议"
        LITIGATION_DIRECT = "litigation_direct", "行政诉讼（未经复议直接起诉）"
        LITIGATION_AFTER_REVIEW = "litigation_after_review", "行政诉讼（复议后起诉）"

    class Result(models.TextChoices):
        UPHELD = "upheld", "结果维持"
        CORRECTED = "corrected", "结果纠正"
        OTHER = "other", "其他结果"
        PENDING = "pending", "尚未审结"

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="remedies")
    kind = models.CharField("类型", max_length=32, choices=Kind.choices)
    filed_on = models.DateField("提起日期")
    decided_on = models.DateField("审结日期", null=True, blank=True)
    result = models.CharField("结果", max_length=16, choices=Result.choices, default=Result.PENDING)
    note = models.TextField("说明", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["filed_on", "id"]
        verbose_name = "行政复议、诉讼"
        verbose_name_plural = "行政复议、诉讼"


class TrackingSequence(models.Model):
    """The counter behind tracking numbers PREFIX-YYYY-NNNNNN: one row per year, incremented under its row lock."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class QueryFailure(models.Model):
    """A wrong tracking number / query code pair, kept in the database so throttling holds across app servers."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    tracking_no = models.CharField(max_length=40, db_index=True)
    address = models.CharField(max_length=64, db_index=True)
    # What was attempted: `track` (looking a request up) or `withdraw` — each with its own counters.
    scope = models.CharField(max_length=16, default="track", db_index=True)


class LetterTemplate(models.Model):
    """An agency's wording of one kind of letter: a reply letter per outcome (答复告知书), or the fee notice.

    `kind` is an outcome code (outcomes.OUTCOMES) or `fee_notice`; `body` holds placeholders such as {申请人}
    (letters.PLACEHOLDERS). Without a row the default text of `letters.default_body(kind)` is used."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="foi_letter_templates")
    kind = models.CharField("文书类型", max_length=40)
    body = models.TextField("正文模板")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "kind"], name="foi_letter_template_org_kind")]
        verbose_name = "答复文书模板"
        verbose_name_plural = "答复文书模板"


def reply_file_path(instance: ReplyFile, filename: str) -> str:
    return f"foi/{instance.sha256[:2]}/{instance.sha256}"


class ReplyFile(models.Model):
    """A file released with the reply (予以公开, 部分公开): stored like publishing attachments (by SHA-256), shown
    to the agency's FOI staff and to the applicant holding the query code, never on a public page."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="files")
    name = models.CharField("文件名", max_length=255)
    file = models.FileField(upload_to=reply_file_path, max_length=255)
    size = models.BigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "答复附件"
        verbose_name_plural = "答复附件"

    def __str__(self) -> str:
        return self.name
