"""Open311 GeoReport v2 at /open311/v2/ (issue 8 item 5; docs/participation.md "Open311").

JSON and XML of the same records; errors in the spec's shape `[{"code", "description"}]` with that HTTP status.
Personal fields (name, phone, e-mail, identity number, the writer's address) are never read into a response: the
records are built from an explicit list of fields, and a request's text, location, picture and reply only appear
when the writer agreed to publication (never for a 举报, which the API does not list at all).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from xml.etree import ElementTree as ET

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from gongkai.core.pii import mask_text
from gongkai.core.ratelimit import over_limit
from gongkai.core.textsafety import strip_control
from gongkai.core.throttle import client_address
from gongkai.participation import conf, open311_rules, selectors, services
from gongkai.participation.models import Message, Open311Service
from gongkai.participation.open311_rules import Open311Error

FORMATS = ("json", "xml")
CATEGORY_CODES = open311_rules.CATEGORY_CODES


# ---------------------------------------------------------------- rendering


def _xml_value(parent: ET.Element, name: str, value: Any) -> None:
    child = ET.SubElement(parent, name)
    if isinstance(value, list):
        inner = name[:-1] if name.endswith("s") else "item"
        for item in value:
            if isinstance(item, dict):
                _xml_dict(ET.SubElement(child, inner), item)
            else:
                ET.SubElement(child, inner).text = strip_control(str(item))
    elif isinstance(value, dict):
        _xml_dict(child, value)
    elif isinstance(value, bool):
        child.text = "true" if value else "false"
    elif value is not None:
        # XML 1.0 cannot hold control characters: a record stored before the input rule must not break the feed.
        child.text = strip_control(str(value))


def _xml_dict(element: ET.Element, record: dict[str, Any]) -> None:
    for name, value in record.items():
        _xml_value(element, name, value)


def _render(
    fmt: str, root: str, item: str, records: list[dict[str, Any]] | dict[str, Any], status: int = 200
) -> HttpResponse:
    if fmt == "xml":
        element = ET.Element(root)
        if isinstance(records, dict):
            _xml_dict(element, records)
        else:
            for record in records:
                _xml_dict(ET.SubElement(element, item), record)
        body = b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(element, encoding="utf-8")
        return HttpResponse(body, content_type="text/xml; charset=utf-8", status=status)
    return HttpResponse(
        json.dumps(records, ensure_ascii=False), content_type="application/json; charset=utf-8", status=status
    )


def _error(fmt: str, exc: Open311Error) -> HttpResponse:
    return _render(fmt if fmt in FORMATS else "json", "errors", "error", [exc.as_dict()], status=exc.status)


def _api(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Unknown formats and every Open311Error become the spec's error shape. GETs are throttled per client address
    (POSTs per key and address, in services.open311_request_submit)."""

    def wrapped(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
        try:
            if request.method != "POST":
                limit, window = conf.open311_get_limit()
                address = client_address(request.META)  # type: ignore[arg-type]
                if over_limit(f"open311-get-addr:{address}", limit=limit, window_seconds=window):
                    raise Open311Error(429, "too_many", "请求过于频繁，请稍后再试。")
            if fmt not in FORMATS:
                raise Open311Error(404, "bad_format", f"格式应为 json 或 xml：{fmt[:10]!r}。")
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as exc:
            return _error(fmt, exc)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# ---------------------------------------------------------------- records


def _service_record(s: Open311Service) -> dict[str, Any]:
    return {
        "service_code": s.code,
        "service_name": s.name,
        "description": s.description,
        "metadata": bool(s.attributes),
        "type": "realtime",
        "keywords": s.keywords,
        "group": s.group,
    }


def _attribute_record(d: dict[str, Any], order: int) -> dict[str, Any]:
    record: dict[str, Any] = {
        "variable": True,
        "code": str(d["code"]),
        "datatype": d.get("datatype", "string"),
        "required": bool(d.get("required")),
        "datatype_description": str(d.get("datatype_description", "")),
        "order": int(d.get("order", order)),
        "description": str(d.get("description", "")),
    }
    if d.get("values"):
        record["values"] = [
            {"key": str(v.get("key")), "name": str(v.get("name", v.get("key")))} for v in d["values"]
        ]
    return record


def _iso(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def _day_start(day: date | None) -> str | None:
    if day is None:
        return None
    return _iso(timezone.make_aware(datetime.combine(day, time.min)))


def _requested(m: Message) -> str | None:
    if timezone.localtime(m.submitted_at).date() == m.received_on:
        return _iso(m.submitted_at)
    return _day_start(m.received_on)


def request_record(m: Message) -> dict[str, Any]:
    """One service request. Built from named fields only: the writer's personal data is never read here."""
    public = selectors.open311_public(m)
    if m.service is not None:
        code, name = m.service.code, m.service.name
    else:
        code, name = CATEGORY_CODES.get(m.category, m.category), m.category
    if public and m.reply_text and m.replied_on:
        notes = mask_text(m.reply_text)  # the same masking as the public page (|mask_pii)
    else:
        notes = m.status_label
    expected = None
    if m.due_on is not None and m.status in {"received", "processing"}:
        expected = _iso(timezone.make_aware(datetime.combine(m.due_on, time(23, 59, 59))))
    return {
        "service_request_id": m.tracking_no,
        "status": open311_rules.geo_status(m.status),
        "status_notes": notes,
        "service_name": name,
        "service_code": code,
        "description": mask_text(m.body) if public else "",
        "agency_responsible": m.holder_org.name,
        "service_notice": "",
        "requested_datetime": _requested(m),
        "updated_datetime": _iso(m.updated_at),
        "expected_datetime": expected,
        "address": mask_text(m.location) if public else "",
        "address_id": "",
        "zipcode": "",
        "lat": float(m.lat) if public and m.lat is not None else None,
        "long": float(m.long) if public and m.long is not None else None,
        "media_url": m.media_url if public else "",
    }


# ---------------------------------------------------------------- views


@require_GET
@_api
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    """GeoReport service discovery: the one endpoint of this server, its formats and where to get a key."""
    changeset = _iso(selectors.open311_changeset())
    record = {
        "changeset": changeset,
        "contact": f"{settings.GONGKAI_SITE_NAME}政务公开办",
        "key_service": "请向平台管理员（政务公开办）申请 Open311 接口密钥；密钥只显示一次。",
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": request.build_absolute_uri("/open311/v2"),
                "changeset": changeset,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return _render(fmt, "discovery", "", record)


@require_GET
@_api
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    return _render(fmt, "services", "service", [_service_record(s) for s in selectors.open311_services()])


@require_GET
@_api
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    service = selectors.open311_service(code)
    if service is None:
        raise Open311Error(404, "unknown_service", f"未知的服务代码：{code[:40]!r}。")
    if not service.attributes:
        raise Open311Error(404, "no_attributes", f"服务 {service.code} 没有附加属性。")
    record = {
        "service_code": service.code,
        "attributes": [_attribute_record(d, i) for i, d in enumerate(service.attributes, start=1)],
    }
    return _render(fmt, "service_definition", "", record)


def _moment(raw: str, name: str) -> date:
    """An ISO 8601 date-time (its local date) or a date; anything else, or an impossible one, is `bad_date`."""
    raw = raw.strip()
    day: date | None
    try:
        if "T" in raw:
            moment = parse_datetime(raw)
            if moment is not None and timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            day = moment.date() if moment is not None else None
        else:
            day = parse_date(raw)
    except (ValueError, OverflowError):  # well formed but impossible (hour 25, month 13)
        day = None
    if day is None:
        raise Open311Error(400, "bad_date", f"{name} 应为 ISO 8601 日期时间，如 2026-03-05T00:00:00+08:00。")
    return day


def _filtered(request: HttpRequest) -> list[Message]:
    qs = selectors.open311_requests()
    ids = [i.strip().upper() for i in request.GET.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        return list(qs.filter(tracking_no__in=ids[:100]))
    start_raw, end_raw = request.GET.get("start_date", ""), request.GET.get("end_date", "")
    end = _moment(end_raw, "end_date") if end_raw else timezone.localdate()
    default = timedelta(days=open311_rules.MAX_DAYS_DEFAULT)
    # end_date=0001-01-01 is a valid date with no default window before it: start at the first day there is.
    start = (
        _moment(start_raw, "start_date")
        if start_raw
        else (end - default if end - date.min >= default else date.min)
    )
    if start > end:
        raise Open311Error(400, "bad_date", "start_date 不能晚于 end_date。")
    qs = qs.filter(received_on__gte=start, received_on__lte=end)
    code = request.GET.get("service_code", "").strip()
    if code:
        service = Open311Service.objects.filter(code=code).first()
        categories = [c for c, k in CATEGORY_CODES.items() if k == code]
        if service is None and not categories:
            raise Open311Error(404, "unknown_service", f"未知的服务代码：{code[:40]!r}。")
        q = Q(service=service) if service is not None else Q(pk__in=[])
        if categories:
            q |= Q(service__isnull=True, category__in=categories)
        qs = qs.filter(q)
    statuses = open311_rules.parse_statuses(request.GET.get("status", ""))
    if statuses == {open311_rules.OPEN}:
        qs = qs.exclude(status__in=open311_rules.CLOSED_STATES)
    elif statuses == {open311_rules.CLOSED}:
        qs = qs.filter(status__in=open311_rules.CLOSED_STATES)
    return list(qs[: open311_rules.MAX_RESULTS])


def _post_from(request: HttpRequest) -> services.Open311Post:
    if any("\x00" in v for _name, values in request.POST.lists() for v in values):
        raise Open311Error(400, "bad_character", "请求中含有不允许的字符（NUL）。")
    attributes: dict[str, list[str]] = {}
    for name in request.POST:
        if name.startswith("attribute[") and "]" in name:
            code = name[len("attribute[") : name.index("]")]
            attributes.setdefault(code, []).extend(request.POST.getlist(name))
    p = request.POST
    return services.Open311Post(
        service_code=p.get("service_code", ""),
        description=p.get("description", ""),
        lat=p.get("lat", ""),
        long=p.get("long", ""),
        address_string=p.get("address_string", ""),
        email=p.get("email", ""),
        first_name=p.get("first_name", ""),
        last_name=p.get("last_name", ""),
        phone=p.get("phone", ""),
        media_url=p.get("media_url", ""),
        attributes=attributes,
        public=p.get("public", "").strip().lower() in {"1", "true", "yes"},
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
@_api
def request_list(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        post = _post_from(request)
        key = services.open311_key_authenticate(request.POST.get("api_key", ""))
        if key is None:
            raise Open311Error(403, "bad_api_key", "api_key 无效或已吊销。")
        if not post.service_code.strip():
            raise Open311Error(400, "missing_field", "缺少 service_code。")
        created = services.open311_request_submit(
            key=key,
            post=post,
            address=client_address(request.META),  # type: ignore[arg-type]
        )
        notice = (
            f"已收到，编号 {created.message.tracking_no}，查询码 {created.query_code}"
            "（只显示这一次，可在网站“留言查询”中查看办理进度）。"
        )
        record = {
            "service_request_id": created.message.tracking_no,
            "service_notice": notice,
            "account_id": None,
        }
        return _render(fmt, "service_requests", "request", [record], status=201)
    return _render(fmt, "service_requests", "request", [request_record(m) for m in _filtered(request)])


@require_GET
@_api
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    message = (
        selectors.open311_requests().filter(tracking_no=selectors.normalize_tracking_no(request_id)).first()
    )
    if message is None:
        raise Open311Error(404, "not_found", f"没有编号为 {request_id[:40]!r} 的服务请求。")
    return _render(fmt, "service_requests", "request", [request_record(message)])
