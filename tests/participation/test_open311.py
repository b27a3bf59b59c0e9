"""Open311 GeoReport v2 at /open311/v2/: JSON and XML (parsed), the spec's error shape, keys stored hashed, a posted
request is a message in the loop, and the writer's personal data never appears in any response."""

from __future__ import annotations

import io
import json
from datetime import date
from xml.etree import ElementTree as ET

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from gongkai.core.models import AuditEntry
from gongkai.participation import selectors, services
from gongkai.participation.models import Message, Open311Key, Open311Service
from gongkai.participation.services import ActionParams, ServiceData
from tests.participation.factories import WRITER, make_message

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"
ROAD = [
    {
        "code": "severity",
        "datatype": "singlevaluelist",
        "required": True,
        "description": "破损程度",
        "values": [{"key": "minor", "name": "轻微"}, {"key": "serious", "name": "严重"}],
    }
]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def setup(agency):
    services.open311_service_set(
        actor=None,
        data=ServiceData(
            code="road-damage", name="道路破损", category="投诉", org=agency.org, attributes=ROAD
        ),
    )
    services.open311_service_set(
        actor=None, data=ServiceData(code="streetlight", name="路灯故障", category="求助", org=agency.org)
    )
    out, err = io.StringIO(), io.StringIO()
    call_command("open311", "key", "create", "--name", "市民通App", stdout=out, stderr=err)
    return agency, out.getvalue().strip()


def post(client: Client, key: str, fmt: str = "json", **fields):
    data = {
        "api_key": key,
        "service_code": "road-damage",
        "description": "幸福路与和平街交叉口东侧路面塌陷，约一米宽，夜间很危险。",
        "lat": "31.230416",
        "long": "121.473701",
        "attribute[severity]": "serious",
        "first_name": WRITER["name"][1:],
        "last_name": WRITER["name"][0],
        "phone": WRITER["phone"],
        "email": WRITER["email"],
        "public": "true",
    }
    data.update(fields)
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(f"{BASE}/requests.{fmt}", data)


def errors_of(response) -> list[dict]:
    if "xml" in response["Content-Type"]:
        root = ET.fromstring(response.content)
        assert root.tag == "errors"
        return [{"code": int(e.findtext("code")), "description": e.findtext("description")} for e in root]
    return json.loads(response.content)


def test_key_printed_once_and_stored_hashed(setup):
    _agency, raw = setup
    key = Open311Key.objects.get()
    assert raw.startswith("o311_") and len(raw) > 30
    assert raw not in key.key_hash and key.prefix == raw[:12]
    assert key.name == "市民通App"
    assert AuditEntry.objects.filter(action="open311.key_create").exists()
    assert not AuditEntry.objects.filter(data__icontains=raw).exists()


def test_services_json_and_xml(setup, client):
    r = client.get(f"{BASE}/services.json")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/json")
    by_code = {s["service_code"]: s for s in r.json()}
    assert by_code["road-damage"]["metadata"] is True and by_code["streetlight"]["metadata"] is False
    assert (
        by_code["road-damage"]["service_name"] == "道路破损" and by_code["road-damage"]["type"] == "realtime"
    )
    root = ET.fromstring(client.get(f"{BASE}/services.xml").content)
    assert root.tag == "services"
    assert {s.findtext("service_code") for s in root.findall("service")} == {"road-damage", "streetlight"}
    assert root.find("service/metadata").text in {"true", "false"}


def test_service_definition(setup, client):
    d = client.get(f"{BASE}/services/road-damage.json").json()
    assert d["service_code"] == "road-damage"
    (attr,) = d["attributes"]
    assert attr["code"] == "severity" and attr["required"] is True and attr["variable"] is True
    assert [v["key"] for v in attr["values"]] == ["minor", "serious"]
    root = ET.fromstring(client.get(f"{BASE}/services/road-damage.xml").content)
    assert root.tag == "service_definition"
    assert [v.findtext("key") for v in root.findall("attributes/attribute/values/value")] == [
        "minor",
        "serious",
    ]
    # No attributes / unknown service: 404 in the error shape.
    for code in ("streetlight", "nope"):
        r = client.get(f"{BASE}/services/{code}.json")
        assert r.status_code == 404 and errors_of(r)[0]["code"] == 404


