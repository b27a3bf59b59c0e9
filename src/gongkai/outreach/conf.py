"""Deployment settings of the outreach app with their defaults (docs/outreach.md lists them)."""

from __future__ import annotations

from django.conf import settings

from gongkai.outreach import rules


def targets() -> rules.Targets:
    """R-INT-4 response targets in hours: GONGKAI_OPINION_TARGET_HOURS = {"authoritative": 5, "press_conference":
    24, "answer": 48} (any key may be left out)."""
    given = dict(getattr(settings, "GONGKAI_OPINION_TARGET_HOURS", {}) or {})
    default = rules.Targets()
    return rules.Targets(
        authoritative_hours=int(given.get("authoritative", default.authoritative_hours)),
        press_conference_hours=int(given.get("press_conference", default.press_conference_hours)),
        answer_hours=int(given.get("answer", default.answer_hours)),
    )


def submit_limit() -> tuple[int, int]:
    """Public posts (interview questions, survey answers) one client address may make per window; default 10 per
    10 minutes."""
    return (
        int(getattr(settings, "GONGKAI_OUTREACH_SUBMIT_LIMIT", 10)),
        int(getattr(settings, "GONGKAI_OUTREACH_SUBMIT_WINDOW_SECONDS", 600)),
    )


def survey_answers_per_address() -> int:
    """Answers to one survey from one client address within a day (offices and schools share an address)."""
    return int(getattr(settings, "GONGKAI_SURVEY_ANSWERS_PER_ADDRESS_PER_DAY", 20))


def question_max() -> int:
    return int(getattr(settings, "GONGKAI_INTERVIEW_QUESTION_MAX", 1000))


def attention_days() -> int:
    """How far back the staff list of cases that missed an R-INT-4 target looks (overdue promises: any age)."""
    return int(getattr(settings, "GONGKAI_OPINION_ATTENTION_DAYS", 90))
