"""`gongkai search QUERY [--json] [--limit N]`, `gongkai search reindex` and `gongkai search -- reindex`."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import base, call_command
from django.utils import timezone

from gongkai import cli
from gongkai.search import progress
from gongkai.search.models import SearchDocument
from tests.factories import publish

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("search", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return (exc.code if isinstance(exc.code, int) else 1), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_search_prints_one_line_per_result_with_external_id(agency):
    item = publish(agency, "关于做好防汛工作的通知", doc_no="示人社发〔2026〕8号")
    publish(agency, "防汛物资储备公告")
    status, out, err = run("防汛", "通知")
    assert status == 0
    assert out.splitlines() == [
        f"pk:{item.pk}\t{timezone.localdate(item.published_at).isoformat()}\t关于做好防汛工作的通知\t示人社发〔2026〕8号"
    ]
    assert "共找到 1 条" in err


def test_search_json_and_limit(agency):
    for n in range(3):
        publish(agency, f"防汛通知第{n}号")
    status, out, _ = run("防汛", "--json", "--limit", "2")
    assert status == 0
    data = json.loads(out)
    assert data["query"] == "防汛" and data["total"] == 3 and len(data["results"]) == 2
    assert {
        "external_id",
        "index_no",
        "title",
        "doc_no",
        "org",
        "published_at",
        "url",
        "score",
        "snippet",
    } <= set(data["results"][0])
    assert data["facets"]["org"][0]["count"] == 3


def test_search_usage_errors_exit_2(agency):
    assert run()[0] == 2  # no query: guidance on stderr
    status, out, err = run("防汛", "--from", "2025-99-01")
    assert status == 2 and out == "" and "bad_date" in err
    assert run("防汛", "--org", "NOSUCH")[0] == 2
    assert run("防汛", "--limit", "0")[0] == 2


def test_reindex_prints_plain_progress_when_not_a_terminal(agency, monkeypatch):
    publish(agency, "重建索引前的通知")
    SearchDocument.objects.all().delete()
    monkeypatch.setattr(progress.Progress, "LOG_INTERVAL", 0.0)
    status, out, err = run("reindex", "--batch-size", "1")
    assert status == 0 and out == ""
    assert "重建索引" in err and "1/1" in err and "条/s" in err
    assert "已索引 1 条，移除 0 条" in err and "\r" not in err
    assert run("重建索引前的通知")[1].count("\n") == 1


@pytest.fixture
def keep_connection(monkeypatch):
    """run_from_argv closes the database connections when it ends: not the test's own."""
    monkeypatch.setattr(base.connections, "close_all", lambda: None)


def test_double_dash_searches_the_word_reindex(agency, capsys, keep_connection):
    publish(agency, "关于 reindex 一词的说明")
    SearchDocument.objects.exclude(item__title__contains="reindex").delete()
    before = SearchDocument.objects.count()
    cli.main(["search", "--", "reindex"])  # the word after -- is the query
    captured = capsys.readouterr()
    assert "关于 reindex 一词的说明" in captured.out and "共找到 1 条" in captured.err
    assert SearchDocument.objects.count() == before


def test_reindex_word_without_double_dash_rebuilds(agency, capsys, keep_connection):
    publish(agency, "将被重建的通知")
    SearchDocument.objects.all().delete()
    cli.main(["search", "reindex"])
    assert "已索引 1 条" in capsys.readouterr().err
    assert SearchDocument.objects.count() == 1