def test_post_creates_the_same_message_and_follows_the_loop(setup, client):
    agency, key = setup
    r = post(client, key)
    assert r.status_code == 201, r.content
    (created,) = r.json()
    m = Message.objects.get()
    assert created["service_request_id"] == m.tracking_no
    assert m.org == agency.org and m.category == "投诉" and m.service.code == "road-damage"
    assert m.writer_name == WRITER["name"] and m.writer_phone == WRITER["phone"]
    assert m.attributes == {"severity": "serious"} and str(m.lat) == "31.230416"
    assert m.due_on is not None  # the clock runs as for a message written on the site
    # The query code in the notice opens the writer's tracking page.
    code = created["service_notice"].split("查询码 ")[1][:10]
    assert selectors.get_message_for_writer(tracking_no=m.tracking_no, query_code=code, address="t") == m
    detail = client.get(f"{BASE}/requests/{m.tracking_no}.json").json()[0]
    assert detail["status"] == "open" and detail["status_notes"] == "待受理"
    assert detail["service_code"] == "road-damage" and detail["agency_responsible"] == agency.org.name
    assert detail["lat"] == pytest.approx(31.230416) and detail["expected_datetime"]
    # Through the loop: the reply becomes status_notes, 办结 makes it closed.
    services.message_transition(actor=agency.handler, message=m, action="accept")
    services.message_transition(
        actor=agency.handler, message=m, action="reply", params=ActionParams(text="已安排养护单位当日修复。")
    )
    detail = client.get(f"{BASE}/requests/{m.tracking_no}.json").json()[0]
    assert detail["status"] == "open" and detail["status_notes"] == "已安排养护单位当日修复。"
    services.message_transition(actor=agency.handler, message=Message.objects.get(), action="close")
    root = ET.fromstring(client.get(f"{BASE}/requests/{m.tracking_no}.xml").content)
    assert root.tag == "service_requests"
    assert root.findtext("request/status") == "closed"
    assert root.findtext("request/service_request_id") == m.tracking_no


def test_post_xml_answer(setup, client):
    _agency, key = setup
    r = post(client, key, fmt="xml")
    assert r.status_code == 201
    root = ET.fromstring(r.content)
    assert root.findtext("request/service_request_id") == Message.objects.get().tracking_no


@pytest.mark.parametrize(
    ("fields", "status", "key"),
    [
        ({"api_key": "o311_wrong"}, 403, "bad_api_key"),
        ({"api_key": ""}, 403, "bad_api_key"),
        ({"service_code": "unknown"}, 404, "unknown_service"),
        ({"service_code": ""}, 400, "missing_field"),
        ({"lat": "91", "long": "121"}, 400, "bad_coordinate"),
        ({"lat": "abc", "long": "121"}, 400, "bad_coordinate"),
        ({"lat": "NaN", "long": "121"}, 400, "bad_coordinate"),
        ({"lat": "31.2", "long": None}, 400, "bad_coordinate"),
        ({"lat": None, "long": None}, 400, "missing_location"),
        ({"attribute[severity]": "huge"}, 400, "bad_attribute"),
        ({"attribute[severity]": None}, 400, "missing_attribute"),
        ({"attribute[colour]": "red"}, 400, "unknown_attribute"),
        ({"description": "<script>alert(1)</script>路面塌陷"}, 400, "bad_description"),
        ({"description": "😀😀😀"}, 400, "bad_description"),
        ({"description": "坑" * 50_000}, 400, "bad_description"),
        ({"description": ""}, 400, "bad_description"),
        ({"email": "not-an-email"}, 400, "bad_email"),
        ({"media_url": "javascript:alert(1)"}, 400, "bad_media_url"),
        ({"description": "路面\x00塌陷"}, 400, "bad_character"),
    ],
)
def test_post_errors_in_the_spec_shape(setup, client, fields, status, key):
    _agency, raw = setup
    fields = dict(fields)
    use_key = fields.pop("api_key", raw)
    for fmt in ("json", "xml"):
        r = post(client, use_key, fmt, **fields)
        assert r.status_code == status, r.content
        (error,) = errors_of(r)
        assert error["code"] == status and error["description"].startswith(f"{key}: ")
    assert not Message.objects.exists()


