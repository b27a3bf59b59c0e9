"""The outbound link checker against a local server (contracts.md "Outbound requests")."""

from __future__ import annotations

import socket
import time

import pytest

from gongkai.inspection import linkcheck
from gongkai.inspection.linkcheck import BROKEN, NOT_CHECKABLE, OK, CheckConfig, check_url, check_urls

LOCAL = CheckConfig(timeout=1.0, allow_hosts=frozenset({"127.0.0.1"}), workers=4)


@pytest.mark.parametrize(
    ("path", "state", "reason"),
    [
        ("/ok", OK, "ok"),
        ("/missing", BROKEN, "http_404"),
        ("/gone", BROKEN, "http_410"),
        ("/error", BROKEN, "http_500"),
        ("/forbidden", NOT_CHECKABLE, "http_403"),
        ("/auth", NOT_CHECKABLE, "http_401"),
        ("/throttled", NOT_CHECKABLE, "http_429"),
        ("/not-allowed", NOT_CHECKABLE, "http_405"),  # 405 to HEAD and GET alike
        ("/precondition", NOT_CHECKABLE, "http_412"),
        ("/redirect", OK, "ok"),
        ("/chain/5", OK, "ok"),
        ("/chain/6", BROKEN, "too_many_redirects"),
        ("/loop-a", BROKEN, "redirect_loop"),
    ],
)
def test_answers_are_classified(http_server, path, state, reason):
    base, _ = http_server
    result = check_url(base + path, LOCAL)
    assert (result.state, result.reason) == (state, reason)


def test_head_refused_then_get_succeeds(http_server):
    base, server = http_server
    result = check_url(base + "/no-head", LOCAL)
    assert result.state == OK
    assert [m for m, p in server.requests if p == "/no-head"] == ["HEAD", "GET"]


def test_redirect_records_final_url(http_server):
    base, _ = http_server
    assert check_url(base + "/redirect", LOCAL).final_url == base + "/ok"


def test_slow_endpoint_times_out_without_waiting_for_it(http_server):
    base, _ = http_server
    started = time.monotonic()
    result = check_url(base + "/slow", CheckConfig(timeout=0.3, allow_hosts=frozenset({"127.0.0.1"})))
    assert (result.state, result.reason) == (BROKEN, "timeout")
    assert time.monotonic() - started < 1.5  # no GET retry after a timeout


def test_huge_body_is_never_read(http_server):
    base, _server = http_server
    started = time.monotonic()
    # HEAD answers with headers only; force the GET path too through a direct exchange.
    assert check_url(base + "/huge", LOCAL).state == OK
    status, _location, final = linkcheck._exchange("GET", base + "/huge", LOCAL, linkcheck._HostLocks())
    assert (status, final) == (200, None)
    assert time.monotonic() - started < 5


def test_refused_connection_is_broken():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    result = check_url(f"http://127.0.0.1:{port}/", LOCAL)
    assert (result.state, result.reason) == (BROKEN, "refused")


def test_dns_failure_is_broken(monkeypatch):
    def fail(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", fail)
    result = check_url("http://no-such-host.example.gov.cn/page", LOCAL)
    assert (result.state, result.reason) == (BROKEN, "dns")


@pytest.fixture
def no_connections(monkeypatch):
    """Fail the test on any attempt to open a connection."""
    attempts: list[object] = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"connection attempted: {args}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


@pytest.mark.parametrize(
    "url",
    [
        "http://10.1.2.3/internal",
        "https://192.168.1.10/admin",
        "http://172.16.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8080/",
        "http://[fe80::1]/",
        "http://127.0.0.1:9/",  # loopback, not in this config's allow list
    ],
)
def test_private_addresses_are_not_checkable_and_never_contacted(no_connections, url):
    result = check_url(url, CheckConfig(timeout=1.0))
    assert (result.state, result.reason) == (NOT_CHECKABLE, "private_address")
    assert no_connections == []


def test_host_resolving_to_a_private_address_is_not_contacted(no_connections, monkeypatch):
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", 80))],
    )
    result = check_url("http://intranet.example.gov.cn/", CheckConfig(timeout=1.0))
    assert result.state == NOT_CHECKABLE
    assert no_connections == []


def test_redirect_to_a_private_address_is_not_followed(http_server, monkeypatch):
    base, _ = http_server
    config = CheckConfig(timeout=1.0, allow_hosts=frozenset({"127.0.0.1"}))
    original = linkcheck._exchange

    def exchange(method, url, cfg, locks):
        if url.endswith("/to-private"):
            return 302, "http://10.9.9.9/secret", None
        return original(method, url, cfg, locks)

    monkeypatch.setattr(linkcheck, "_exchange", exchange)
    assert check_url(base + "/to-private", config).state == NOT_CHECKABLE


def test_many_links_one_request_per_host_at_a_time(http_server):
    base, server = http_server
    urls = [f"{base}/ok?{i}" for i in range(8)]
    results = check_urls(urls, CheckConfig(timeout=2.0, allow_hosts=frozenset({"127.0.0.1"}), workers=4))
    assert {r.state for r in results.values()} == {OK}
    assert set(results) == set(urls)
    assert server.max_active == 1


def test_public_address_check():
    assert linkcheck.address_forbidden("10.0.0.1")
    assert linkcheck.address_forbidden("::ffff:192.168.0.1")
    assert linkcheck.address_forbidden("100.64.0.1")
    assert not linkcheck.address_forbidden("202.108.22.5")


@pytest.mark.parametrize(
    "url",
    ["http://[::1/x", "http://127.0.0.1:99999/", "http://127.0.0.1:abc/", "http:///nohost"],
)
def test_malformed_links_are_bad_url_not_a_crash(url):
    result = check_url(url, LOCAL)
    assert (result.state, result.reason) == (BROKEN, "bad_url")
