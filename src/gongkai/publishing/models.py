"""Columns (栏目), information items (政府信息) with their statutory metadata, revisions, relations, attachments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from gongkai.orgs.models import Organization


class Column(models.Model):
    class UpdateClass(models.TextChoices):
        NEWS = "news", "动态·要闻（2周）"
        NOTICE = "notice", "通知公告·政策文件（6个月）"
        YEARLY = "yearly", "人事·规划（1年）"
        STATIC = "static", "静态栏目"

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="columns")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    name = models.CharField("栏目名称", max_length=100)
    section = models.CharField("专栏分区", max_length=32, blank=True)
    statutory_code = models.CharField("法定公开事项", max_length=16, blank=True)
    update_class = models.CharField(
        "更新类别", max_length=16, choices=UpdateClass.choices, default=UpdateClass.NOTICE
    )
    responsible = models.CharField("责任单位", max_length=100, blank=True)
    first_level = models.BooleanField("一级栏目", default=False)
    sort_order = models.IntegerField("排序", default=0)
    is_system = models.BooleanField("系统栏目", default=False)
    structure = models.CharField("结构化信息", max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "parent", "name"], name="uniq_column_name"),
            models.UniqueConstraint(
                fields=["org", "name"], condition=Q(parent__isnull=True), name="uniq_root_column_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class InfoItem(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "待审核"
        RETURNED = "returned", "已退回"
        APPROVED = "approved", "待发布"
        PUBLISHED = "published", "已发布"
        WITHDRAWN = "withdrawn", "已撤回"

    class Disclosure(models.TextChoices):
        PROACTIVE = "proactive", "主动公开"
        ON_REQUEST = "on_request", "依申请公开"
        WITHHELD = "withheld", "不予公开"

    class Kind(models.TextChoices):
        RULE = "rule", "规章"
        NORMATIVE = "normative", "行政规范性文件"
        OTHER = "other", "其他"

    class Validity(models.TextChoices):
        VALID = "valid", "有效"
        NOT_YET_EFFECTIVE = "not_yet_effective", "尚未生效"
        AMENDED = "amended", "已修改"
        REPEALED = "repealed", "废止"
        EXPIRED = "expired", "失效"
        PARTIALLY_INVALID = "partially_invalid", "部分失效"

    org = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="items", verbose_name="发布机构"
    )
    external_id = models.CharField("外部编号", max_length=200, unique=True, null=True, blank=True)
    title = models.CharField("标题", max_length=500)
    index_no = models.CharField("索引号", max_length=80, unique=True, null=True, blank=True)
    subject = models.CharField("主题分类", max_length=100, blank=True)
    genre = models.CharField("公文种类", max_length=20, blank=True)
    issuers = models.ManyToManyField(
        Organization, blank=True, related_name="joint_items", verbose_name="联合发文机关"
    )
    written_on = models.DateField("成文日期", null=True, blank=True)
    published_at = models.DateTimeField("发布日期", null=True, blank=True, db_index=True)
    formed_on = models.DateField("形成或变更日期", null=True, blank=True)
    doc_no = models.CharField("文号", max_length=100, blank=True)
    doc_no_norm = models.CharField(max_length=100, blank=True, db_index=True)
    keywords = models.CharField("主题词", max_length=300, blank=True)
    disclosure = models.CharField(
        "公开属性", max_length=16, choices=Disclosure.choices, default=Disclosure.PROACTIVE
    )
    disclosure_reason = models.CharField("不主动公开理由", max_length=500, blank=True)
    kind = models.CharField("文件类别", max_length=16, choices=Kind.choices, default=Kind.OTHER)
    validity = models.CharField("有效性", max_length=20, choices=Validity.choices, default=Validity.VALID)
    validity_changed_on = models.DateField("有效性变更日期", null=True, blank=True)
    effective_on = models.DateField("施行日期", null=True, blank=True)
    valid_until = models.DateField("有效期至", null=True, blank=True)
    columns = models.ManyToManyField(Column, blank=True, related_name="items", verbose_name="栏目")
    body_html = models.TextField("正文", blank=True)
    body_text = models.TextField(blank=True)
    source = models.CharField("信息来源", max_length=200, blank=True)
    interpretation_exemption = models.CharField("不进行政策解读的理由", max_length=500, blank=True)
    structured = models.JSONField("结构化信息", default=dict, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    drafter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="拟稿人",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="审核人",
    )
    publisher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="发布人",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField("撤回原因", max_length=500, blank=True)
    review_comment = models.TextField("审核意见", blank=True)
    revision = models.PositiveIntegerField("修订版本", default=0)
    is_historical = models.BooleanField("历史导入", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["org", "status", "published_at"])]
        verbose_name = "政府信息"
        verbose_name_plural = "政府信息"

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.disclosure == self.Disclosure.PROACTIVE


class ItemRevision(models.Model):
    """A published version of an item: kept for ever, listable (issue 2: corrections make new revisions)."""

    item = models.ForeignKey(InfoItem, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["item", "-number"]
        constraints = [models.UniqueConstraint(fields=["item", "number"], name="uniq_revision")]


class ItemRelation(models.Model):
    class Type(models.TextChoices):
        INTERPRETS = "interprets", "解读"
        AMENDS = "amends", "修改"
        REPEALS = "repeals", "废止"
        REPLACES = "replaces", "替代"

    source = models.ForeignKey(InfoItem, on_delete=models.CASCADE, related_name="relations_out")
    type = models.CharField(max_length=16, choices=Type.choices)
    target = models.ForeignKey(
        InfoItem, null=True, blank=True, on_delete=models.CASCADE, related_name="relations_in"
    )
    target_external_id = models.CharField(max_length=200, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "type", "target_external_id"], name="uniq_relation")
        ]


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    class TextStatus(models.TextChoices):
        PENDING = "pending", "待提取"
        OK = "ok", "已提取"
        NO_TEXT = "no_text", "无可读文字"
        UNREADABLE = "unreadable", "无法打开"
        NONE = "none", "无文件"

    # An attachment belongs to an item; a gazette issue's printed PDF belongs to no item.
    item = models.ForeignKey(
        InfoItem, on_delete=models.CASCADE, related_name="attachments", null=True, blank=True
    )
    name = models.CharField("文件名", max_length=255)
    file = models.FileField(upload_to=attachment_path, blank=True, max_length=255)
    url = models.URLField("外部链接", max_length=1000, blank=True)
    size = models.BigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    # The file's text, read once (core.textextract): at upload, or by the tick job `attachment_texts` for a large
    # file and for whatever was stored without it (imports). Searched (issue 4) and inspected (issue 10).
    text = models.TextField(blank=True)
    text_status = models.CharField(
        "文字提取", max_length=12, choices=TextStatus.choices, default=TextStatus.PENDING, db_index=True
    )
    text_reason = models.CharField("未能提取的原因", max_length=100, blank=True)
    sort_order = models.IntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class IndexNoSequence(models.Model):
    """The last number used in one scope of the 索引号 pattern (R-PUB-10: unique, never reused)."""

    scope = models.CharField(max_length=100, unique=True)
    last = models.PositiveIntegerField(default=0)


class GazetteIssue(models.Model):
    """One issue (年·期) of a government's 政府公报, with its table of contents (issue 7 §4)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "编辑中"
        PUBLISHED = "published", "已发布"

    org = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="gazette_issues", verbose_name="编印机关"
    )
    year = models.PositiveIntegerField("年份")
    number = models.PositiveIntegerField("期号")
    title = models.CharField("刊名", max_length=100)
    published_on = models.DateField("出版日期", null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    pdf = models.ForeignKey(Attachment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-number"]
        constraints = [models.UniqueConstraint(fields=["org", "year", "number"], name="uniq_gazette_issue")]

    def __str__(self) -> str:
        return f"{self.title}{self.year}年第{self.number}期"


class GazetteEntry(models.Model):
    issue = models.ForeignKey(GazetteIssue, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey(InfoItem, on_delete=models.PROTECT, related_name="gazette_entries")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["issue", "item"], name="uniq_gazette_entry")]


class Subscription(models.Model):
    """精准推送 (issue 7 §10): an e-mail address follows an agency, a 主题分类, a column or a keyword.

    Double opt-in: nothing is sent until the address confirms. The token in the mailed links is stored hashed.
    """

    email = models.EmailField("电子邮箱")
    org = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    subject = models.CharField("主题分类", max_length=100, blank=True)
    column = models.ForeignKey(Column, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    keyword = models.CharField("关键词", max_length=50, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["email"])]

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class CleanupBatch(models.Model):
    """清理 (issue 7 §3): the 政务公开办 opens a periodic review of the normative documents in force; every agency
    decides on each of its own; the result is published as a list."""

    class Status(models.TextChoices):
        OPEN = "open", "清理中"
        PUBLISHED = "published", "结果已公布"

    title = models.CharField("名称", max_length=200)
    opened_at = models.DateTimeField(auto_now_add=True)
    deadline = models.DateField("完成期限", null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    published_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return self.title


class CleanupDecision(models.Model):
    class Decision(models.TextChoices):
        CONTINUE = "continue", "继续有效"
        AMEND = "amend", "修改"
        REPEAL = "repeal", "废止"
        DECLARE_INVALID = "declare_invalid", "宣布失效"

    batch = models.ForeignKey(CleanupBatch, on_delete=models.CASCADE, related_name="decisions")
    item = models.ForeignKey(InfoItem, on_delete=models.PROTECT, related_name="cleanup_decisions")
    decision = models.CharField(max_length=16, choices=Decision.choices, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["item__org__code", "item__published_at"]
        constraints = [models.UniqueConstraint(fields=["batch", "item"], name="uniq_cleanup_item")]


class BudgetDisclosure(models.Model):
    """重点领域 财政预决算 (issue 7 §9, R-PUB-13): one agency's budget, final accounts or 三公经费 for a year."""

    class Kind(models.TextChoices):
        BUDGET = "budget", "部门预算"
        FINAL_ACCOUNTS = "final_accounts", "部门决算"
        THREE_PUBLIC = "three_public", "“三公”经费预决算"
        GOVERNMENT_BUDGET = "government_budget", "政府预算"
        GOVERNMENT_FINAL_ACCOUNTS = "government_final_accounts", "政府决算"

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="budget_disclosures")
    year = models.PositiveIntegerField("年度")
    kind = models.CharField("类别", max_length=32, choices=Kind.choices)
    approved_on = models.DateField("批复（批准）日期", null=True, blank=True)
    item = models.ForeignKey(
        InfoItem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="公开的信息",
    )
    three_public_amount_10k = models.DecimalField(
        "“三公”经费（万元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "org__code", "kind"]
        constraints = [models.UniqueConstraint(fields=["org", "year", "kind"], name="uniq_budget_disclosure")]


class StandardCatalogEntry(models.Model):
    """One entry of an agency's 基层政务公开标准目录 (R-CAT), optionally linked to the column that fulfils it."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="standard_catalog")
    seq = models.CharField("序号", max_length=20, blank=True)
    domain = models.CharField("一级事项", max_length=100)
    matter = models.CharField("二级事项", max_length=200)
    content = models.TextField("公开内容（要素）")
    basis = models.TextField("公开依据", blank=True)
    time_limit = models.CharField("公开时限", max_length=200, blank=True)
    responsible = models.CharField("公开主体", max_length=200, blank=True)
    channels = models.CharField("公开渠道和载体", max_length=500, blank=True)
    audience = models.CharField("公开对象", max_length=50, blank=True)
    mode = models.CharField("公开方式", max_length=50, blank=True)
    level = models.CharField("公开层级", max_length=50, blank=True)
    column = models.ForeignKey(Column, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["org", "position", "id"]
