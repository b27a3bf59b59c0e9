"""建议提案办理结果 (R-INT-3), 办事指南 (R-WEB-4), 权责清单, 政策问答库.

No side effects in save() (PolicyQA.save only derives its masked search copy); every write is in services.py.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from gongkai.core.pii import mask_text
from gongkai.orgs.models import Organization
from gongkai.policy import rules
from gongkai.publishing.models import InfoItem

STATUS_CHOICES = [(k, v) for k, v in rules.STATUS_LABELS.items()]


class ProposalReply(models.Model):
    """The published reply of a handling unit to one 人大代表建议 or 政协提案."""

    class Kind(models.TextChoices):
        SUGGESTION = "suggestion", "建议"
        PROPOSAL = "proposal", "提案"

    class ProposerType(models.TextChoices):
        NPC_DEPUTY = "npc_deputy", "人大代表"
        CPPCC_MEMBER = "cppcc_member", "政协委员"
        PARTY = "party", "党派团体"
        COMMITTEE = "committee", "专门委员会"
        SECTOR = "sector", "界别"
        OTHER = "other", "其他"

    class ReplyType(models.TextChoices):
        A = "A", "A类（已解决或采纳）"
        B = "B", "B类（正在解决或列入计划解决）"
        C = "C", "C类（因条件限制暂不能解决）"

    org = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="proposal_replies", verbose_name="承办单位"
    )
    external_id = models.CharField("外部编号", max_length=200, unique=True, null=True, blank=True)
    co_handlers = models.ManyToManyField(
        Organization, blank=True, related_name="co_handled_replies", verbose_name="协办单位"
    )
    kind = models.CharField("类别", max_length=16, choices=Kind.choices)
    number = models.PositiveIntegerField("编号")
    session = models.CharField("届次", max_length=50)
    proposer_type = models.CharField("提出者类型", max_length=16, choices=ProposerType.choices)
    proposer = models.CharField("提出者", max_length=200)
    subject = models.CharField("主题", max_length=200)
    title = models.CharField("公开标题", max_length=300)
    reply_type = models.CharField("答复类型", max_length=1, choices=ReplyType.choices)
    reply_date = models.DateField("答复日期")
    body = models.TextField("答复全文")
    status = models.CharField("状态", max_length=16, choices=STATUS_CHOICES, default=rules.DRAFT)
    drafter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    publisher = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-reply_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "kind", "session", "number"], name="uniq_proposal_reply")
        ]
        indexes = [models.Index(fields=["status", "reply_date"])]
        verbose_name = "建议提案答复"
        verbose_name_plural = "建议提案答复"

    def __str__(self) -> str:
        return self.title

    @property
    def number_display(self) -> str:
        return f"第{self.number}号"


class ServiceGuide(models.Model):
    """办事指南: the working copy an agency edits; the public sees the latest `GuideVersion`."""

    org = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="service_guides", verbose_name="所属机关"
    )
    external_id = models.CharField("外部编号", max_length=200, unique=True, null=True, blank=True)
    name = models.CharField("事项名称", max_length=200)
    basis = models.TextField("设定依据", blank=True)
    conditions = models.TextField("申请条件", blank=True)
    materials = models.TextField("办理材料", blank=True)
    location = models.TextField("办理地点", blank=True)
    handling_org = models.CharField("办理机构", max_length=200, blank=True)
    fees = models.TextField("收费标准", blank=True)
    hours = models.TextField("办理时间", blank=True)
    phone = models.CharField("联系电话", max_length=200, blank=True)
    process = models.TextField("办理流程", blank=True)
    status = models.CharField("状态", max_length=16, choices=STATUS_CHOICES, default=rules.DRAFT)
    version = models.PositiveIntegerField("当前版本", default=0)
    withdrawn_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["org", "name", "id"]
        verbose_name = "办事指南"
        verbose_name_plural = "办事指南"

    def __str__(self) -> str:
        return self.name


class GuideVersion(models.Model):
    """One publication of a guide, kept for ever (immutable)."""

    guide = models.ForeignKey(ServiceGuide, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    note = models.CharField("变更说明", max_length=500, blank=True)
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["guide", "-number"]
        constraints = [models.UniqueConstraint(fields=["guide", "number"], name="uniq_guide_version")]


class PowerListVersion(models.Model):
    """One version of an agency's 权责清单: the single working copy (draft, no number) or a published,
    immutable version numbered 1, 2, …"""

    org = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="power_lists", verbose_name="所属机关"
    )
    number = models.PositiveIntegerField("版本号", null=True, blank=True)
    status = models.CharField("状态", max_length=16, choices=STATUS_CHOICES, default=rules.DRAFT)
    note = models.TextField("变更说明", blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["org", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["org"], condition=Q(status=rules.DRAFT), name="uniq_power_list_working_copy"
            ),
            models.UniqueConstraint(
                fields=["org", "number"], condition=Q(number__isnull=False), name="uniq_power_list_number"
            ),
        ]
        verbose_name = "权责清单版本"
        verbose_name_plural = "权责清单版本"

    def __str__(self) -> str:
        return f"{self.org} 权责清单 v{self.number}" if self.number else f"{self.org} 权责清单（工作稿）"


class PowerEntry(models.Model):
    version = models.ForeignKey(PowerListVersion, on_delete=models.CASCADE, related_name="entries")
    key = models.CharField(max_length=32, help_text="stable across versions; the diff matches entries by it")
    position = models.PositiveIntegerField(default=0)
    name = models.CharField("事项名称", max_length=300)
    category = models.CharField("类别", max_length=16, choices=list(rules.POWER_CATEGORIES))
    basis = models.TextField("依据")
    responsible = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name="责任主体"
    )
    remarks = models.TextField("备注", blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="uniq_power_entry_key")]

    def __str__(self) -> str:
        return self.name


class PolicyQA(models.Model):
    """政策问答: a question and its answer, citing published documents."""

    org = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="policy_qas", verbose_name="答复机关"
    )
    external_id = models.CharField("外部编号", max_length=200, unique=True, null=True, blank=True)
    title = models.CharField("标题", max_length=200)
    question = models.TextField("问题")
    answer = models.TextField("答复")
    status = models.CharField("状态", max_length=16, choices=STATUS_CHOICES, default=rules.DRAFT)
    drafter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    publisher = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=500, blank=True)
    # What the public keyword filter matches: question and answer as they are shown, personal numbers masked
    # (R-PII-1..3) — matching the raw text would let anyone confirm a masked number digit by digit.
    search_text = models.TextField(blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = "政策问答"
        verbose_name_plural = "政策问答"

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = qa_search_text(self.question, self.answer)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"question", "answer"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)


def qa_search_text(question: str, answer: str) -> str:
    """The masked copy of an answer's question and answer that the public filter searches."""
    return mask_text(f"{question}\n{answer}")


