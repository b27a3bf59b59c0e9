"""Request hygiene applied before any view runs."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from xml.etree import ElementTree as ET

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse


def _trusted(address: str, networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


class ClientAddressMiddleware:
    """Behind the reverse proxy of docs/operations.md every request comes from 127.0.0.1: take the client's address
    from X-Forwarded-For, but only when the peer is a trusted proxy (GONGKAI_TRUSTED_PROXIES), and only the last hop
    that is not itself a trusted proxy — so that a client cannot choose its own address. Every per-client limit
    (login failures, tracking look-ups, posting, API rates) reads REMOTE_ADDR."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.networks = [
            ipaddress.ip_network(n.strip(), strict=False)
            for n in settings.GONGKAI_TRUSTED_PROXIES
            if n.strip()
        ]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        peer = request.META.get("REMOTE_ADDR", "")
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded and self.networks and _trusted(peer, self.networks):
            hops = [h.strip() for h in forwarded.split(",") if h.strip()]
            client = peer
            for hop in reversed(hops):
                client = hop
                if not _trusted(hop, self.networks):
                    break
            request.META["REMOTE_ADDR"] = client[:64]
        return self.get_response(request)


class RejectNulMiddleware:
    """A NUL character in the path or the query string (or in an API's posted fields) is refused with 400: PostgreSQL
    text cannot hold it, and no legitimate input contains one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        in_url = (
            "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", "") or _get_has_nul(request)
        )
        # Forms answer a NUL themselves (a field error, the rest of the input kept); APIs get a JSON 400 here.
        in_api_body = request.path.startswith("/api/") and _post_has_nul(request)
        if in_url or in_api_body:
            if request.path.startswith("/open311/"):
                return _georeport_error(request.path, "bad_character: 请求中含有不允许的字符（NUL）。")
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"error": {"code": "bad_character", "message": "请求中含有不允许的字符（NUL）。"}},
                    status=400,
                    json_dumps_params={"ensure_ascii": False},
                )
            return HttpResponseBadRequest(
                "请求中含有不允许的字符。".encode(), content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)


def _georeport_error(path: str, description: str) -> HttpResponse:
    """Open311 GeoReport v2's error shape `[{"code": 400, "description": ...}]`, in XML when the path asks for it
    (docs/participation.md "Open311")."""
    if path.rstrip("\x00").lower().endswith(".xml"):
        root = ET.Element("errors")
        error = ET.SubElement(root, "error")
        ET.SubElement(error, "code").text = "400"
        ET.SubElement(error, "description").text = description
        body = b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")
        return HttpResponse(body, content_type="text/xml; charset=utf-8", status=400)
    return JsonResponse(
        [{"code": 400, "description": description}],
        status=400,
        safe=False,
        json_dumps_params={"ensure_ascii": False},
    )


def _get_has_nul(request: HttpRequest) -> bool:
    return any("\x00" in v for values in request.GET.lists() for v in values[1])


def _post_has_nul(request: HttpRequest) -> bool:
    if request.method == "POST" and request.content_type in {
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    }:
        try:
            return any("\x00" in v for values in request.POST.lists() for v in values[1])
        except Exception:  # a malformed body: let the view's own parsing answer it
            return False
    return False
