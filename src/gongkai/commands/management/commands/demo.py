"""`gongkai demo`: migrate, collect the static files, load the demo city, print the logins, serve.

Everything needed runs from an empty data directory (GONGKAI_DATA_DIR): SQLite, files on disk, no server to
install. Progress goes to stderr; stdout carries the address and the table of logins (contracts.md).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gongkai.commands.management.commands.serve import gunicorn_options, run_server
from gongkai.orgs.models import Role
from gongkai.portal.demo_apps import demo_apps_message, load_demo_apps
from gongkai.publishing.demo import DemoLogin, DemoSummary, load_demo

DEFAULT_BIND = "127.0.0.1:8000"
ROLE_LABELS = {**dict(Role.choices), "platform_admin": "政务公开办管理员"}


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in {"W", "F"} else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def login_rows(logins: list[DemoLogin]) -> list[tuple[str, str, str, str]]:
    rows = []
    for login in logins:
        roles = "、".join(f"{ROLE_LABELS.get(r, r)}({r})" for r in login.roles)
        rows.append((login.username, roles, login.org_name or "全平台", login.password))
    return rows


def format_table(rows: Sequence[tuple[str, ...]], header: tuple[str, ...]) -> str:
    widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(_pad(cell, widths[i]) for i, cell in enumerate(header)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    return "\n".join(lines)


def site_url(bind: str) -> str:
    if bind.startswith("unix:"):
        return bind
    host, _, port = bind.rpartition(":")
    if host in {"", "0.0.0.0", "::", "[::]"}:  # noqa: S104 - only to print a reachable address
        host = "127.0.0.1"
    return f"http://{host}:{port}/"


class Command(BaseCommand):
    help = "迁移数据库、载入演示数据（示范市）、打印登录账号并启动服务。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--load-only", action="store_true", help="只迁移和载入演示数据，不启动服务")
        parser.add_argument(
            "--bind", default=DEFAULT_BIND, metavar="ADDR", help=f"监听地址（默认 {DEFAULT_BIND}）"
        )
        parser.add_argument("--workers", type=int, metavar="N", help="工作进程数（默认按 serve 的规则）")
        parser.add_argument("--items", type=int, default=300, metavar="N", help="演示信息条数（默认 300）")
        parser.add_argument("--seed", type=int, default=20261123, help="随机种子（默认 20261123）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["items"] < 1:
            raise CommandError("--items 必须至少为 1。", returncode=2)
        verbosity = options["verbosity"]
        self.stderr.write("迁移数据库……")
        call_command("migrate", interactive=False, verbosity=max(0, verbosity - 1), stdout=self.stderr)
        self.stderr.write("收集静态文件……")
        call_command("collectstatic", interactive=False, verbosity=0, stdout=self.stderr)
        self.stderr.write("载入演示数据……")
        summary = load_demo(seed=options["seed"], items=options["items"])
        self.stderr.write(f"{summary.message}（{summary.seconds:.1f} 秒）")
        if (
            summary.logins
        ):  # the demo city is there: its FOI, messages, open data … once (skipped when present)
            self.stderr.write(demo_apps_message(load_demo_apps(today=timezone.localdate())))
        self._print_logins(summary, options["bind"])
        if options["load_only"]:
            return
        self.stderr.write(f"启动服务：{site_url(options['bind'])}（按 Ctrl+C 停止）")
        run_server(gunicorn_options(bind=[options["bind"]], workers=options["workers"]))

    def _print_logins(self, summary: DemoSummary, bind: str) -> None:
        url = site_url(bind)
        if not summary.logins:
            return
        out = [
            f"网站地址：{url}",
            f"工作人员后台：{url}staff/" if url.startswith("http") else "工作人员后台：/staff/",
            f"所有演示账号的密码：{summary.password}",
            "",
            format_table(login_rows(summary.logins), ("用户名", "角色", "机关", "密码")),
        ]
        self.stdout.write("\n".join(out))
