"""`gongkai export items [--org CODE] [--output PATH]`: the published items as import-format JSONL.

`gongkai export proposals|guides|powers|policy-qa|gazette [--org CODE] [--output PATH]` does the same for the published
policy records (`gongkai.policy.importers`; docs/formats.md "Policy records").

The JSONL goes to stdout (or PATH); the count goes to stderr. Exit status 2 for an unknown agency code or
an output file that cannot be written; 1 when the reader of stdout closes the pipe early.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gongkai.core.errors import ApplicationError
from gongkai.policy import importers as policy_importers
from gongkai.publishing import importers


class Command(BaseCommand):
    help = "导出 JSONL：信息（items），格式与导入相同。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", metavar="<对象>", required=True)
        p = sub.add_parser("items", help="导出已发布的政府信息")
        p.add_argument("--org", metavar="CODE", help="只导出该机关（机构代码）发布的信息")
        p.add_argument("--output", metavar="PATH", help="写入文件而不是标准输出")
        for name, (label, _store, _export) in policy_importers.KINDS.items():
            p = sub.add_parser(name, help=f"导出已发布的{label}（导入格式）")
            p.add_argument("--org", metavar="CODE", help="只导出该机关的记录（机构代码）")
            p.add_argument("--output", metavar="PATH", help="写入文件而不是标准输出")

    def handle(self, *args: Any, **options: Any) -> None:
        err = importers.stderr_of(options)
        output = options.get("output")
        export = (
            importers.export_items
            if options["what"] == "items"
            else policy_importers.exporter_for(options["what"])
        )
        try:
            if output:
                try:
                    with open(output, "w", encoding="utf-8") as fh:
                        count = export(fh, org_code=options.get("org"))
                except OSError as exc:
                    err.write(f"无法写入 {output}：{exc.strerror or exc}\n")
                    raise SystemExit(2) from exc
            else:
                out = importers.stdout_of(options)
                try:
                    count = export(out, org_code=options.get("org"))
                    out.flush()
                except BrokenPipeError as exc:
                    # The reader went away (`gongkai export items | head`): stop quietly, like other filters.
                    if out is sys.stdout:
                        devnull = os.open(os.devnull, os.O_WRONLY)
                        os.dup2(devnull, sys.stdout.fileno())
                    raise SystemExit(1) from exc
        except ApplicationError as exc:
            err.write(f"{exc.code} {exc.message}\n")
            raise SystemExit(2) from exc
        err.write(f"导出 {count} 条\n")
