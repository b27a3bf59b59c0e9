"""The `gongkai` console command: `gongkai <area> <verb> …`, plus every Django management command."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    from django.core.management import execute_from_command_line

    if not args or args[0] in {"-h", "--help", "help"}:
        sys.stdout.write(
            "用法: gongkai <命令> [参数]\n"
            "  demo [--load-only]                 迁移数据库、载入演示数据并启动服务\n"
            "  serve [--bind ADDR] [--workers N]  以 gunicorn 启动服务\n"
            "  migrate                            迁移数据库（含工作日历）\n"
            "  calendar add-working-days D N      D 之后第 N 个工作日\n"
            "  calendar is-working-day D          是否工作日（yes/no）\n"
            "  import orgs|items|columns FILE     导入 JSONL\n"
            "  export items [--org CODE]          导出 JSONL\n"
            "  search QUERY [--json] [--limit N]  全文检索；search reindex 重建检索索引\n"
            "  foi import|export                  依申请公开记录导入导出\n"
            "  messages import|export|sla         政民互动留言导入导出、办理时限\n"
            "  consultations import|export        意见征集（含问题和意见）导入导出\n"
            "  open311 key|service                Open311 接口密钥与服务\n"
            "  report annual --org C --year Y     年度报告（json|docx|xlsx|html）\n"
            "  catalog export --org C --format F  主动公开基本目录导出\n"
            "  inspect [--org C] [--json]         网站自查\n"
            "  token create --username U          生成 API 令牌\n"
            "  tick                               定时任务（提醒、订阅、检查、发信）\n"
            "  以及 Django 的全部管理命令（如 createsuperuser）。\n"
        )
        if not args:
            return
        args = ["help"]
    execute_from_command_line(["gongkai", *args])


if __name__ == "__main__":
    main()