def test_revoked_key_is_refused(setup, client):
    _agency, raw = setup
    out, err = io.StringIO(), io.StringIO()
    call_command("open311", "key", "revoke", "--prefix", raw[:12], stdout=out, stderr=err)
    r = post(client, raw)
    assert r.status_code == 403 and errors_of(r)[0]["description"].startswith("bad_api_key")


def test_duplicate_within_a_minute_and_throttle(setup, client, settings):
    _agency, raw = setup
    assert post(client, raw).status_code == 201
    r = post(client, raw)
    assert r.status_code == 409 and errors_of(r)[0]["description"].startswith("duplicate")
    settings.GONGKAI_OPEN311_POST_LIMIT = 3
    codes = [post(client, raw, description=f"第{i}处路面破损，请尽快修复。").status_code for i in range(4)]
    assert codes[-1] == 429
    assert errors_of(post(client, raw, description="又一处路面破损。"))[0]["code"] == 429


def test_gets_throttled_per_client_address(setup, client, settings):
    settings.GONGKAI_OPEN311_GET_LIMIT = 3
    urls = [f"{BASE}/services.json", f"{BASE}/discovery.xml", f"{BASE}/requests.json"]
    assert [client.get(u).status_code for u in urls] == [200, 200, 200]
    r = client.get(f"{BASE}/requests.xml")
    assert r.status_code == 429
    (error,) = errors_of(r)
    assert error["code"] == 429 and error["description"].startswith("too_many")
    # Another client address has its own count; a POST is counted per key and address, not here.
    assert client.get(f"{BASE}/services.json", REMOTE_ADDR="198.51.100.7").status_code == 200
    _agency, raw = setup
    assert post(client, raw).status_code == 201


def test_get_requests_filters_and_errors(setup, client):
    agency, raw = setup
    assert post(client, raw).status_code == 201
    site, _ = make_message(
        agency.org, category="咨询", received_on=date.today(), subject="公交线路", body="何时恢复？"
    )
    make_message(agency.org, category="举报", received_on=date.today(), subject="举报内容", body="举报正文")
    ids = {r["service_request_id"] for r in client.get(f"{BASE}/requests.json").json()}
    assert site.tracking_no in ids and len(ids) == 2  # the 举报 is never listed
    only = client.get(f"{BASE}/requests.json", {"service_code": "consult"}).json()
    assert [r["service_request_id"] for r in only] == [site.tracking_no]
    assert only[0]["service_name"] == "咨询"
    assert client.get(f"{BASE}/requests.json", {"status": "closed"}).json() == []
    assert len(client.get(f"{BASE}/requests.json", {"status": "open"}).json()) == 2
    assert (
        client.get(
            f"{BASE}/requests.json", {"start_date": "2000-01-01T00:00:00Z", "end_date": "2000-02-01"}
        ).json()
        == []
    )
    one = client.get(f"{BASE}/requests.json", {"service_request_id": site.tracking_no.lower()}).json()
    assert [r["service_request_id"] for r in one] == [site.tracking_no]
    root = ET.fromstring(client.get(f"{BASE}/requests.xml").content)
    assert len(root.findall("request")) == 2
    for params, key in (
        ({"start_date": "yesterday"}, "bad_date"),
        ({"start_date": "2026-01-01T25:00:00+08:00"}, "bad_date"),
        ({"end_date": "2026-13-01"}, "bad_date"),
        ({"end_date": "9999999-01-01"}, "bad_date"),
        ({"status": "pending"}, "bad_status"),
        ({"start_date": "2026-02-01", "end_date": "2026-01-01"}, "bad_date"),
    ):
        r = client.get(f"{BASE}/requests.json", params)
        assert r.status_code == 400 and errors_of(r)[0]["description"].startswith(key)
    # The earliest date there is: no default window before it, no server error (review P5).
    r = client.get(f"{BASE}/requests.json", {"end_date": "0001-01-01"})
    assert r.status_code == 200 and r.json() == []
    r = client.get(f"{BASE}/requests.json", {"service_code": "nope"})
    assert r.status_code == 404
    for url in (f"{BASE}/requests/LY-1999-000001.json", f"{BASE}/requests.yaml", f"{BASE}/services.csv"):
        r = client.get(url)
        assert r.status_code == 404 and errors_of(r)[0]["code"] == 404


