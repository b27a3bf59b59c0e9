"""Annual reports (政府信息公开工作年度报告, R-RPT-1…5): one per agency and year, and the pre-platform baseline.

No side effects in save() and no signals: every write is in `services.py`. Tables 三 and 四 are never stored as typed
numbers: they are computed from the request records each time (`selectors.report_data`); what is stored is what staff
enter (table 二 cells, figures handled outside the platform, the texts, the designated agencies) and, at publication,
a frozen copy of the whole report (`snapshot`) that the public page and the downloads show.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from gongkai.orgs.models import Organization
from gongkai.reports import workflow


class AnnualReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = workflow.DRAFT, "草稿"
        PUBLISHED = workflow.PUBLISHED, "已发布"
        WITHDRAWN = workflow.WITHDRAWN, "已撤回"

    org = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="annual_reports", verbose_name="机关"
    )
    year = models.PositiveIntegerField("年度")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    # Government report (第五十条(四)): the agencies whose records are added to the government's own.
    included_orgs = models.ManyToManyField(
        Organization, blank=True, related_name="+", verbose_name="汇总的机关"
    )
    # Table 二 cells entered by staff {row: {col: "value"}} (strings: whole numbers or 万元 decimals).
    table2_manual = models.JSONField("表二填报数", default=dict, blank=True)
    # Requests handled outside the platform, added to table 三 {row: {col: n}} and table 四 {kind: {result: n}}.
    table3_extra = models.JSONField("表三平台外数", default=dict, blank=True)
    table4_extra = models.JSONField("表四平台外数", default=dict, blank=True)
    text_overview = models.TextField("一、总体情况", blank=True)
    text_problems = models.TextField("五、存在的主要问题及改进情况", blank=True)
    text_other = models.TextField("六、其他需要报告的事项", blank=True)
    snapshot = models.JSONField("发布版本", default=dict, blank=True)
    revision = models.PositiveIntegerField("发布版次", default=0)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_reason = models.CharField("撤回原因", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "org__code"]
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="uniq_annual_report")]
        verbose_name = "政府信息公开工作年度报告"
        verbose_name_plural = "政府信息公开工作年度报告"

    def __str__(self) -> str:
        return f"{self.org.name}{self.year}年政府信息公开工作年度报告"

    @property
    def title(self) -> str:
        return str(self)


class CarryBaseline(models.Model):
    """Before the platform: the 结转下年度继续办理 figures of `year` (per applicant column) from the agency's own
    report, so that 上年结转 of its first year on the platform (year + 1) is right."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", verbose_name="机关")
    year = models.PositiveIntegerField("年度")
    counts = models.JSONField("结转下年度数量", default=dict)
    note = models.CharField("说明", max_length=500, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="uniq_carry_baseline"),
            models.CheckConstraint(condition=Q(year__gte=2000), name="carry_baseline_year"),
        ]
        verbose_name = "上线前结转数"
        verbose_name_plural = "上线前结转数"
