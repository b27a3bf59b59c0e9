"""`gongkai import orgs FILE.jsonl` (contracts.md "Files → Organizations"); files are written by the test."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from gongkai.core.errors import ApplicationError
from gongkai.orgs.importers import org_line_dump, org_line_parse
from gongkai.orgs.models import Organization
from gongkai.orgs.selectors import effective_level
from gongkai.publishing.models import Column

pytestmark = pytest.mark.django_db

PROVINCE = "000014349"
CITY = "123456788"
BUREAU = "GK0000018"
USCC = "91350100M000100Y43"  # a valid 统一社会信用代码


def run(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    else:
        code = 0
    return code, out.getvalue(), err.getvalue()


def write_jsonl(path: Path, *lines: Any) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for line in lines:
            fh.write((line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n")
    return path


def test_orgs_are_created_with_their_column_skeleton(tmp_path):
    path = write_jsonl(
        tmp_path / "orgs.jsonl",
        {
            "code": PROVINCE,
            "name": "某省人民政府",
            "short_name": "省政府",
            "kind": "government",
            "level": "province",
            "doc_prefix": "某政",
            "address": "某市某路1号",
            "postcode": "050000",
            "phone": "0311-12345678",
            "email": "gk@example.gov.cn",
            "office_hours": "工作日 9:00-17:00",
            "website": "https://www.example.gov.cn",
        },
        {
            "code": CITY,
            "name": "某市人民政府",
            "kind": "government",
            "level": "city",
            "parent_code": PROVINCE,
        },
        {"code": BUREAU, "name": "某市教育局", "kind": "department", "parent_code": CITY},
    )
    status, out, err = run("import", "orgs", str(path))
    assert status == 0, err
    assert out == ""
    assert "导入 3 条，跳过 0 条" in err

    province = Organization.objects.get(code=PROVINCE)
    assert province.short_name == "省政府" and province.postcode == "050000"
    assert province.website == "https://www.example.gov.cn"
    bureau = Organization.objects.get(code=BUREAU)
    assert bureau.parent is not None and bureau.parent.code == CITY
    assert bureau.level == "" and effective_level(bureau) == "city"  # inherited from the parent
    for org in Organization.objects.all():
        roots = set(Column.objects.filter(org=org, parent=None).values_list("name", flat=True))
        assert {"政府信息公开指南", "法定主动公开内容", "政府信息公开年报"} <= roots
    # 第二十一条 columns follow the inherited city level (R-PUB-2).
    assert Column.objects.filter(org=bureau, statutory_code__startswith="a21.").count() == 7


def test_bad_lines_are_reported_and_skipped(tmp_path):
    path = write_jsonl(
        tmp_path / "orgs.jsonl",
        {"code": CITY, "name": "某市人民政府", "kind": "government", "parent_code": PROVINCE},  # parent later
        {"code": PROVINCE, "name": "某省人民政府", "kind": "government", "level": "province"},
        {"code": "000014350", "name": "校验位错误", "kind": "department"},
        {"code": BUREAU, "kind": "department"},
        {"code": BUREAU, "name": "某局", "kind": "ministry"},
        "[1, 2",
        {"code": USCC, "name": "某公司", "kind": "public_institution", "postcode": "12345"},
        {"code": USCC, "name": "某公司", "kind": "public_institution", "website": "not a url"},
        {"code": USCC, "name": "某公司", "kind": "public_institution", "parent_code": USCC},
    )
    status, out, err = run("import", "orgs", str(path))
    assert status == 1
    assert out == ""
    for expected in (
        "line 1: unknown_org ",
        "line 3: bad_code ",
        "line 4: missing_field ",
        "line 5: bad_kind ",
        "line 6: bad_json ",
        "line 7: bad_postcode ",
        "line 8: bad_url ",
        "line 9: self_relation ",
    ):
        assert expected in err
    assert "line 2:" not in err
    assert "导入 1 条，跳过 8 条" in err
    assert list(Organization.objects.values_list("code", flat=True)) == [PROVINCE]
    assert not Column.objects.exclude(org__code=PROVINCE).exists()


def test_reimport_updates_in_place(tmp_path):
    line = {"code": PROVINCE, "name": "某省人民政府", "kind": "government", "level": "province"}
    path = write_jsonl(tmp_path / "orgs.jsonl", line)
    assert run("import", "orgs", str(path))[0] == 0
    columns = Column.objects.count()
    write_jsonl(path, {**line, "name": "某省人民政府（更名）", "phone": "0311-1"})
    status, _, err = run("import", "orgs", str(path))
    assert status == 0 and "导入 1 条，跳过 0 条" in err
    assert Organization.objects.count() == 1
    org = Organization.objects.get()
    assert org.name == "某省人民政府（更名）" and org.phone == "0311-1"
    assert Column.objects.count() == columns  # the skeleton is not duplicated


def test_codes_are_normalized_and_a_uscc_is_accepted(tmp_path):
    path = write_jsonl(
        tmp_path / "orgs.jsonl",
        {"code": "00001434-9", "name": "某省人民政府", "kind": "government", "level": "province"},
        {"code": USCC.lower(), "name": "某公司", "kind": "public_institution", "parent_code": "000014349"},
    )
    status, _, err = run("import", "orgs", str(path))
    assert status == 0, err
    assert Organization.objects.get(code=USCC).parent == Organization.objects.get(code=PROVINCE)


def test_line_parser_and_dump_round_trip():
    line = org_line_parse({"code": CITY, "name": " 某市 ", "kind": "government", "postcode": 50000})
    assert line.code == CITY and line.parent_code is None
    assert line.fields["name"] == "某市" and line.fields["postcode"] == "50000"
    with pytest.raises(ApplicationError) as info:
        org_line_parse({"code": CITY, "name": "某市", "kind": "government", "address": "长" * 201})
    assert info.value.code == "too_long"
    org = Organization.objects.create(code=CITY, name="某市", kind="government", level="city")
    dumped = org_line_dump(org)
    assert dumped["code"] == CITY and dumped["parent_code"] is None and dumped["level"] == "city"
    assert org_line_parse(dumped).fields["name"] == "某市"