def test_personal_data_never_in_any_response(setup, client):
    agency, raw = setup
    assert post(client, raw).status_code == 201
    private = post(client, raw, description="另一处破损，请勿公开。", public=None)
    assert private.status_code == 201
    make_message(agency.org, category="咨询", received_on=date.today(), public=False)
    # A consented message whose own text, reply and location hold personal numbers: masked as on the public page.
    told, _ = make_message(
        agency.org,
        category="求助",
        received_on=date.today(),
        body=f"我的电话{WRITER['phone']}，身份证号{WRITER['id_number']}，请尽快回电。",
    )
    Message.objects.filter(pk=told.pk).update(
        reply_text=f"已电话联系{WRITER['phone']}。",
        replied_on=date.today(),
        location=f"联系{WRITER['phone']}",
    )
    for m in Message.objects.all():
        m.writer_id_number, m.writer_address = WRITER["id_number"], WRITER["address"]
        m.save()
    urls = [f"{BASE}/requests.{f}" for f in ("json", "xml")] + [
        f"{BASE}/services.{f}" for f in ("json", "xml")
    ]
    urls += [f"{BASE}/requests/{m.tracking_no}.{f}" for m in Message.objects.all() for f in ("json", "xml")]
    for url in urls:
        body = client.get(url).content.decode()
        for value in WRITER.values():
            assert value not in body, (url, value)
    # A request the writer did not agree to publish shows its status, never its text or location.
    pid = private.json()[0]["service_request_id"]
    rec = client.get(f"{BASE}/requests/{pid}.json").json()[0]
    assert rec["description"] == "" and rec["lat"] is None and rec["status"] == "open"
    rec = client.get(f"{BASE}/requests/{told.tracking_no}.json").json()[0]
    assert rec["description"].startswith("我的电话139") and "请尽快回电" in rec["description"]
    assert rec["status_notes"].startswith("已电话联系") and rec["address"].startswith("联系")


def test_defaults_command_and_service_codes(agency, client):
    out, err = io.StringIO(), io.StringIO()
    call_command("open311", "service", "defaults", "--org", agency.org.code, stdout=out, stderr=err)
    codes = set(Open311Service.objects.values_list("code", flat=True))
    assert {"consult", "complaint", "road-damage", "manhole"} <= codes
    with pytest.raises(SystemExit) as exc:
        call_command(
            "open311",
            "service",
            "set",
            "x",
            "--name",
            "X",
            "--category",
            "闲聊",
            "--org",
            agency.org.code,
            stdout=out,
            stderr=err,
        )
    assert exc.value.code == 2
    with pytest.raises(SystemExit):
        call_command("open311", "service", "defaults", "--org", "nope", stdout=out, stderr=err)


def test_discovery(setup, client):
    d = client.get(f"{BASE}/discovery.json").json()
    (endpoint,) = d["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2") and endpoint["formats"] == ["text/xml", "application/json"]
    assert d["changeset"] and d["key_service"]
    r = client.get(f"{BASE}/discovery.xml")
    assert r.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(r.content)
    assert root.tag == "discovery"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == [
        "text/xml",
        "application/json",
    ]
