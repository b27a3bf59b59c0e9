"""Open data (数据开放): datasets per agency, their resources, parsed tables and API tokens."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce

from gongkai.opendata import rules
from gongkai.orgs.models import Organization


def resource_path(instance: Resource, filename: str) -> str:
    digest = instance.sha256 or "unknown"
    return f"opendata/{digest[:2]}/{digest}/{filename}"


class Tag(models.Model):
    name = models.CharField("标签", max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Dataset(models.Model):
    class Status(models.TextChoices):
        DRAFT = rules.DRAFT, "草稿"
        SUBMITTED = rules.SUBMITTED, "待审核"
        RETURNED = rules.RETURNED, "已退回"
        PUBLISHED = rules.PUBLISHED, "已发布"
        WITHDRAWN = rules.WITHDRAWN, "已撤回"

    class Frequency(models.TextChoices):
        REALTIME = "realtime", "实时"
        DAILY = "daily", "每日"
        WEEKLY = "weekly", "每周"
        MONTHLY = "monthly", "每月"
        QUARTERLY = "quarterly", "每季度"
        YEARLY = "yearly", "每年"
        IRREGULAR = "irregular", "不定期"

    class OpenType(models.TextChoices):
        UNCONDITIONAL = "unconditional", "无条件开放"
        CONDITIONAL = "conditional", "有条件开放"

    org = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="datasets", verbose_name="发布机构"
    )
    name = models.SlugField("标识（URL）", max_length=100, unique=True)
    title = models.CharField("名称", max_length=200)
    description = models.TextField("描述", blank=True)
    subject = models.CharField("主题分类", max_length=100, blank=True)
    domain = models.CharField("数据领域", max_length=100, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="datasets", verbose_name="标签")
    license_id = models.CharField("许可协议", max_length=100)
    update_frequency = models.CharField(
        "更新频率", max_length=16, choices=Frequency.choices, default="irregular"
    )
    temporal_start = models.DateField("时间范围起", null=True, blank=True)
    temporal_end = models.DateField("时间范围止", null=True, blank=True)
    spatial = models.CharField("空间范围", max_length=200, blank=True)
    contact_name = models.CharField("联系人", max_length=100, blank=True)
    contact_email = models.EmailField("联系邮箱", blank=True)
    contact_phone = models.CharField("联系电话", max_length=50, blank=True)
    open_type = models.CharField("开放类型", max_length=16, choices=OpenType.choices, default="unconditional")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=rules.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    modified_at = models.DateTimeField("修改时间", auto_now=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    review_comment = models.TextField("审核意见", blank=True)

    class Meta:
        ordering = ["-modified_at", "id"]
        indexes = [models.Index(fields=["status", "org"])]
        verbose_name = "数据集"
        verbose_name_plural = "数据集"

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status == rules.PUBLISHED


def proposal_path(instance: DatasetChange, filename: str) -> str:
    return f"opendata/proposals/{instance.dataset_id}/{filename}"


class DatasetChange(models.Model):
    """A metadata change of a published (or withdrawn) dataset proposed by agency staff who are not its data
    publisher: it waits for the agency's data publisher, who applies or rejects it — the review workflow for a
    dataset that is already public. `data` holds the fields given (dates as ISO strings, tags as a list); for a
    proposed new resource (kind "resource") its name, format and file name or link, the file in `resource_file`."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPLIED = "applied", "已采纳"
        REJECTED = "rejected", "未采纳"

    class Kind(models.TextChoices):
        METADATA = "metadata", "元数据修改"
        RESOURCE = "resource", "新增资源"

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices, default=Kind.METADATA)
    data = models.JSONField("修改内容")
    # The dataset's values of the proposed fields when the change was proposed (same JSON form as `data`): applying
    # is refused when one has been edited since, so that a stale proposal never overwrites a later edit.
    before = models.JSONField("提议时的内容", default=dict, blank=True)
    # A proposed resource (kind "resource"): its checked file, kept until the decision (or `data["url"]`, a link).
    resource_file = models.FileField(upload_to=proposal_path, blank=True, max_length=255)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.TextField("审核意见", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "数据集修改"
        verbose_name_plural = "数据集修改"


class Resource(models.Model):
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="resources")
    name = models.CharField("名称", max_length=200)
    description = models.TextField("描述", blank=True)
    format = models.CharField("格式", max_length=16)
    file = models.FileField(upload_to=resource_path, blank=True, max_length=255)
    url = models.URLField("外部链接", max_length=1000, blank=True)
    size = models.BigIntegerField("大小（字节）", default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    download_count = models.PositiveIntegerField("下载次数", default=0)
    position = models.IntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_upload(self) -> bool:
        return bool(self.file)

    @property
    def filename(self) -> str:
        """The file's own name in download URLs ("link" for a link)."""
        return self.file.name.rsplit("/", 1)[-1] if self.file else "link"


class DatastoreTable(models.Model):
    """The parsed table of one CSV/XLSX resource. Rows are JSON in DatastoreRow — never a SQL table per resource."""

    class Status(models.TextChoices):
        PENDING = "pending", "待解析"
        OK = "ok", "已解析"
        TRUNCATED = "truncated", "已截断"
        FAILED = "failed", "解析失败"

    resource = models.OneToOneField(Resource, on_delete=models.CASCADE, related_name="datastore")
    status = models.CharField(max_length=16, choices=Status.choices)
    message = models.TextField("说明", blank=True)
    encoding = models.CharField(max_length=32, blank=True)
    # [{"id": "列名", "type": "text|int|numeric|date"}]
    fields = models.JSONField(default=list)
    row_count = models.PositiveIntegerField(default=0)
    # [{"code", "message", "row"?, "column"?}]
    issues = models.JSONField(default=list)
    parsed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["status", "id"])]

    @property
    def is_ready(self) -> bool:
        """Parsed (completely or truncated at the row cap): rows can be read."""
        return self.status in (self.Status.OK, self.Status.TRUNCATED)


