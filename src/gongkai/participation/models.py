"""政民互动 / 12345 messages (R-INT-2): the message, its history (events) and the deployment's time limits."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from gongkai.participation import clock as clock_rules
from gongkai.participation import consultation_rules, workflow


def _choices(labels: dict[str, str]) -> list[tuple[str, str]]:
    return list(labels.items())


CATEGORY_CHOICES = [(c, c) for c in workflow.CATEGORIES]


class CategoryLimit(models.Model):
    """A category's reply limit in working days (deployment data, `gongkai messages sla set`)."""

    category = models.CharField("类别", max_length=8, choices=CATEGORY_CHOICES, unique=True)
    working_days = models.PositiveSmallIntegerField("办理时限（工作日）")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "办理时限"
        verbose_name_plural = "办理时限"

    def __str__(self) -> str:
        return f"{self.category}: {self.working_days}"


class Mailbox(models.Model):
    """A leader's mailbox (领导信箱, issue 8 item 2) of an agency: a message written to it is the agency's message on
    the channel 领导信箱, marked with the mailbox; the agency's message handlers answer it in the same loop."""

    org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="机关"
    )
    title = models.CharField("职务", max_length=50)
    name = models.CharField("姓名", max_length=50)
    position = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("开放", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "领导信箱"
        ordering = ["org", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "title", "name"], name="participation_mailbox_unique"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.title}{self.name}信箱"


class Message(models.Model):
    tracking_no = models.CharField("编号", max_length=40, unique=True)
    query_code_hash = models.CharField(max_length=200, blank=True)
    external_id = models.CharField("外部编号", max_length=200, blank=True)
    # sha256 of the imported line's content (re-importing the same line changes nothing).
    source_hash = models.CharField(max_length=64, blank=True)
    org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="收件机关"
    )
    holder_org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="承办机关"
    )
    channel = models.CharField("渠道", max_length=100)
    category = models.CharField("类别", max_length=8, choices=CATEGORY_CHOICES)
    subject = models.CharField("标题", max_length=200)
    body = models.TextField("内容")
    body_hash = models.CharField(max_length=64, blank=True, db_index=True)
    public_consent = models.BooleanField("同意公开", default=False)
    received_on = models.DateField("收到日期")
    limit_days = models.PositiveSmallIntegerField("办理时限（工作日）")
    status = models.CharField(
        "状态", max_length=16, choices=_choices(workflow.STATUS_LABELS), default=workflow.RECEIVED
    )
    round = models.PositiveSmallIntegerField("办理轮次", default=1)
    due_on = models.DateField("办理期限", null=True, blank=True)
    replied_on = models.DateField("回复日期", null=True, blank=True)
    first_replied_on = models.DateField("首次回复日期", null=True, blank=True)
    reply_text = models.TextField("回复内容", blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    rating = models.CharField("评价", max_length=24, choices=_choices(workflow.RATINGS), blank=True)
    rated_on = models.DateField("评价日期", null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField("重办次数", default=0)
    not_accepted_reason = models.TextField("不予受理理由", blank=True)
    writer_name = models.CharField("姓名", max_length=50, blank=True)
    writer_phone = models.CharField("电话", max_length=30, blank=True)
    writer_email = models.EmailField("电子邮箱", blank=True)
    writer_id_number = models.CharField("证件号码", max_length=30, blank=True)
    writer_address = models.CharField("地址", max_length=200, blank=True)
    # Open311: the service the request was posted to, where the issue is (not the writer's address), a picture link
    # and the service's attribute values.
    mailbox = models.ForeignKey(
        Mailbox, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="领导信箱"
    )
    service = models.ForeignKey(
        "participation.Open311Service",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="服务",
    )
    lat = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    location = models.CharField("问题地点", max_length=200, blank=True)
    media_url = models.URLField("图片链接", max_length=500, blank=True)
    attributes = models.JSONField("附加信息", default=dict, blank=True)
    # Staff who typed in a message received by phone, letter or in person (the receipt date is theirs).
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = "留言"
        verbose_name_plural = "留言"
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~models.Q(external_id=""),
                name="participation_message_uniq_external_id",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=list(workflow.STATUS_LABELS)),
                name="participation_message_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["holder_org", "status"]),
            models.Index(fields=["org", "received_on"]),
            models.Index(fields=["received_on"], name="participation_msg_received"),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_no} {self.subject}"

    @property
    def status_label(self) -> str:
        return workflow.STATUS_LABELS.get(self.status, self.status)

    @property
    def is_active(self) -> bool:
        return self.status in workflow.ACTIVE

    @property
    def reply_is_public(self) -> bool:
        return workflow.replies_public(consent=self.public_consent, category=self.category)

    @property
    def rating_label(self) -> str:
        return workflow.RATINGS.get(self.rating, "")


