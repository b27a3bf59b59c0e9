"""`gongkai search QUERY [--json] [--limit N]` and `gongkai search reindex` (contracts.md "Command line").

`reindex` is the one reserved word: a search for that word is written `gongkai search -- reindex`.
stdout carries the results only (one line per result, tab-separated: external_id, date, title, 文号, or the
JSON of /api/v1/search with --json); the count, the progress bar and messages go to stderr. Exit status 2 for
a usage error (no query, a bad date, an unknown agency).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from gongkai.core.errors import ApplicationError
from gongkai.search import indexing
from gongkai.search.params import MAX_PAGE_SIZE, parse_params
from gongkai.search.progress import Progress
from gongkai.search.selectors import search
from gongkai.search.serializers import page_json


class Command(BaseCommand):
    help = "全文检索：gongkai search 查询词 [--json] [--limit N]；gongkai search reindex 重建索引（查找“reindex”一词请写 gongkai search -- reindex）。"

    literal = False  # set when the words came after `--`

    def run_from_argv(self, argv: list[str]) -> None:
        args = argv[2:]
        if "--" in args:
            self.literal = "reindex" not in args[: args.index("--")]
        super().run_from_argv(argv)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("words", nargs="*", metavar="查询词", help="查询词；reindex 表示重建索引")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出（与 /api/v1/search 相同）")
        parser.add_argument(
            "--limit", type=int, default=20, help=f"最多显示条数（1–{MAX_PAGE_SIZE}，默认 20）"
        )
        parser.add_argument("--page", type=int, default=1, help="页码（默认 1）")
        parser.add_argument(
            "--sort", default="relevance", help="relevance（相关度，默认）或 date（发布日期）"
        )
        parser.add_argument("--org", default="", help="只查该机关（机构代码）")
        parser.add_argument("--from", dest="published_after", default="", help="发布日期起（YYYY-MM-DD）")
        parser.add_argument("--to", dest="published_before", default="", help="发布日期止（YYYY-MM-DD）")
        parser.add_argument("--within", default="", help="在结果中再查找的词语")
        parser.add_argument("--clear", action="store_true", help="reindex：先清空索引再重建")
        parser.add_argument("--batch-size", type=int, default=indexing.BATCH_SIZE, help="reindex：每批条数")

    def handle(self, *args: Any, **options: Any) -> None:
        words: list[str] = options["words"]
        err = options.get("stderr") or sys.stderr
        if words[:1] == ["reindex"] and len(words) == 1 and not self.literal:
            self.reindex(err, clear=options["clear"], batch_size=max(1, options["batch_size"]))
            return
        self.query(" ".join(words), options, err)

    def reindex(self, err: Any, *, clear: bool, batch_size: int) -> None:
        progress = Progress(err, "重建索引")
        result = indexing.reindex(
            clear=clear, batch_size=batch_size, on_total=progress.start, on_batch=progress.update
        )
        progress.close()
        if result.repaired:
            err.write(f"已修复检索结构：{'、'.join(result.repaired)}\n")
        err.write(
            f"已索引 {result.indexed} 条，移除 {result.removed} 条，用时 {result.seconds:.1f} 秒"
            f"（{result.rate:.0f} 条/秒）。\n"
        )

    def query(self, text: str, options: dict[str, Any], err: Any) -> None:
        out = options.get("stdout") or sys.stdout
        data = {
            "q": text,
            "within": options["within"],
            "org": options["org"],
            "published_after": options["published_after"],
            "published_before": options["published_before"],
            "sort": options["sort"],
            "page": str(options["page"]),
            "page_size": str(options["limit"]),
        }
        try:
            page = search(parse_params(data), facets=options["json"])
        except ApplicationError as exc:
            err.write(f"{exc.code}: {exc.message}\n")
            raise SystemExit(2) from exc
        if page.message:
            err.write(page.message + "\n")
            raise SystemExit(2)
        if options["json"]:
            out.write(json.dumps(page_json(page), ensure_ascii=False, indent=2) + "\n")
            return
        for hit in page.hits:
            item = hit.item
            day = timezone.localdate(item.published_at).isoformat() if item.published_at else ""
            external_id = item.external_id or f"pk:{item.pk}"
            out.write(f"{external_id}\t{day}\t{item.title}\t{item.doc_no_norm or item.doc_no}\n")
        shown = f"，显示第 {page.start_index}–{page.start_index + len(page.hits) - 1} 条" if page.hits else ""
        err.write(f"共找到 {page.total} 条{shown}。\n")
