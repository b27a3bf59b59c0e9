"""Inspection (检查指标): findings with their history, per-agency verdicts, the rules kept as data."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from gongkai.inspection.rules import CODE_LABELS
from gongkai.orgs.models import Organization
from gongkai.publishing.models import Column, InfoItem


class ColumnPolicy(models.Model):
    """Inspection-side facts about a column: 惩戒公示 / 强制性披露 columns may carry personal data (R-PII-1)."""

    class Exemption(models.TextChoices):
        NONE = "", "无"
        SANCTION = "sanction", "惩戒公示"
        MANDATORY = "mandatory", "强制性披露"

    column = models.OneToOneField(Column, on_delete=models.CASCADE, related_name="inspection_policy")
    pii_exemption = models.CharField("个人信息豁免", max_length=16, choices=Exemption.choices, blank=True)
    basis = models.CharField("豁免依据", max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "栏目检查设置"
        verbose_name_plural = "栏目检查设置"


class SensitiveWord(models.Model):
    """The deployment's word list, kept by the 政务公开办: blocked words, and allowed phrases that contain them."""

    class Kind(models.TextChoices):
        BLOCK = "block", "敏感词"
        ALLOW = "allow", "允许词"

    word = models.CharField("词语", max_length=50)
    kind = models.CharField("类型", max_length=8, choices=Kind.choices, default=Kind.BLOCK)
    note = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "word"]
        constraints = [models.UniqueConstraint(fields=["word", "kind"], name="uniq_sensitive_word")]
        verbose_name = "敏感词"
        verbose_name_plural = "敏感词"

    def __str__(self) -> str:
        return self.word


class DeductionRule(models.Model):
    """R-WEB-3: one deduction (key = finding code or code:qualifier, points each, cap; cap 0 = none)."""

    key = models.CharField("扣分项", max_length=50, unique=True)
    label = models.CharField("名称", max_length=100)
    points = models.PositiveIntegerField("每项扣分")
    cap = models.PositiveIntegerField("扣分上限", default=0, help_text="0 表示不设上限")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key"]
        verbose_name = "扣分规则"
        verbose_name_plural = "扣分规则"

    def __str__(self) -> str:
        return self.key


class InspectionRun(models.Model):
    as_of = models.DateField("检查日期", db_index=True)
    scope = models.CharField("范围", max_length=20, blank=True, help_text="空为全部单位，否则为单位代码")
    network = models.BooleanField("检查外部链接", default=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    finding_count = models.PositiveIntegerField(default=0)
    # R-WEB-1/3 the whole site's verdict over the agencies inspected (empty for runs stored before it existed)
    site_verdict = models.CharField("全站检查结果", max_length=8, blank=True)
    site_score = models.IntegerField("全站得分", null=True, blank=True)
    site_vetoes = models.JSONField("全站单项否决", default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]


class Finding(models.Model):
    """One problem seen by the inspection. Open while `resolved_at` is empty; kept for ever once resolved.

    `key` identifies the same problem across runs (code + agency + column/item + what was found): at most one
    open finding per key; a problem that comes back after being resolved opens a new row."""

    key = models.CharField(max_length=64, db_index=True)
    code = models.CharField("问题类型", max_length=32, db_index=True)
    rule = models.CharField("依据", max_length=16)
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="inspection_findings")
    column = models.ForeignKey(Column, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    item = models.ForeignKey(InfoItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    score_key = models.CharField(max_length=50, blank=True)
    detail = models.TextField("说明")
    target = models.CharField(
        "对象", max_length=1000, blank=True, help_text="链接、敏感词或个人信息的遮蔽形式"
    )
    exemption = models.CharField("豁免", max_length=100, blank=True)
    data = models.JSONField(default=dict, blank=True)
    first_seen_at = models.DateTimeField("首次发现")
    last_seen_at = models.DateTimeField("最近发现")
    resolved_at = models.DateTimeField("已整改", null=True, blank=True)

    class Meta:
        ordering = ["org", "code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=Q(resolved_at__isnull=True), name="uniq_open_finding"
            )
        ]
        indexes = [models.Index(fields=["org", "resolved_at"])]

    @property
    def label(self) -> str:
        return CODE_LABELS.get(self.code, self.code)


class OrgVerdict(models.Model):
    """An agency's verdict and score in one run (R-WEB-1/3), kept for the history of 通报."""

    run = models.ForeignKey(InspectionRun, on_delete=models.CASCADE, related_name="verdicts")
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="inspection_verdicts")
    verdict = models.CharField(max_length=8)
    score = models.IntegerField()
    vetoes = models.JSONField(default=list)
    deductions = models.JSONField(default=list)
    bonus = models.IntegerField(default=0)  # R-WEB-3 portal bonus, included in `score`

    class Meta:
        ordering = ["-run__started_at", "org__code"]
        constraints = [models.UniqueConstraint(fields=["run", "org"], name="uniq_run_org_verdict")]


