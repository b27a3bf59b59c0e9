"""`gongkai inspect [--org CODE] [--as-of YYYY-MM-DD] [--json] [--no-network]`: the self-inspection (R-WEB-1/3).

Prints each agency's verdict, score and findings (stdout); `--json` prints
`{"as_of", "site": {"verdict", "vetoes", "score"}, "orgs": [{"code", "verdict", "vetoes", "score", "findings": [{"code", "rule", "column"?,
"item_external_id"?, "detail"}]}]}`. Exit 0; 2 for a usage error, an unknown agency code or a bad date.

`gongkai inspect report --month YYYY-MM [--fix-by YYYY-MM-DD] [--out FILE.docx] [--json]` generates and stores the
monthly 检查情况通报 (ranking, each agency's problems, the deadline to fix), prints it (or its data as JSON) and
writes the Word document to FILE.
A run as of today is stored (findings with history, verdicts); a run as of another date only prints.
With `--no-network` only links to the platform's own pages are checked.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from gongkai.core.errors import ApplicationError
from gongkai.inspection import rules
from gongkai.inspection.documents import bulletin_docx
from gongkai.inspection.selectors import FindingData
from gongkai.inspection.services import RunReport, bulletin_monthly, inspection_run
from gongkai.orgs.selectors import org_by_code
from gongkai.publishing.selectors import column_path_string

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def finding_json(f: FindingData) -> dict[str, Any]:
    out: dict[str, Any] = {"code": f.code, "rule": f.rule}
    if f.column is not None:
        out["column"] = column_path_string(f.column)
    if f.item is not None:
        out["item_external_id"] = f.item.external_id or f"pk:{f.item.pk}"
    out["detail"] = f.detail
    return out


def report_json(report: RunReport) -> dict[str, Any]:
    site = report.site
    return {
        "as_of": report.as_of.isoformat(),
        "site": {
            "verdict": site.verdict if site else None,
            "vetoes": list(site.vetoes) if site else [],
            "score": site.score if site else None,
        },
        "orgs": [
            {
                "code": r.org.code,
                "verdict": r.verdict.verdict,
                "vetoes": list(r.verdict.vetoes),
                "score": r.verdict.score,
                "findings": [finding_json(f) for f in r.findings],
            }
            for r in report.orgs
        ],
    }


class Command(BaseCommand):
    help = "网站检查：栏目更新、空白栏目、链接、个人信息、敏感词、超期公开、政策解读，输出单项否决与得分。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", nargs="?", choices=["report"], help="report：生成月度检查情况通报")
        parser.add_argument("--month", metavar="YYYY-MM", help="通报月份（report）")
        parser.add_argument(
            "--fix-by", dest="fix_by", metavar="YYYY-MM-DD", help="整改期限（report），默认 15 天后"
        )
        parser.add_argument("--out", metavar="FILE.docx", help="将通报写入 Word 文档（report）")
        parser.add_argument("--org", metavar="CODE", help="只检查该单位（机构代码）")
        parser.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD", help="检查日期，默认今天")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")
        parser.add_argument("--no-network", dest="no_network", action="store_true", help="不访问外部链接")

    def _fail(self, message: str) -> NoReturn:
        self.stderr.write(message)
        raise SystemExit(2)

    def _date(self, raw: str) -> date:
        text = raw.strip()
        if not _ISO_DATE.fullmatch(text):
            self._fail(f"日期格式不正确：{raw!r}，应为 YYYY-MM-DD。")
        try:
            return date.fromisoformat(text)
        except ValueError:
            self._fail(f"日期不存在：{raw}。")

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("action") == "report":
            self._report(options)
            return
        as_of = timezone.localdate()
        raw = options.get("as_of")
        if raw is not None:
            as_of = self._date(raw)
        orgs = None
        if options.get("org") is not None:
            org = org_by_code(options["org"])
            if org is None:
                self._fail(f"unknown_org 未找到机构代码为 {options['org']} 的单位。")
            orgs = [org]
        try:
            report = inspection_run(
                actor=None,
                as_of=as_of,
                orgs=orgs,
                network=not options["no_network"],
                persist=as_of == timezone.localdate(),
            )
        except ApplicationError as exc:
            self._fail(exc.message)
        if options["json"]:
            self.stdout.write(json.dumps(report_json(report), ensure_ascii=False))
            return
        self._print_text(report)

    def _print_text(self, report: RunReport) -> None:
        self.stdout.write(f"检查日期：{report.as_of.isoformat()}")
        if report.site is not None:
            self.stdout.write(self._verdict_line("全站", report.site))
        for r in report.orgs:
            self.stdout.write(self._verdict_line(f"{r.org.code} {r.org.name}", r.verdict))
            for f in r.findings:
                self.stdout.write(f"  [{f.code}] {f.rule} {f.detail}")
            for f in r.exempt:
                self.stdout.write(f"  [{f.code}·豁免] {f.rule} {f.detail}")

    @staticmethod
    def _verdict_line(name: str, v: rules.Verdict) -> str:
        line = f"{name}：{'合格' if v.verdict == 'pass' else '不合格'}，得分 {v.score}"
        if v.vetoes:
            line += "；单项否决：" + "；".join(rules.VETO_LABELS.get(x, x) for x in v.vetoes)
        return line

    def _report(self, options: dict[str, Any]) -> None:
        if not options.get("month"):
            self._fail("请用 --month YYYY-MM 指定通报月份。")
        fix_by = self._date(options["fix_by"]) if options.get("fix_by") else None
        try:
            bulletin = bulletin_monthly(actor=None, month=options["month"], fix_by=fix_by)
        except ApplicationError as exc:
            self._fail(exc.message)
        if options.get("out"):
            try:
                with open(options["out"], "wb") as fh:
                    fh.write(bulletin_docx(bulletin))
            except OSError as exc:
                self._fail(f"无法写入文件 {options['out']}：{exc.strerror}")
        if options["json"]:
            keys = ("rank", "code", "name", "total", "conclusion", "counts")
            data: dict[str, Any] = {
                "title": bulletin.title,
                "period": bulletin.period,
                "fix_by": bulletin.fix_by.isoformat(),
            }
            data["rows"] = [{k: r[k] for k in keys} for r in bulletin.data["rows"]]
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self.stdout.write(bulletin.title)
        self.stdout.write(bulletin.data["intro"])
        for r in bulletin.data["rows"]:
            total = "未检查" if r["total"] is None else f"{r['total']:g}"
            self.stdout.write(f"{r['rank'] or '—'}\t{r['code']}\t{r['name']}\t{total}\t{r['conclusion']}")
