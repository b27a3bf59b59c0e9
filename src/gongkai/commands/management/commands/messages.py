"""`gongkai messages import FILE.jsonl`, `gongkai messages export --org CODE`, `gongkai messages sla set CATEGORY
WORKING_DAYS` (contracts.md; docs/participation.md "Files").

Import: rejected lines (`line N: CODE 中文说明`), progress and the summary go to stderr; exit 0 every line accepted,
1 some lines rejected (the good ones are stored), 2 nothing done (the file cannot be read).
Export: JSONL on stdout (or --output), the count on stderr; exit 2 for an unknown agency code or an unwritable
output. `sla set`: exit 2 for an unknown category or a bad number; `sla show` prints the limits in force.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser

from gongkai.core.errors import ApplicationError
from gongkai.participation import importers as message_importers
from gongkai.participation import services
from gongkai.publishing import importers


class Command(BaseCommand):
    help = "政民互动留言：导入、导出（JSONL），设置各类别办理时限。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", metavar="<操作>", required=True)
        p = sub.add_parser("import", help="导入留言（按 external_id 幂等）")
        p.add_argument("file", metavar="FILE.jsonl", help="每行一个 JSON 对象，UTF-8")
        p = sub.add_parser("export", help="导出一个机关收到或承办的留言")
        p.add_argument("--org", metavar="CODE", required=True, help="机关的机构代码")
        p.add_argument("--output", metavar="PATH", help="写入文件而不是标准输出")
        p.add_argument("--with-writer", action="store_true", help="同时导出留言人的个人信息（记入审计日志）")
        p = sub.add_parser("sla", help="办理时限")
        sla = p.add_subparsers(dest="sla_action", metavar="<操作>", required=True)
        s = sla.add_parser("set", help="设置一个类别的办理时限（工作日）")
        s.add_argument("category", metavar="CATEGORY", help="咨询、求助、投诉、举报、意见或建议")
        s.add_argument("working_days", metavar="WORKING_DAYS", help="工作日数，1 至 365")
        sla.add_parser("show", help="列出各类别的办理时限")

    def _fail(self, err: Any, message: str) -> NoReturn:
        err.write(message + "\n")
        raise SystemExit(2)

    def handle(self, *args: Any, **options: Any) -> None:
        err = importers.stderr_of(options)
        action = options["action"]
        if action == "import":
            try:
                result = message_importers.import_messages(Path(options["file"]), err=err)
            except importers.UnreadableFile as exc:
                self._fail(err, str(exc))
            if result.exit_status:
                raise SystemExit(result.exit_status)
            return
        if action == "sla":
            self._sla(options, err)
            return
        self._export(options, err)

    def _sla(self, options: dict[str, Any], err: Any) -> None:
        out = importers.stdout_of(options)
        if options["sla_action"] == "show":
            for category, days in services.category_limits().items():
                out.write(f"{category}\t{days}\n")
            return
        raw = str(options["working_days"]).strip()
        if not raw.isdigit():
            self._fail(err, f"bad_number 工作日数应为正整数：{options['working_days']!r}。")
        try:
            row = services.sla_set(actor=None, category=options["category"].strip(), working_days=int(raw))
        except ApplicationError as exc:
            self._fail(err, f"{exc.code} {exc.message}")
        out.write(f"{row.category}\t{row.working_days}\n")

    def _export(self, options: dict[str, Any], err: Any) -> None:
        self.write_export(options, err, message_importers.export_messages)

    def write_export(self, options: dict[str, Any], err: Any, export: Callable[..., int]) -> None:
        """Run `export(out, org_code=…, with_writer=…)` to --output or stdout (also for `gongkai consultations`)."""
        kwargs = {"org_code": options["org"], "with_writer": options["with_writer"]}
        output = options.get("output")
        try:
            if output:
                try:
                    with open(output, "w", encoding="utf-8") as fh:
                        count = export(fh, **kwargs)
                except OSError as exc:
                    self._fail(err, f"无法写入 {output}：{exc.strerror or exc}")
            else:
                out = importers.stdout_of(options)
                try:
                    count = export(out, **kwargs)
                    out.flush()
                except BrokenPipeError as exc:
                    if out is sys.stdout:
                        devnull = os.open(os.devnull, os.O_WRONLY)
                        os.dup2(devnull, sys.stdout.fileno())
                    raise SystemExit(1) from exc
        except ApplicationError as exc:
            self._fail(err, f"{exc.code} {exc.message}")
        err.write(f"导出 {count} 条\n")
