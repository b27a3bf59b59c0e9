"""`gongkai open311 key create --name NAME` (the key printed once on stdout, stored hashed), `key revoke --prefix P`,
`key list`; `gongkai open311 service set CODE --name N --category 投诉 --org CODE [--group G] [--description D]
[--keywords K] [--attributes FILE.json]`, `service list`, `service defaults --org CODE` (the six 12345 categories and
common 市政 issues routed to one agency). docs/participation.md "Open311".

Exit 0 done, 2 refused (unknown agency, bad category or attribute file, unknown prefix).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser

from gongkai.core.errors import ApplicationError
from gongkai.orgs.models import Organization
from gongkai.participation import services
from gongkai.participation.models import Open311Key, Open311Service
from gongkai.participation.open311_rules import CATEGORY_CODES

# The common 市政 issues of a 12345 centre (service code, name, category, group, attributes).
MUNICIPAL = [
    (
        "road-damage",
        "道路破损",
        "投诉",
        "市政设施",
        [
            {
                "code": "severity",
                "datatype": "singlevaluelist",
                "required": True,
                "description": "破损程度",
                "values": [{"key": "minor", "name": "轻微"}, {"key": "serious", "name": "严重，影响通行"}],
            }
        ],
    ),
    ("streetlight", "路灯故障", "求助", "市政设施", []),
    (
        "manhole",
        "井盖缺失或破损",
        "求助",
        "市政设施",
        [
            {
                "code": "open_hole",
                "datatype": "singlevaluelist",
                "required": True,
                "description": "是否已形成敞口",
                "values": [{"key": "yes", "name": "是"}, {"key": "no", "name": "否"}],
            }
        ],
    ),
    ("garbage", "垃圾清运不及时", "投诉", "环境卫生", []),
    (
        "noise",
        "噪声扰民",
        "投诉",
        "环境卫生",
        [{"code": "time_of_day", "datatype": "string", "required": False, "description": "发生时段"}],
    ),
]


class Command(BaseCommand):
    help = "Open311 GeoReport v2：接口密钥与服务。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="area", metavar="<对象>", required=True)
        key = sub.add_parser("key", help="接口密钥").add_subparsers(
            dest="verb", metavar="<操作>", required=True
        )
        p = key.add_parser("create", help="创建密钥（只显示一次）")
        p.add_argument("--name", required=True, help="使用方名称")
        p = key.add_parser("revoke", help="吊销密钥")
        p.add_argument("--prefix", required=True, help="创建时显示的密钥前 12 个字符")
        key.add_parser("list", help="列出密钥（不显示密钥本身）")
        svc = sub.add_parser("service", help="服务").add_subparsers(
            dest="verb", metavar="<操作>", required=True
        )
        p = svc.add_parser("set", help="新增或修改服务")
        p.add_argument("code", metavar="CODE")
        p.add_argument("--name", required=True)
        p.add_argument("--category", required=True, help="咨询、求助、投诉、举报、意见或建议")
        p.add_argument("--org", required=True, metavar="CODE", help="受理机关的机构代码")
        p.add_argument("--group", default="")
        p.add_argument("--description", default="")
        p.add_argument("--keywords", default="")
        p.add_argument("--attributes", metavar="FILE.json", help="属性定义（GeoReport attributes 数组）")
        svc.add_parser("list", help="列出服务")
        p = svc.add_parser("defaults", help="建立六个留言类别和常见市政问题服务")
        p.add_argument("--org", required=True, metavar="CODE", help="受理机关（如 12345 热线办）的机构代码")

    def _fail(self, message: str) -> NoReturn:
        self.stderr.write(message)
        raise SystemExit(2)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['area']}_{options['verb']}")(options)

    def _key_create(self, options: dict[str, Any]) -> None:
        try:
            key, raw = services.open311_key_create(actor=None, name=options["name"])
        except ApplicationError as exc:
            self._fail(f"{exc.code} {exc.message}")
        self.stdout.write(raw)
        self.stderr.write(f"已为“{key.name}”创建 Open311 密钥 {key.prefix}…，它不会再次显示，请妥善保存。")

    def _key_revoke(self, options: dict[str, Any]) -> None:
        keys = list(Open311Key.objects.filter(prefix=options["prefix"], revoked_at=None))
        if not keys:
            self._fail(f"没有前缀为 {options['prefix']} 的有效密钥。")
        for key in keys:
            services.open311_key_revoke(actor=None, key=key)
        self.stderr.write(f"已吊销 {len(keys)} 个密钥。")

    def _key_list(self, options: dict[str, Any]) -> None:
        for key in Open311Key.objects.all():
            state = "已吊销" if key.revoked_at else "有效"
            used = key.last_used_at.isoformat(timespec="seconds") if key.last_used_at else "-"
            self.stdout.write(f"{key.prefix}\t{key.name}\t{state}\t{used}")

    def _org(self, code: str) -> Organization:
        org = Organization.objects.filter(code=code, is_active=True).first()
        if org is None:
            self._fail(f"unknown_org 没有机构代码为 {code} 的机关。")
        return org

    def _service_set(self, options: dict[str, Any]) -> None:
        attributes: list[dict[str, Any]] = []
        if options.get("attributes"):
            try:
                attributes = json.loads(Path(options["attributes"]).read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                self._fail(f"bad_attributes 无法读取属性定义文件：{exc}")
        self._set(
            services.ServiceData(
                code=options["code"],
                name=options["name"],
                category=options["category"],
                org=self._org(options["org"]),
                group=options["group"],
                description=options["description"],
                keywords=options["keywords"],
                attributes=attributes,
            )
        )

    def _set(self, data: services.ServiceData) -> None:
        try:
            service = services.open311_service_set(actor=None, data=data)
        except ApplicationError as exc:
            self._fail(f"{exc.code} {exc.message}")
        self.stdout.write(f"{service.code}\t{service.name}\t{service.category}\t{service.org.code}")

    def _service_list(self, options: dict[str, Any]) -> None:
        for s in Open311Service.objects.select_related("org"):
            self.stdout.write(
                f"{s.code}\t{s.name}\t{s.category}\t{s.org.code}\t{'启用' if s.is_active else '停用'}"
            )

    def _service_defaults(self, options: dict[str, Any]) -> None:
        org = self._org(options["org"])
        for category, code in CATEGORY_CODES.items():
            self._set(
                services.ServiceData(code=code, name=category, category=category, org=org, group="12345")
            )
        for code, name, category, group, attributes in MUNICIPAL:
            self._set(
                services.ServiceData(
                    code=code, name=name, category=category, org=org, group=group, attributes=attributes
                )
            )
