"""`gongkai report annual --org CODE --year YYYY --format json|docx|xlsx|html [--aggregate] [--output PATH]`.

The annual report (R-RPT-1…5) as it stands: tables computed from the records, plus what staff entered on the
agency's report for that year (table 二 cells, texts, designated agencies). Exit 2 for an unknown organization, a
year outside 2019… or an unwritable output.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gongkai.orgs.selectors import org_by_code
from gongkai.reports import exports, rules, selectors
from gongkai.reports.models import AnnualReport


class Command(BaseCommand):
    help = "生成政府信息公开工作年度报告。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        annual = sub.add_parser("annual", help="年度报告")
        annual.add_argument("--org", required=True, help="机构代码")
        annual.add_argument("--year", required=True, help="年度，如 2025")
        annual.add_argument("--format", default="json", choices=exports.FORMATS)
        annual.add_argument(
            "--aggregate", action="store_true", help="汇总报告中指定的机关（人民政府年度报告）"
        )
        annual.add_argument("--output", default="-", help="输出文件路径（默认标准输出）")

    def handle(self, *args: Any, **options: Any) -> None:
        org = org_by_code(options["org"])
        if org is None:
            self.stderr.write(f"unknown_org 机构代码 {options['org']} 不存在。")
            sys.exit(2)
        try:
            year = int(str(options["year"]).strip())
            rules.format_for_year(year)
        except ValueError:
            self.stderr.write(f"bad_year 年度 {options['year']} 无效：年度报告适用于2019年及以后的年度。")
            sys.exit(2)
        report = AnnualReport.objects.filter(org=org, year=year).first()
        if options["aggregate"] and (report is None or not report.included_orgs.exists()):
            self.stderr.write("未指定汇总的机关：只统计本机关的数据。")
        data = selectors.report_data(org, year, report=report, aggregate=options["aggregate"])
        for check in data.failing_checks:
            self.stderr.write(f"校验未通过：{check.message}")
        payload = exports.export(data, options["format"])
        output = options["output"]
        if output == "-":
            if options["format"] in {"json", "html"}:
                self.stdout.write(payload.decode("utf-8"), ending="")
            else:
                sys.stdout.buffer.write(payload)
            return
        try:
            Path(output).write_bytes(payload)
        except OSError as exc:
            self.stderr.write(f"无法写入 {output}：{exc.strerror}")
            sys.exit(2)
        self.stderr.write(f"已导出 {output}")
