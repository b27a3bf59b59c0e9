"""`gongkai import orgs|items|columns FILE.jsonl` (contracts.md "Command line"; docs/formats.md).

`import items` stores its lines in batches, one transaction each (`--batch-size`, default 1000): killed at any
moment (even `kill -9`), it is simply run again — the items already stored are found by external_id.
Rejected lines (`line N: CODE 中文说明`), warnings, the progress bar and the summary `导入 N 条，跳过 M 条`
go to stderr. Exit status: 0 every line accepted; 1 some lines rejected (the good ones are stored);
2 nothing done (the file cannot be read).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gongkai.policy import importers as policy_importers
from gongkai.publishing import importers

IMPORTERS: dict[str, Callable[..., importers.ImportResult]] = {
    "orgs": importers.import_orgs,
    # Items, then the 政策问答 citations that were waiting for one of them are linked.
    "items": policy_importers.import_items_linking_citations,
    "columns": importers.import_columns,
    # 建议提案办理结果, 办事指南, 权责清单, 政策问答, 政府公报 (docs/formats.md "Policy records")
    **{kind: policy_importers.importer_for(kind) for kind in policy_importers.KINDS},
}


class Command(BaseCommand):
    help = "导入 JSONL 文件：机关（orgs）、信息（items）或栏目（columns）。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", metavar="<对象>", required=True)
        for name, label in (
            ("orgs", "机关（含政府信息公开专栏）"),
            ("items", "政府信息（历史数据，按 external_id 幂等）"),
            ("columns", "栏目（路径上的上级栏目自动创建）"),
        ):
            p = sub.add_parser(name, help=f"导入{label}")
            p.add_argument("file", metavar="FILE.jsonl", help="每行一个 JSON 对象，UTF-8")
            if name == "items":
                p.add_argument(
                    "--batch-size",
                    type=int,
                    default=importers.ITEM_BATCH_SIZE,
                    help=f"每个事务写入的行数（默认 {importers.ITEM_BATCH_SIZE}）；中断后重新运行即可续传",
                )
        for name, (label, _store, _export) in policy_importers.KINDS.items():
            p = sub.add_parser(name, help=f"导入{label}（已发布的记录，幂等）")
            p.add_argument("file", metavar="FILE.jsonl", help="每行一个 JSON 对象，UTF-8")

    def handle(self, *args: Any, **options: Any) -> None:
        err = importers.stderr_of(options)
        extra = {"batch_size": max(1, options["batch_size"])} if options["what"] == "items" else {}
        try:
            result = IMPORTERS[options["what"]](Path(options["file"]), err=err, **extra)
        except importers.UnreadableFile as exc:
            err.write(f"{exc}\n")
            raise SystemExit(2) from exc
        if result.exit_status:
            raise SystemExit(result.exit_status)
