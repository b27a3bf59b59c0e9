"""`gongkai token create --username NAME [--name 用途]`: a new API token, printed once on stdout.

`gongkai token revoke --username NAME --prefix PREFIX` revokes a user's tokens with that prefix.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gongkai.opendata import selectors, services
from gongkai.orgs.models import User


class Command(BaseCommand):
    help = "管理数据接口的 API 令牌。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help="为用户创建令牌（只显示一次）")
        create.add_argument("--username", required=True)
        create.add_argument("--name", default="", help="用途说明")
        revoke = sub.add_parser("revoke", help="吊销用户的令牌")
        revoke.add_argument("--username", required=True)
        revoke.add_argument("--prefix", required=True, help="令牌的前缀（创建时显示的前 10 个字符）")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None or not user.is_active:
            self.stderr.write(f"用户 {options['username']} 不存在或已停用。")
            sys.exit(2)
        if options["verb"] == "create":
            token, raw = services.token_create(actor=None, user=user, name=options["name"])
            self.stdout.write(raw)
            self.stderr.write(f"已为 {user.username} 创建令牌 {token.prefix}…，它不会再次显示，请妥善保存。")
            return
        tokens = [t for t in selectors.tokens_for_user(user) if t.prefix == options["prefix"] and t.is_active]
        if not tokens:
            self.stderr.write(f"用户 {user.username} 没有前缀为 {options['prefix']} 的有效令牌。")
            sys.exit(2)
        for token in tokens:
            services.token_revoke(actor=None, token=token)
        self.stderr.write(f"已吊销 {len(tokens)} 个令牌。")