class DatastoreRow(models.Model):
    table = models.ForeignKey(DatastoreTable, on_delete=models.CASCADE, related_name="rows")
    rownum = models.PositiveIntegerField()
    data = models.JSONField()
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["table", "rownum"]
        constraints = [models.UniqueConstraint(fields=["table", "rownum"], name="uniq_datastore_row")]


class UsageDay(models.Model):
    """Views, downloads or API calls of one day, for a dataset, a resource of it, or (API calls such as searches)
    neither. Written in batches by `services.usage_flush` (opendata/usage.py); the statistics sum these rows."""

    class Kind(models.TextChoices):
        VIEW = "view", "浏览"
        DOWNLOAD = "download", "下载"
        API = "api", "API 调用"

    day = models.DateField("日期")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    dataset = models.ForeignKey(Dataset, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    resource = models.ForeignKey(Resource, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    count = models.PositiveBigIntegerField("次数", default=0)

    class Meta:
        indexes = [models.Index(fields=["day", "kind", "dataset", "resource"])]
        # One row per day and key, NULL dataset/resource included (coalesced to 0: portable to SQLite, where
        # `nulls_distinct=False` is not supported). Concurrent flushes rely on it (services.usage_flush).
        constraints = [
            models.UniqueConstraint(
                "day",
                "kind",
                Coalesce("dataset_id", Value(0)),
                Coalesce("resource_id", Value(0)),
                name="uniq_usage_day_key",
            )
        ]
        verbose_name = "使用统计"
        verbose_name_plural = "使用统计"


class ApiToken(models.Model):
    """An API token: only its SHA-256 is stored; the token itself is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=100, blank=True)
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class AccessApplication(models.Model):
    """An application for the data of a 有条件开放 dataset. The applicant holds a code (shown once, stored hashed)
    that opens the dataset's files once the agency's data publisher approves."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已同意"
        REJECTED = "rejected", "未同意"
        REVOKED = "revoked", "已撤销"

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="access_applications")
    applicant_name = models.CharField("申请人", max_length=100)
    applicant_org = models.CharField("单位", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=50)
    email = models.EmailField("电子邮箱", blank=True)
    purpose = models.TextField("用途")
    status = models.CharField(max_length=16, choices=Status.choices, default="pending")
    code_prefix = models.CharField(max_length=8)
    code_hash = models.CharField(max_length=64, unique=True)
    reply = models.TextField("答复", blank=True)
    valid_until = models.DateField("有效期至", null=True, blank=True)
    # The applicant's CKAN API key (issued on the dataset page once approved, shown once, only its hash kept);
    # it opens the dataset's tables and signed file links to `ckanapi` while the approval holds.
    api_key_prefix = models.CharField(max_length=12, blank=True)
    api_key_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    api_key_issued_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]


class DataRequest(models.Model):
    """数据需求: the public asks an agency (or the platform) for data that is not open yet; the agency replies."""

    class Status(models.TextChoices):
        OPEN = "open", "待答复"
        ANSWERED = "answered", "已答复"

    org = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="data_requests"
    )
    title = models.CharField("需求名称", max_length=200)
    description = models.TextField("需求说明")
    requester_name = models.CharField("提出人", max_length=100)
    contact = models.CharField("联系方式", max_length=100)
    status = models.CharField(max_length=16, choices=Status.choices, default="open")
    reply = models.TextField("答复", blank=True)
    dataset = models.ForeignKey(Dataset, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replied_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
