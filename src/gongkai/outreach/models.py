"""舆情回应台账 (R-INT-4), 在线访谈 and 网上调查. States and labels come from the pure `rules` module."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from gongkai.outreach import rules


def _choices(labels: dict[str, str]) -> list[tuple[str, str]]:
    return list(labels.items())


class OpinionCase(models.Model):
    """One 政务舆情 case in the agency's ledger."""

    org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="责任机关"
    )
    title = models.CharField("舆情事项", max_length=200)
    summary = models.TextField("事项概述")
    source = models.CharField("舆情来源", max_length=200)
    first_seen_at = models.DateTimeField("首次发现时间")
    level = models.CharField("级别", max_length=20, choices=_choices(rules.LEVEL_LABELS))
    public = models.BooleanField("在公开台账中公布", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-first_seen_at", "-id"]
        verbose_name = "舆情回应事项"
        verbose_name_plural = "舆情回应事项"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__in=list(rules.LEVEL_LABELS)), name="outreach_case_level_valid"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def level_label(self) -> str:
        return rules.LEVEL_LABELS.get(self.level, self.level)


class CaseResponse(models.Model):
    case = models.ForeignKey(OpinionCase, on_delete=models.CASCADE, related_name="responses")
    kind = models.CharField("回应方式", max_length=20, choices=_choices(rules.RESPONSE_KINDS))
    at = models.DateTimeField("回应时间")
    summary = models.TextField("回应内容")
    url = models.URLField("原文链接", blank=True, max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "回应"
        verbose_name_plural = "回应"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"

    def as_rule(self) -> rules.Response:
        return rules.Response(self.kind, self.at, self.pk)


class CasePromise(models.Model):
    """A promise made in a response (整改、调查结果公布 …) and how it was kept."""

    case = models.ForeignKey(OpinionCase, on_delete=models.CASCADE, related_name="promises")
    text = models.TextField("承诺事项")
    due_on = models.DateField("承诺兑现日期")
    outcome = models.CharField(
        "兑现情况", max_length=12, choices=_choices(rules.PROMISE_OUTCOMES), default=rules.PENDING
    )
    settled_on = models.DateField("兑现（认定）日期", null=True, blank=True)
    settlement = models.TextField("兑现情况说明", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = "承诺事项"
        verbose_name_plural = "承诺事项"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=list(rules.PROMISE_OUTCOMES)), name="outreach_promise_outcome"
            )
        ]

    def __str__(self) -> str:
        return self.text[:30]

    def state(self, today: object) -> str:
        return rules.promise_state(
            outcome=self.outcome,
            due_on=self.due_on,
            settled_on=self.settled_on,
            today=today,  # type: ignore[arg-type]
        )


class Interview(models.Model):
    org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="机关"
    )
    title = models.CharField("访谈主题", max_length=200)
    guests = models.TextField("访谈嘉宾", help_text="每行一位，如：市教育局局长 张某某")
    description = models.TextField("访谈简介", blank=True)
    scheduled_at = models.DateTimeField("访谈时间")
    status = models.CharField(
        "状态", max_length=12, choices=_choices(rules.INTERVIEW_STATUS), default=rules.SCHEDULED
    )
    transcript = models.TextField("文字实录", blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-scheduled_at", "-id"]
        verbose_name = "在线访谈"
        verbose_name_plural = "在线访谈"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=list(rules.INTERVIEW_STATUS)), name="outreach_interview_status"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def status_label(self) -> str:
        return rules.INTERVIEW_STATUS.get(self.status, self.status)

    @property
    def guest_list(self) -> list[str]:
        return [g.strip() for g in self.guests.splitlines() if g.strip()]


class InterviewQuestion(models.Model):
    """A question sent in before the interview. Name and contacts are never shown publicly."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="questions")
    body = models.TextField("问题")
    body_hash = models.CharField(max_length=64, db_index=True)
    name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("电话", max_length=30, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    status = models.CharField(
        "审核状态", max_length=12, choices=_choices(rules.QUESTION_STATUS), default=rules.Q_PENDING
    )
    withhold_reason = models.CharField(
        "不予公开原因", max_length=20, choices=_choices(rules.WITHHOLD_REASONS), blank=True
    )
    answer = models.TextField("答复", blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["submitted_at", "id"]
        verbose_name = "网友提问"
        verbose_name_plural = "网友提问"

    def __str__(self) -> str:
        return self.body[:30]


class Survey(models.Model):
    org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="机关"
    )
    title = models.CharField("调查标题", max_length=200)
    description = models.TextField("调查说明", blank=True)
    opens_on = models.DateField("开始日期")
    closes_on = models.DateField("结束日期")
    results_live = models.BooleanField("调查期间公开实时结果", default=False)
    closed_early_on = models.DateField("提前结束日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "-id"]
        verbose_name = "网上调查"
        verbose_name_plural = "网上调查"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")), name="outreach_survey_period"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def phase(self, today: object) -> str:
        return rules.survey_phase(
            opens_on=self.opens_on,
            closes_on=self.closes_on,
            closed_early=self.closed_early_on is not None,
            today=today,  # type: ignore[arg-type]
        )


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField("题型", max_length=10, choices=_choices(rules.QUESTION_KINDS))
    text = models.CharField("题目", max_length=rules.QUESTION_MAX)

    class Meta:
        ordering = ["survey", "position"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "position"], name="outreach_question_position")
        ]

    def __str__(self) -> str:
        return self.text


class SurveyOption(models.Model):
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField()
    label = models.CharField("选项", max_length=rules.OPTION_MAX)

    class Meta:
        ordering = ["question", "position"]

    def __str__(self) -> str:
        return self.label


class SurveyResponse(models.Model):
    """One person's answers. `voter` is the random id of the signed cookie; `address_hash` a keyed hash of the
    client address (the address itself is not kept)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    voter = models.CharField(max_length=64)
    address_hash = models.CharField(max_length=64, db_index=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "voter"], name="outreach_one_answer_per_voter")
        ]


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    option = models.ForeignKey(
        SurveyOption, null=True, blank=True, on_delete=models.CASCADE, related_name="answers"
    )
    text = models.TextField(blank=True)

    class Meta:
        # The results are two grouped scans of these (selectors.survey_results).
        indexes = [
            models.Index(fields=["question", "option"], name="outreach_answer_q_opt"),
            models.Index(fields=["question", "response"], name="outreach_answer_q_resp"),
        ]
