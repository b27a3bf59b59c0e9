"""`gongkai consultations import FILE.jsonl`, `gongkai consultations export --org CODE [--output PATH]
[--with-writer]`: 意见征集 with their questions and comments (docs/participation.md "意见征集 files").

Import: rejected lines (`line N: CODE 中文说明`), progress and the summary go to stderr; exit 0 every line accepted,
1 some lines rejected (the good ones are stored), 2 nothing done (the file cannot be read). Export: JSONL on stdout
(or --output), the count on stderr; exit 2 for an unknown agency code or an unwritable output.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from gongkai.commands.management.commands.messages import Command as MessagesCommand
from gongkai.participation import consultation_importers
from gongkai.publishing import importers


class Command(MessagesCommand):
    help = "意见征集：导入、导出（JSONL，含问题和意见）。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", metavar="<操作>", required=True)
        p = sub.add_parser("import", help="导入意见征集（按 external_id 幂等）")
        p.add_argument("file", metavar="FILE.jsonl", help="每行一个 JSON 对象，UTF-8")
        p = sub.add_parser("export", help="导出一个机关的意见征集及其意见")
        p.add_argument("--org", metavar="CODE", required=True, help="机关的机构代码")
        p.add_argument("--output", metavar="PATH", help="写入文件而不是标准输出")
        p.add_argument(
            "--with-writer", action="store_true", help="同时导出意见人的姓名和联系方式（记入审计日志）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        err = importers.stderr_of(options)
        if options["action"] == "import":
            try:
                result = consultation_importers.import_consultations(Path(options["file"]), err=err)
            except importers.UnreadableFile as exc:
                self._fail(err, str(exc))
            if result.exit_status:
                raise SystemExit(result.exit_status)
            return
        self.write_export(options, err, consultation_importers.export_consultations)