class QACitation(models.Model):
    """A document an answer relies on, named by 索引号 or 文号 when it was cited.

    An imported citation names its document by external id (`target_external_id`, as exports name items); while that
    document is not on the platform the citation waits with no `item` (pending), like a publishing `ItemRelation`,
    and `services.qa_citations_resolve` links it when the document arrives (the item import, the Q&A import, the
    tick)."""

    qa = models.ForeignKey(PolicyQA, on_delete=models.CASCADE, related_name="citations")
    item = models.ForeignKey(
        InfoItem, null=True, blank=True, on_delete=models.PROTECT, related_name="policy_citations"
    )
    target_external_id = models.CharField("所引文件的外部编号", max_length=200, blank=True, db_index=True)
    # Empty only while pending when the importing line named no reference; filled from the document when it arrives.
    ref = models.CharField("引用时的索引号或文号", max_length=100, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["qa", "item"], name="uniq_qa_citation"),
            models.UniqueConstraint(
                fields=["qa", "target_external_id"],
                condition=~Q(target_external_id=""),
                name="uniq_qa_citation_target",
            ),
        ]

    @property
    def pending(self) -> bool:
        """Imported, and the cited document is not on the platform yet."""
        return self.item_id is None

    @property
    def cited_as(self) -> str:
        """The reference shown: as cited, or (pending, cited with no reference) the document's external id."""
        return self.ref or self.target_external_id
