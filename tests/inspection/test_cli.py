"""`gongkai inspect` (contracts.md: stdout carries the result; exit 2 for usage errors, unknown org, bad date)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from gongkai.inspection.models import Finding, InspectionRun, OrgVerdict
from gongkai.orgs.models import User
from gongkai.publishing.models import InfoItem
from tests.inspection.helpers import AS_OF, bare_agency, column, put

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("inspect", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    else:
        code = 0
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def agencies():
    good = bare_agency("g")
    put(good, AS_OF)
    bad = bare_agency("b")
    item = put(bad, AS_OF - timedelta(days=30), columns=[column(bad, "要闻", "news")])
    InfoItem.objects.filter(pk=item.pk).update(
        external_id="EXT-1", body_html='<p><a href="/items/999999/">x</a></p>'
    )
    for i in range(5):
        column(bad, f"空栏目{i}")
    return good, bad


def test_json_shape(agencies):
    good, bad = agencies
    code, out, err = run("--json", "--as-of", AS_OF.isoformat(), "--no-network")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert set(data) == {"as_of", "site", "orgs"} and data["as_of"] == "2025-06-30"
    # R-WEB-1: the site's homepage is fresh (one agency published today); 5 empty columns over the site
    assert set(data["site"]) == {"verdict", "vetoes", "score"}
    assert data["site"]["verdict"] == "fail" and data["site"]["vetoes"] == ["empty_columns"]
    by_code = {o["code"]: o for o in data["orgs"]}
    assert set(by_code) == {good.org.code, bad.org.code}
    for org in data["orgs"]:
        assert set(org) == {"code", "verdict", "vetoes", "score", "findings"}
        assert org["verdict"] in {"pass", "fail"} and isinstance(org["score"], int)
        for f in org["findings"]:
            assert (
                {"code", "rule", "detail"}
                <= set(f)
                <= {"code", "rule", "column", "item_external_id", "detail"}
            )
    assert by_code[good.org.code] == {
        "code": good.org.code,
        "verdict": "pass",
        "vetoes": [],
        "score": 100,
        "findings": [],
    }
    b = by_code[bad.org.code]
    assert b["verdict"] == "fail"
    assert b["vetoes"] == ["empty_columns", "homepage_stale"]
    assert {"code": "empty_column", "rule": "R-WEB-1", "column": "空栏目0"}.items() <= next(
        f for f in b["findings"] if f.get("column") == "空栏目0"
    ).items()
    link = next(f for f in b["findings"] if f["code"] == "broken_link")
    assert link["item_external_id"] == "EXT-1" and "column" not in link
    stale = next(f for f in b["findings"] if f["code"] == "stale_column")
    assert stale["column"] == "要闻" and "item_external_id" not in stale


def test_item_without_external_id_is_named_by_pk():
    a = bare_agency("p")
    item = put(a, AS_OF, body_html='<p><a href="/nowhere/">x</a></p>')
    _, out, _ = run("--json", "--as-of", AS_OF.isoformat(), "--no-network", "--org", a.org.code)
    [org] = json.loads(out)["orgs"]
    assert [f["item_external_id"] for f in org["findings"]] == [f"pk:{item.pk}"]


def test_no_network_checks_only_internal_links(monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("network used")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    a = bare_agency("x")
    put(
        a,
        AS_OF,
        body_html='<p><a href="https://www.example.gov.cn/gone">外</a><a href="/items/999999/">内</a></p>',
    )
    code, out, _ = run("--json", "--no-network", "--as-of", AS_OF.isoformat(), "--org", a.org.code)
    assert code == 0
    [org] = json.loads(out)["orgs"]
    assert [f["code"] for f in org["findings"]] == ["broken_link"]
    assert "/items/999999/" in org["findings"][0]["detail"]


def test_org_filter_and_lower_case_code(agencies):
    good, _ = agencies
    code, out, _ = run("--json", "--org", good.org.code.lower(), "--as-of", AS_OF.isoformat(), "--no-network")
    assert code == 0
    assert [o["code"] for o in json.loads(out)["orgs"]] == [good.org.code]


def test_text_output(agencies):
    code, out, _ = run("--as-of", AS_OF.isoformat(), "--no-network")
    assert code == 0
    assert "检查日期：2025-06-30" in out
    assert "不合格" in out and "单项否决" in out and "[empty_column]" in out


def test_past_date_is_not_stored_today_is(agencies):
    run("--as-of", AS_OF.isoformat(), "--no-network")
    assert not Finding.objects.exists()
    code, _, _ = run("--no-network")
    assert code == 0
    assert Finding.objects.exists() and OrgVerdict.objects.count() == 2
    code, out, _ = run("--json", "--no-network", "--as-of", timezone.localdate().isoformat())
    assert json.loads(out)["as_of"] == timezone.localdate().isoformat()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--org", "NOSUCHORG"], "unknown_org"),
        (["--as-of", "2025-02-30"], "日期不存在"),
        (["--as-of", "30/06/2025"], "日期格式不正确"),
    ],
)
def test_exit_2_with_nothing_on_stdout(db, args, message):
    code, out, err = run(*args)
    assert code == 2
    assert out == ""
    assert message in err


def test_usage_error():
    with pytest.raises(CommandError):
        call_command("inspect", "--no-such-option")


def test_usage_error_exits_2_from_the_command_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "gongkai.cli", "inspect", "--bogus"],
        capture_output=True,
        text=True,
        env={"GONGKAI_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""


def test_report_writes_the_monthly_bulletin(agencies, tmp_path):
    import io as _io

    from docx import Document

    from gongkai.inspection.models import Bulletin

    month = f"{timezone.localdate():%Y-%m}"
    assert run("--no-network")[0] == 0  # a stored run of today
    out = tmp_path / "tongbao.docx"
    code, stdout, _ = run("report", "--month", month, "--fix-by", "2031-01-31", "--out", str(out), "--json")
    assert code == 0
    data = json.loads(stdout)
    assert data["fix_by"] == "2031-01-31" and Bulletin.objects.filter(kind="monthly").count() == 1
    ranked = [r for r in data["rows"] if r["rank"] is not None]
    assert ranked and ranked == sorted(ranked, key=lambda r: r["rank"])
    doc = Document(_io.BytesIO(out.read_bytes()))
    names = [row.cells[1].text for row in doc.tables[0].rows[1:]]
    assert names == [r["name"] for r in data["rows"]]


@pytest.mark.parametrize(
    "args",
    [
        ("report",),
        ("report", "--month", "2026-13"),
        ("report", "--month", "2026-01", "--fix-by", "2026-02-30"),
    ],
)
def test_report_usage_errors_exit_2(args):
    code, stdout, stderr = run(*args)
    assert code == 2 and stdout == "" and stderr


def test_site_verdict_counts_the_thresholds_over_all_agencies(client):
    """R-WEB-1/3 for the whole site: 3 + 3 empty columns veto the site though neither agency alone; the
    empty_column cap (15) applies once to the site's score."""
    agencies = [bare_agency("s1"), bare_agency("s2")]
    today = timezone.localdate()
    for a in agencies:
        put(a, today)
        for i in range(3):
            column(a, f"空栏目{i}")
    codes = [a.org.code for a in agencies]
    code, out, _ = run("--json", "--no-network")  # as of today: stored
    assert code == 0
    data = json.loads(out)
    mine = [o for o in data["orgs"] if o["code"] in codes]
    assert [(o["verdict"], o["vetoes"], o["score"]) for o in mine] == [("pass", [], 91)] * 2
    assert data["site"] == {"verdict": "fail", "vetoes": ["empty_columns"], "score": 85}
    _, text, _ = run("--no-network", "--as-of", (today - timedelta(days=1)).isoformat())
    assert "全站：不合格，得分 85；单项否决：" in text
    # the run as of today is stored with the site's verdict, shown on the office's index
    stored = InspectionRun.objects.get(scope="")
    assert (stored.site_verdict, stored.site_score, stored.site_vetoes) == ("fail", 85, ["empty_columns"])
    admin = User.objects.create_user(
        username="site-admin", password="x-Password-2026", is_platform_admin=True
    )
    client.force_login(admin)
    page = client.get("/staff/inspection/").content.decode()
    assert 'id="site-verdict"' in page and "不合格</strong>，得分 85；单项否决：" in page
