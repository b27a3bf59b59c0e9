"""The outbound link checker. Standard library only; no Django import (the caller passes the settings).

contracts.md "Outbound requests": a private, loopback, link-local (or otherwise non-public) address is never
contacted unless its host is in the allow list; the address is vetted before any connection and the connection is
made to that vetted address (a second DNS answer cannot swap it).

Per link: HEAD, then — when the answer is not OK — one retry with GET; redirects followed up to `max_redirects`
with a loop detected; 404/410, ≥ 500, DNS failure, refusal, timeout → broken; 401/403/405/412/429 (and any other
4xx) → not checkable. Bodies are never read: the connection is closed after the status line and headers, and a
watchdog closes it when the whole exchange exceeds the timeout, so neither a 2 GB file nor a trickling server
can stall the run. Links are checked in a bounded thread pool, one request per host at a time.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import quote, urljoin, urlsplit

OK = "ok"
BROKEN = "broken"
NOT_CHECKABLE = "not_checkable"

REASON_LABELS = {
    "ok": "可以访问",
    "dns": "域名无法解析",
    "refused": "连接被拒绝",
    "timeout": "访问超时",
    "connection": "连接失败",
    "tls": "安全证书或加密连接错误",
    "protocol": "服务器应答不符合协议",
    "redirect_loop": "重定向循环",
    "too_many_redirects": "重定向次数过多",
    "private_address": "内网或保留地址，不予访问",
    "unsupported_scheme": "不支持的链接协议",
    "bad_url": "链接格式错误",
}
NOT_CHECKABLE_STATUSES = frozenset({401, 403, 405, 412, 429})
BROKEN_STATUSES = frozenset({404, 410})
_NO_RETRY = frozenset({"dns", "private_address", "unsupported_scheme", "bad_url", "timeout", "refused"})
_SAFE = "/:@!$&'()*+,;=%~-._"
_CGNAT = ipaddress.ip_network("100.64.0.0/10")


@dataclass(frozen=True)
class CheckConfig:
    timeout: float = 15.0
    allow_hosts: frozenset[str] = frozenset()
    max_redirects: int = 5
    workers: int = 8
    user_agent: str = "Gongkai-LinkCheck/1.0"


@dataclass(frozen=True)
class LinkResult:
    url: str
    state: str  # ok | broken | not_checkable
    reason: str  # "http_404" or a key of REASON_LABELS
    status: int | None = None
    final_url: str = ""

    @property
    def label(self) -> str:
        if self.reason.startswith("http_"):
            return f"HTTP {self.status}"
        return REASON_LABELS.get(self.reason, self.reason)


def address_forbidden(ip: str) -> bool:
    """Whether an address is not a public unicast one (private, loopback, link-local, reserved, …)."""
    try:
        addr = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return True
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    return bool(
        addr.is_private
        or addr.is_loopback
        or addr.is_link_local
        or addr.is_multicast
        or addr.is_reserved
        or addr.is_unspecified
        or (isinstance(addr, ipaddress.IPv4Address) and addr in _CGNAT)
    )


def _ip_literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the vetted address while sending the URL's host name."""

    def __init__(self, host: str, port: int | None, *, ip: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._ip = ip

    def connect(self) -> None:
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int | None, *, ip: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._ip = ip

    def connect(self) -> None:
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


class _HostLocks:
    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = defaultdict(threading.Lock)

    def get(self, host: str) -> threading.Lock:
        with self._guard:
            return self._locks[host]


def _resolve(host: str, port: int, config: CheckConfig) -> tuple[str | None, LinkResult | None]:
    """(address to connect to, None) or (None, a final result) — vetting happens here, before any connection."""
    literal = _ip_literal(host)
    allowed = host.lower() in config.allow_hosts
    if literal is not None:
        if not allowed and address_forbidden(literal):
            return None, LinkResult("", NOT_CHECKABLE, "private_address")
        return literal, None
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        return None, LinkResult("", BROKEN, "dns")
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        return None, LinkResult("", BROKEN, "dns")
    if not allowed and any(address_forbidden(a) for a in addresses):
        return None, LinkResult("", NOT_CHECKABLE, "private_address")
    return addresses[0], None


def _exchange(
    method: str, url: str, config: CheckConfig, locks: _HostLocks
) -> tuple[int | None, str | None, LinkResult | None]:
    """One request: (status, Location header, None) or (None, None, a final result)."""
    try:
        parts = urlsplit(url)  # raises ValueError on e.g. an unclosed IPv6 bracket
    except ValueError:
        return None, None, LinkResult(url, BROKEN, "bad_url")
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        return None, None, LinkResult(url, NOT_CHECKABLE, "unsupported_scheme")
    try:
        host = parts.hostname or ""
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        return None, None, LinkResult(url, BROKEN, "bad_url")
    if not host:
        return None, None, LinkResult(url, BROKEN, "bad_url")
    ip, final = _resolve(host, port, config)
    if final is not None or ip is None:
        assert final is not None
        return None, None, LinkResult(url, final.state, final.reason)
    # Links written with Chinese or spaces in them are sent percent-encoded, as a browser would.
    path = quote(parts.path or "/", safe=_SAFE)
    if parts.query:
        path += "?" + quote(parts.query, safe=_SAFE + "?")
    cls = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    conn = cls(host, port, ip=ip, timeout=config.timeout)
    timed_out = threading.Event()

    def watchdog() -> None:
        timed_out.set()
        sock = conn.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    with locks.get(host.lower()):
        timer = threading.Timer(config.timeout, watchdog)
        timer.daemon = True
        timer.start()
        try:
            conn.request(
                method,
                path,
                headers={"User-Agent": config.user_agent, "Accept": "*/*", "Connection": "close"},
            )
            response = conn.getresponse()  # status line and headers only: the body is never read
            return response.status, response.getheader("Location"), None
        except TimeoutError:
            return None, None, LinkResult(url, BROKEN, "timeout")
        except ConnectionRefusedError:
            return None, None, LinkResult(url, BROKEN, "refused")
        except ssl.SSLError:
            return None, None, LinkResult(url, BROKEN, "timeout" if timed_out.is_set() else "tls")
        except (http.client.HTTPException, OSError, ValueError):
            return None, None, LinkResult(url, BROKEN, "timeout" if timed_out.is_set() else "connection")
        finally:
            timer.cancel()
            conn.close()


def _follow(url: str, method: str, config: CheckConfig, locks: _HostLocks) -> LinkResult:
    visited = [url]
    current = url
    for _hop in range(config.max_redirects + 1):
        status, location, final = _exchange(method, current, config, locks)
        if final is not None:
            return LinkResult(url, final.state, final.reason, final.status, current)
        assert status is not None
        if 300 <= status < 400 and location:
            nxt = urljoin(current, location.strip())
            if nxt in visited:
                return LinkResult(url, BROKEN, "redirect_loop", status, nxt)
            visited.append(nxt)
            current = nxt
            continue
        if status < 400:
            return LinkResult(url, OK, "ok", status, current)
        if status in BROKEN_STATUSES or status >= 500:
            return LinkResult(url, BROKEN, f"http_{status}", status, current)
        return LinkResult(url, NOT_CHECKABLE, f"http_{status}", status, current)
    return LinkResult(url, BROKEN, "too_many_redirects", None, current)


def check_url(url: str, config: CheckConfig, locks: _HostLocks | None = None) -> LinkResult:
    """HEAD, then GET when HEAD did not give a clean answer (many servers refuse or mishandle HEAD)."""
    locks = locks or _HostLocks()
    result = _follow(url, "HEAD", config, locks)
    if result.state == OK or result.reason in _NO_RETRY:
        return result
    return _follow(url, "GET", config, locks)


@dataclass
class _Batch:
    urls: list[str] = field(default_factory=list)


def check_urls(urls: Iterable[str], config: CheckConfig) -> dict[str, LinkResult]:
    """Check many links concurrently: one worker per host queue, at most `config.workers` at once."""
    by_host: dict[str, _Batch] = defaultdict(_Batch)
    for url in dict.fromkeys(urls):
        try:
            host = (urlsplit(url).hostname or "").lower()
        except ValueError:
            host = ""
        by_host[host].urls.append(url)
    locks = _HostLocks()
    results: dict[str, LinkResult] = {}

    def run(batch: _Batch) -> list[LinkResult]:
        return [check_url(u, config, locks) for u in batch.urls]

    if not by_host:
        return results
    with ThreadPoolExecutor(max_workers=max(1, min(config.workers, len(by_host)))) as pool:
        for batch_results in pool.map(run, by_host.values()):
            for result in batch_results:
                results[result.url] = result
    return results