class MessageEvent(models.Model):
    """One step of a message's history (append-only). The clock events are those of `clock.py`; `accepted` and
    `supervised` are history only."""

    class Type(models.TextChoices):
        ACCEPTED = "accepted", "受理"
        NOT_ACCEPTED = clock_rules.NOT_ACCEPTED, "不予受理"
        TRANSFERRED = clock_rules.TRANSFERRED, "转办"
        SENT_BACK = clock_rules.SENT_BACK, "退回"
        EXTENSION = clock_rules.EXTENSION, "延期"
        REPLIED = clock_rules.REPLIED, "回复"
        CLOSED = clock_rules.CLOSED, "办结"
        RATED = clock_rules.RATED, "评价"
        REOPENED = clock_rules.REOPENED, "重办"
        SUPERVISED = "supervised", "督办"

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="events")
    type = models.CharField("事项", max_length=16, choices=Type.choices)
    on = models.DateField("日期")
    from_org = models.ForeignKey(
        "orgs.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_org = models.ForeignKey(
        "orgs.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    working_days = models.PositiveSmallIntegerField("工作日数", null=True, blank=True)
    rating = models.CharField("评价", max_length=24, choices=_choices(workflow.RATINGS), blank=True)
    text = models.TextField("说明", blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"

    def __str__(self) -> str:
        return f"{self.on} {self.get_type_display()}"

    def as_rule_event(self) -> clock_rules.Event:
        return clock_rules.Event(self.type, self.on, self.working_days)


class Open311Service(models.Model):
    """A GeoReport v2 service: one of the 12345 categories or a 市政 issue, routed to a receiving agency."""

    code = models.CharField("服务代码", max_length=40, unique=True)
    name = models.CharField("服务名称", max_length=100)
    description = models.CharField("说明", max_length=500, blank=True)
    group = models.CharField("分组", max_length=50, blank=True)
    keywords = models.CharField("关键词", max_length=200, blank=True)
    category = models.CharField("留言类别", max_length=8, choices=CATEGORY_CHOICES)
    org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="受理机关"
    )
    # GeoReport attribute definitions: [{"code", "datatype", "required", "description", "order", "values"?}].
    attributes = models.JSONField("属性定义", default=list, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        ordering = ["group", "code"]
        verbose_name = "Open311 服务"
        verbose_name_plural = "Open311 服务"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Open311Key(models.Model):
    """An Open311 API key: only its SHA-256 is stored; the key itself is printed once."""

    name = models.CharField("名称", max_length=100)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "Open311 密钥"
        verbose_name_plural = "Open311 密钥"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class MessageQueryFailure(models.Model):
    """A wrong tracking number / query code pair, counted in the database so throttling holds across servers."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    tracking_no = models.CharField(max_length=40, db_index=True)
    address = models.CharField(max_length=64, db_index=True)


class Consultation(models.Model):
    """意见征集 on a draft (R-INT-1)."""

    class Status(models.TextChoices):
        OPEN = "open", "征集中"
        CLOSED = "closed", "已结束"

    org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="机关"
    )
    title = models.CharField("标题", max_length=200)
    draft_text = models.TextField("草案全文")
    explanation = models.TextField("起草说明")
    # R-INT-1: the basis of the draft (the laws and policies it rests on), published with the draft and the report.
    basis = models.TextField("起草依据", blank=True)
    how_to_comment = models.TextField("意见提交方式", blank=True)
    opens_on = models.DateField("开始日期")
    closes_on = models.DateField("截止日期")
    short_reason = models.TextField("期限少于30日的理由", blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.OPEN)
    # R-INT-1: when the 采纳情况 was published beside the consultation (services.consultation_report_publish).
    report_published_at = models.DateTimeField("采纳情况公布时间", null=True, blank=True)
    external_id = models.CharField("外部编号", max_length=200, blank=True)
    # sha256 of the imported line (re-importing the same line changes nothing).
    source_hash = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "-id"]
        verbose_name = "意见征集"
        verbose_name_plural = "意见征集"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="participation_consultation_period",
            ),
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~models.Q(external_id=""),
                name="participation_consultation_uniq_external_id",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ConsultationQuestion(models.Model):
    """An optional structured question of a consultation (free text, one choice or several)."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField("序号")
    text = models.CharField("问题", max_length=300)
    kind = models.CharField(
        "类型", max_length=8, choices=list(consultation_rules.QUESTION_KINDS.items()), default="text"
    )
    choices = models.JSONField("选项", default=list, blank=True)
    required = models.BooleanField("必答", default=False)

    class Meta:
        ordering = ["consultation", "position"]
        verbose_name = "征集问题"
        verbose_name_plural = "征集问题"
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "position"], name="participation_question_position"
            )
        ]

    def __str__(self) -> str:
        return self.text


