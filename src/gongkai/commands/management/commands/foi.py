"""`gongkai foi import FILE.jsonl`, `gongkai foi export --org CODE [--year YYYY]` (docs/foi.md "Files") and
`gongkai foi applicant-access USERNAME (--grant | --revoke)` (a platform admin's explicit permission to open
applicants' personal data; exit 2 for an unknown user or one who is not a platform admin).

Imports: rejected lines (`line N: CODE 中文说明`), warnings, progress and the summary go to stderr; exit 0 every
line accepted, 1 some lines rejected (the good ones are stored), 2 nothing done (the file cannot be read).
Export: the JSONL goes to stdout (or --output), the count to stderr; exit 2 for an unknown agency code, a bad
year or an unwritable output; 1 when the reader of stdout closes the pipe early.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser

from gongkai.core.errors import ApplicationError
from gongkai.foi import importers as foi_importers
from gongkai.foi import services as foi_services
from gongkai.orgs.models import User
from gongkai.publishing import importers


class Command(BaseCommand):
    help = "依申请公开：导入、导出申请记录（JSONL）。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", metavar="<操作>", required=True)
        p = sub.add_parser("import", help="导入申请记录（按 external_id 幂等）")
        p.add_argument("file", metavar="FILE.jsonl", help="每行一个 JSON 对象，UTF-8")
        p = sub.add_parser("export", help="导出一个机关的申请记录")
        p.add_argument("--org", metavar="CODE", required=True, help="机关的机构代码")
        p.add_argument("--year", metavar="YYYY", help="只导出该年内收到、办理中或答复的申请")
        p.add_argument("--output", metavar="PATH", help="写入文件而不是标准输出")
        p.add_argument(
            "--with-applicant",
            action="store_true",
            help="同时导出申请人身份和联系方式（个人信息，记入审计日志）",
        )
        p = sub.add_parser("applicant-access", help="授予或撤销平台管理员查看申请人个人信息的权限")
        p.add_argument("username", metavar="USERNAME")
        group = p.add_mutually_exclusive_group(required=True)
        group.add_argument("--grant", action="store_true", help="授予")
        group.add_argument("--revoke", action="store_true", help="撤销")

    def handle(self, *args: Any, **options: Any) -> None:
        err = importers.stderr_of(options)
        if options["action"] == "import":
            try:
                result = foi_importers.import_requests(Path(options["file"]), err=err)
            except importers.UnreadableFile as exc:
                err.write(f"{exc}\n")
                raise SystemExit(2) from exc
            if result.exit_status:
                raise SystemExit(result.exit_status)
            return
        if options["action"] == "applicant-access":
            self._applicant_access(options, err)
            return
        self._export(options, err)

    def _applicant_access(self, options: dict[str, Any], err: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            self._fail(err, f"unknown_user 没有用户 {options['username']}。")
        granted = bool(options["grant"])
        try:
            changed = foi_services.applicant_access_set(actor=None, user=user, granted=granted)
        except ApplicationError as exc:
            self._fail(err, f"{exc.code} {exc.message}")
        state = "已授予" if granted else "已撤销"
        err.write(f"{user.username}：查看申请人信息的权限{state}{'' if changed else '（未变化）'}\n")

    def _fail(self, err: Any, message: str) -> NoReturn:
        err.write(message + "\n")
        raise SystemExit(2)

    def _export(self, options: dict[str, Any], err: Any) -> None:
        year: int | None = None
        if options.get("year"):
            text = str(options["year"]).strip()
            if not re.fullmatch(r"\d{4}", text) or not 1949 <= int(text) <= 2200:
                self._fail(err, f"bad_year 年份应为四位数字：{options['year']!r}。")
            year = int(text)
        kwargs = {"org_code": options["org"], "year": year, "with_applicant": options["with_applicant"]}
        output = options.get("output")
        try:
            if output:
                try:
                    with open(output, "w", encoding="utf-8") as fh:
                        count = foi_importers.export_requests(fh, **kwargs)
                except OSError as exc:
                    self._fail(err, f"无法写入 {output}：{exc.strerror or exc}")
            else:
                out = importers.stdout_of(options)
                try:
                    count = foi_importers.export_requests(out, **kwargs)
                    out.flush()
                except BrokenPipeError as exc:
                    if out is sys.stdout:
                        devnull = os.open(os.devnull, os.O_WRONLY)
                        os.dup2(devnull, sys.stdout.fileno())
                    raise SystemExit(1) from exc
        except ApplicationError as exc:
            self._fail(err, f"{exc.code} {exc.message}")
        err.write(f"导出 {count} 条\n")
