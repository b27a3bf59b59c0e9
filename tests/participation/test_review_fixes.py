"""Review findings (issue 8): large article numbers, control characters, masked Open311, import safety."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from gongkai.participation import consultation_rules as rules
from gongkai.participation import services
from gongkai.participation.models import Comment, Consultation
from gongkai.participation.services import CommentData, ConsultationData

BIG_DRAFT = "\n".join(f"第{rules.article_label(n)[1:-1]}条 内容{n}。" for n in range(1, 1003))


def _open(org, publisher, draft: str = "第一条 为了规范养犬行为，制定本规定。") -> Consultation:
    today = timezone.localdate()
    return services.consultation_open(
        actor=publisher,
        org=org,
        data=ConsultationData(
            title="某市养犬管理规定（草案）",
            draft_text=draft,
            explanation="起草说明。",
            opens_on=today,
            closes_on=today + timedelta(days=29),
            short_reason="",
        ),
    )


def _import(tmp_path: Path, rows: list) -> tuple[int, str]:
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    err = io.StringIO()
    try:
        call_command("consultations", "import", str(path), stdout=io.StringIO(), stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), err.getvalue()
    return 0, err.getvalue()


def _line(org, **kw) -> dict:
    base = {
        "external_id": "ZJ-2025-009",
        "org": org.code,
        "title": "某市养犬管理规定（草案）",
        "draft_text": "第一条 为了规范养犬行为，制定本规定。\n第二条 本规定自公布之日起施行。",
        "explanation": "起草说明。",
        "opens_on": "2025-03-01",
        "closes_on": "2025-03-30",
        "status": "closed",
        "questions": [{"text": "您是否养犬？", "kind": "multiple", "choices": ["是", "否"]}],
        "comments": [{"external_id": "c1", "body": "建议放宽遛狗时间。", "article": 1}],
    }
    base.update(kw)
    return base


# ---------------------------------------------------------------- P2: 第1000条 and beyond


def test_article_numerals_round_trip_past_a_thousand():
    for n in range(1, 10000):
        label = rules.article_label(n)
        assert rules.chinese_number(label[1:-1]) == n, label
    assert rules.article_label(1000) == "第一千条"
    assert rules.article_label(1010) == "第一千零一十条"
    assert rules.article_label(2305) == "第二千三百零五条"
    assert rules.article_label(12000) == "第12000条"
    assert rules.article_label(0) == "第0条"


def test_parse_articles_ignores_absurd_numbers():
    articles = rules.parse_articles(BIG_DRAFT + "\n第99999条 引用。")
    assert len(articles) == 1002
    assert articles[-1].label == "第一千零二条" and "第99999条" in articles[-1].text


@pytest.mark.django_db
def test_a_draft_past_article_1000_can_be_read_commented_and_imported(agency, publisher, client, tmp_path):
    c = _open(agency.org, publisher, BIG_DRAFT)
    page = reverse("participation:consultation", args=[c.pk])
    r = client.get(page)
    assert r.status_code == 200 and "第一千零一条" in r.content.decode()
    assert services.comment_problems(c, CommentData(body="建议修改。", article=1001)) == {}
    comment = services.comment_submit(
        consultation=c, data=CommentData(body="建议修改。", article=1001), address="x"
    )
    assert comment.article_label == "第一千零一条"
    status, err = _import(
        tmp_path, [_line(agency.org, draft_text=BIG_DRAFT, comments=[{"body": "好", "article": 1000}])]
    )
    assert status == 0, err
    assert Comment.objects.get(consultation__external_id="ZJ-2025-009").article == 1000