class LinkCheck(models.Model):
    """The answer for one external URL, reused for a day (GONGKAI_LINKCHECK_CACHE_HOURS)."""

    url_hash = models.CharField(max_length=64, unique=True)
    url = models.TextField()
    state = models.CharField(max_length=16)
    reason = models.CharField(max_length=40)
    status = models.IntegerField(null=True, blank=True)
    checked_at = models.DateTimeField(db_index=True)


class Precheck(models.Model):
    """The check of an item's body and attachments when it is submitted (issue 10 item 5; R-PII-1, R-PUB-9).

    `matches` never holds the raw personal data: each entry is {kind, label, source, start, end, masked, before,
    after} with the context masked. A pending precheck must be confirmed by the reviewer (“已核实，确认发布”)
    before the item is approved, or the item is returned; a one-click mask updates the record."""

    class State(models.TextChoices):
        CLEAN = "clean", "未发现问题"
        PENDING = "pending", "待审核人核实"
        CONFIRMED = "confirmed", "已核实，确认发布"

    item = models.ForeignKey(InfoItem, on_delete=models.CASCADE, related_name="+")
    state = models.CharField("状态", max_length=12, choices=State.choices)
    matches = models.JSONField(default=list)
    exemption = models.CharField("豁免", max_length=400, blank=True)
    exempt_count = models.PositiveIntegerField("豁免的个人信息数", default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["item", "-id"])]


class Assessment(models.Model):
    """A year-end (or any-period) assessment of the agencies by the 政务公开办 (issue 10 item 6).

    draft (indicators edited) → open (scores entered, 社会评议 vote open) → closed (vote closed; 通报 generated)."""

    class State(models.TextChoices):
        DRAFT = "draft", "设置指标"
        OPEN = "open", "评分中"
        CLOSED = "closed", "已结束"

    title = models.CharField("名称", max_length=200)
    year = models.PositiveIntegerField("年度")
    as_of = models.DateField("考核截止日期")
    state = models.CharField("状态", max_length=8, choices=State.choices, default=State.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = "考核"
        verbose_name_plural = "考核"

    def __str__(self) -> str:
        return self.title


class Indicator(models.Model):
    """One indicator with its weight (points). How it is scored is its `kind`:

    inspection — weight × the agency's latest inspection score / 100 as of the assessment date (0 under a veto);
    findings — weight minus `per_finding` for each open finding whose code is in `codes` (deadlines: 超期公开,
    缺少解读, 留言超期 …), never below 0; manual — scored by hand (0…weight); vote — weight × the mean rating of the
    社会评议 vote (满意 100, 基本满意 60, 不满意 0)."""

    class Kind(models.TextChoices):
        INSPECTION = "inspection", "网站检查得分"
        FINDINGS = "findings", "按问题扣分"
        MANUAL = "manual", "人工评分"
        VOTE = "vote", "社会评议"

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField("指标", max_length=100)
    kind = models.CharField("计分方式", max_length=12, choices=Kind.choices)
    weight = models.PositiveIntegerField("分值")
    codes = models.JSONField("问题类型", default=list, blank=True)
    per_finding = models.PositiveIntegerField("每个问题扣分", default=0)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["assessment", "sort_order", "id"]


class ManualScore(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="manual_scores")
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    score = models.DecimalField("得分", max_digits=6, decimal_places=2)
    note = models.CharField("说明", max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["indicator", "org"], name="uniq_manual_score")]


