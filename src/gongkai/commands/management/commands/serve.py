"""`gongkai serve`: run the site with gunicorn, in this process (no separate gunicorn command to install).

Defaults are for production behind a reverse proxy: several synchronous workers (fewer on SQLite, whose
single writer gains nothing from many), the access log on stdout, errors on stderr, workers recycled after
a number of requests, and `X-Forwarded-*` headers trusted only from the addresses in
GONGKAI_FORWARDED_ALLOW_IPS (or gunicorn's own FORWARDED_ALLOW_IPS; default: the local host).
Environment: GONGKAI_BIND, GONGKAI_WORKERS (or WEB_CONCURRENCY), GONGKAI_THREADS, GONGKAI_TIMEOUT.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

DEFAULT_BIND = "127.0.0.1:8000"
MAX_WORKERS = 12
MAX_WORKERS_SQLITE = 3


def _env_int(*names: str) -> int | None:
    for name in names:
        raw = os.environ.get(name, "").strip()
        if raw:
            try:
                return int(raw)
            except ValueError as exc:
                raise CommandError(f"环境变量 {name} 应为整数：{raw!r}") from exc
    return None


def _uses_sqlite() -> bool:
    return connections["default"].vendor == "sqlite"


def default_workers() -> int:
    """2 × cores + 1, capped (SQLite: at most 3 — one writer at a time)."""
    configured = _env_int("GONGKAI_WORKERS", "WEB_CONCURRENCY")
    if configured:
        return configured
    cores = os.cpu_count() or 1
    cap = MAX_WORKERS_SQLITE if _uses_sqlite() else MAX_WORKERS
    return max(1, min(2 * cores + 1, cap))


def default_forwarded_allow_ips() -> str:
    return (
        os.environ.get("GONGKAI_FORWARDED_ALLOW_IPS")
        or os.environ.get("FORWARDED_ALLOW_IPS")
        or "127.0.0.1,::1"
    )


def gunicorn_options(
    *,
    bind: list[str] | None = None,
    workers: int | None = None,
    threads: int | None = None,
    timeout: int | None = None,
    forwarded_allow_ips: str | None = None,
) -> dict[str, Any]:
    """The gunicorn settings `serve` runs with (separate so that they can be tested without serving)."""
    threads = threads or _env_int("GONGKAI_THREADS") or 1
    options: dict[str, Any] = {
        "bind": bind or [os.environ.get("GONGKAI_BIND") or DEFAULT_BIND],
        "workers": workers or default_workers(),
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "timeout": timeout or _env_int("GONGKAI_TIMEOUT") or 60,
        "graceful_timeout": 30,
        "keepalive": 5,
        "max_requests": 2000,
        "max_requests_jitter": 200,
        "forwarded_allow_ips": forwarded_allow_ips or default_forwarded_allow_ips(),
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": os.environ.get("GONGKAI_LOG_LEVEL", "info"),
        "proc_name": "gongkai",
        # Several installations on one host must not share gunicorn's per-user control socket.
        "control_socket_disable": True,
        "preload_app": False,
    }
    # Heartbeat files in memory, so that a slow disk does not make workers look dead (gunicorn creates them
    # with mkstemp, so a shared directory is safe).
    shm = Path("/dev/shm")  # noqa: S108
    if shm.is_dir() and os.access(shm, os.W_OK):
        options["worker_tmp_dir"] = str(shm)
    return options


def run_server(options: dict[str, Any]) -> None:
    """Serve `gongkai.wsgi:application` with gunicorn in this process until it is stopped."""
    from gunicorn.app.base import BaseApplication

    class GongkaiApplication(BaseApplication):  # type: ignore[misc]
        def __init__(self, settings: dict[str, Any]) -> None:
            self.settings = settings
            super().__init__(prog="gongkai serve")

        def load_config(self) -> None:
            for key, value in self.settings.items():
                if key in self.cfg.settings and value is not None:
                    self.cfg.set(key, value)

        def load(self) -> Any:
            from gongkai.wsgi import application

            return application

    # Workers are forked from this process: none may inherit a database connection opened here (migrate, demo).
    connections.close_all()
    GongkaiApplication(options).run()


class Command(BaseCommand):
    help = "以 gunicorn 启动服务（生产部署用，可置于反向代理之后）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind",
            action="append",
            metavar="ADDR",
            help=f"监听地址，如 127.0.0.1:8000、0.0.0.0:80 或 unix:/run/gongkai.sock；可重复（默认 {DEFAULT_BIND}）",
        )
        parser.add_argument(
            "--workers", type=int, metavar="N", help="工作进程数（默认 2×核数+1，SQLite 至多 3）"
        )
        parser.add_argument("--threads", type=int, metavar="N", help="每个进程的线程数（默认 1）")
        parser.add_argument("--timeout", type=int, metavar="S", help="单个请求的超时秒数（默认 60）")
        parser.add_argument(
            "--forwarded-allow-ips",
            metavar="IPS",
            help="信任其 X-Forwarded-* 头的反向代理地址，逗号分隔（默认取 GONGKAI_FORWARDED_ALLOW_IPS，否则本机）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for name in ("workers", "threads", "timeout"):
            if options[name] is not None and options[name] < 1:
                raise CommandError(f"--{name} 必须至少为 1。", returncode=2)
        run_server(
            gunicorn_options(
                bind=options["bind"],
                workers=options["workers"],
                threads=options["threads"],
                timeout=options["timeout"],
                forwarded_allow_ips=options["forwarded_allow_ips"],
            )
        )