class Comment(models.Model):
    """One public comment on a consultation (on the whole draft or on one article), its moderation and the agency's
    decision on it. A withheld comment keeps the writer's text: nothing is ever deleted silently."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="comments")
    # None: the whole draft; N: 第N条 of the draft (consultation_rules.parse_articles).
    article = models.PositiveSmallIntegerField("条款", null=True, blank=True)
    answers = models.JSONField("问题回答", default=dict, blank=True)
    body = models.TextField("意见")
    body_hash = models.CharField(max_length=64, blank=True, db_index=True)
    external_id = models.CharField("外部编号", max_length=200, blank=True)
    moderation = models.CharField(
        "公开状态",
        max_length=12,
        choices=list(consultation_rules.MODERATION_LABELS.items()),
        default=consultation_rules.PENDING,
    )
    withheld_reason = models.CharField(
        "不予公开原因", max_length=16, choices=list(consultation_rules.WITHHELD_REASONS.items()), blank=True
    )
    moderation_note = models.TextField("审核说明", blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("电话", max_length=30, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)
    decision = models.CharField(
        "处理结果", max_length=16, choices=list(consultation_rules.DECISION_LABELS.items()), blank=True
    )
    reason = models.TextField("理由", blank=True)
    # R-INT-1: for 采纳 / 部分采纳, what was changed in the draft (shown in the 采纳情况).
    changes = models.TextField("修改情况", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["submitted_at", "id"]
        verbose_name = "意见"
        verbose_name_plural = "意见"
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "external_id"],
                condition=~models.Q(external_id=""),
                name="participation_comment_uniq_external_id",
            ),
            models.CheckConstraint(
                condition=models.Q(moderation__in=list(consultation_rules.MODERATION_LABELS)),
                name="participation_comment_moderation_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.body[:30]

    @property
    def article_label(self) -> str:
        return consultation_rules.article_label(self.article)


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"participation/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    """A file: sent by a writer with a message or a comment (shown to staff only: it may carry personal data), or
    published by the agency with a consultation's draft (public). The type is checked from the content
    (core.uploads); stored by SHA-256."""

    consultation = models.ForeignKey(
        Consultation, null=True, blank=True, on_delete=models.CASCADE, related_name="draft_attachments"
    )
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    name = models.CharField("文件名", max_length=255)
    file = models.FileField(upload_to=attachment_path, max_length=255)
    size = models.BigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "附件"
        verbose_name_plural = "附件"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(message__isnull=False, comment__isnull=True, consultation__isnull=True)
                | models.Q(message__isnull=True, comment__isnull=False, consultation__isnull=True)
                | models.Q(message__isnull=True, comment__isnull=True, consultation__isnull=False),
                name="participation_attachment_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.name