class Vote(models.Model):
    """One citizen's rating of one agency in an assessment's 社会评议. `voter` is a keyed hash of a random
    token kept in the voter's signed cookie (one vote per person per agency); `address` a keyed hash of the
    client address (a cap per address). No personal data is stored."""

    class Rating(models.IntegerChoices):
        SATISFIED = 100, "满意"
        FAIR = 60, "基本满意"
        UNSATISFIED = 0, "不满意"

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="votes")
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    voter = models.CharField(max_length=64)
    address = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "org", "voter"], name="uniq_vote")]


class Bulletin(models.Model):
    """A 通报: the monthly 检查情况通报 or an assessment's result. `data` is the whole content as generated
    (ranking, each agency's problems, the deadline to fix); the page and the Word document are drawn from it."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", "检查情况通报"
        ASSESSMENT = "assessment", "考核结果通报"

    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    title = models.CharField("标题", max_length=200)
    period = models.CharField("期间", max_length=20)
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    fix_by = models.DateField("整改期限")
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField("公开时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "通报"
        verbose_name_plural = "通报"


class WorkPlan(models.Model):
    """The year's 政务公开工作要点 entered as a task ledger (台账, issue 10 item 7)."""

    year = models.PositiveIntegerField("年度")
    title = models.CharField("名称", max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = "工作要点"
        verbose_name_plural = "工作要点"

    def __str__(self) -> str:
        return self.title


class Task(models.Model):
    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="tasks")
    number = models.CharField("序号", max_length=20, blank=True)
    category = models.CharField("类别", max_length=200, blank=True)
    title = models.TextField("任务")
    deadline = models.DateField("完成时限", null=True, blank=True)
    deadline_text = models.CharField("时限原文", max_length=100, blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["plan", "sort_order", "id"]


class TaskUnit(models.Model):
    """One responsible unit of a task: it reports its own progress; the office reviews it (回头看)."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "未开始"
        IN_PROGRESS = "in_progress", "推进中"
        DONE = "done", "已完成"

    class Review(models.TextChoices):
        NONE = "", "未复核"
        PASSED = "passed", "已落实"
        PARTIAL = "partial", "部分落实"
        FAILED = "failed", "未落实"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="units")
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    lead = models.BooleanField("牵头", default=True)
    status = models.CharField("进展", max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    progress = models.TextField("进展情况", blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    review = models.CharField("回头看", max_length=8, choices=Review.choices, blank=True)
    review_note = models.CharField("复核意见", max_length=500, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["task", "-lead", "id"]
        constraints = [models.UniqueConstraint(fields=["task", "org"], name="uniq_task_unit")]


class TaskEvidence(models.Model):
    """佐证材料: a published item of the agency, a link, or a note."""

    unit = models.ForeignKey(TaskUnit, on_delete=models.CASCADE, related_name="evidence")
    item = models.ForeignKey(InfoItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    url = models.URLField("链接", max_length=1000, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["unit", "id"]


class BonusAward(models.Model):
    """R-WEB-3 加分项 for a portal (门户网站: an agency of kind 人民政府): an award by the 政务公开办 counted for a year
    from `awarded_on`; the sum counts up to 30 points."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    label = models.CharField("加分事项", max_length=200)
    points = models.PositiveIntegerField("加分")
    awarded_on = models.DateField("认定日期")
    note = models.CharField("说明", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-awarded_on", "-id"]
