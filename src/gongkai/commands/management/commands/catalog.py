"""`gongkai catalog export --org CODE --format xlsx|docx|csv --output PATH` (R-PUB-4)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gongkai.orgs.selectors import org_by_code
from gongkai.publishing.catalog import EXPORTERS, export_catalog


class Command(BaseCommand):
    help = "导出机关的主动公开基本目录。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        export = sub.add_parser("export", help="导出目录")
        export.add_argument("--org", required=True, help="机构代码")
        export.add_argument("--format", required=True, choices=sorted(EXPORTERS))
        export.add_argument("--output", required=True, help="输出文件路径（- 表示标准输出）")
        export.add_argument("--base-url", default="", help="网址前缀，如 https://gk.example.gov.cn")

    def handle(self, *args: Any, **options: Any) -> None:
        org = org_by_code(options["org"])
        if org is None:
            self.stderr.write(f"机构代码 {options['org']} 不存在。")
            sys.exit(2)
        data = export_catalog(org, options["format"], base_url=options["base_url"].rstrip("/"))
        if options["output"] == "-":
            sys.stdout.buffer.write(data)
            return
        try:
            Path(options["output"]).write_bytes(data)
        except OSError as exc:
            self.stderr.write(f"无法写入 {options['output']}：{exc.strerror}")
            sys.exit(2)
        self.stderr.write(f"已导出 {options['output']}")
