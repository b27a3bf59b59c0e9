"""Builders for participation tests: agencies with message handlers, messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from gongkai.orgs.models import Organization, Role, User
from gongkai.participation import services
from gongkai.participation.models import Message
from tests.factories import make_org, make_user

WRITER = {
    "name": "李留言",
    "phone": "13912345678",
    "email": "liuyan@example.com",
    "id_number": "11010519491231002X",
    "address": "幸福路88号3单元",
}


@dataclass
class MsgAgency:
    org: Organization
    handler: User  # 互动办理人
    drafter: User  # a colleague without the role


def make_msg_agency(prefix: str = "a") -> MsgAgency:
    org = make_org(f"{prefix}互动局")
    return MsgAgency(
        org=org,
        handler=make_user(f"{prefix}_msg", org, Role.MESSAGE_HANDLER, email=f"{prefix}_msg@example.gov.cn"),
        drafter=make_user(f"{prefix}_drafter", org, Role.DRAFTER),
    )


def make_message(
    org: Organization,
    *,
    category: str = "投诉",
    received_on: date = date(2025, 1, 24),
    channel: str = "领导信箱",
    public: bool = True,
    subject: str = "小区噪音扰民",
    body: str = "夜间施工噪音很大，请有关部门处理。",
) -> tuple[Message, str]:
    with transaction.atomic():
        message, code = services.message_create_record(
            org=org,
            channel=channel,
            category=category,
            subject=subject,
            body=body,
            received_on=received_on,
            public_consent=public,
            writer=dict(WRITER),
        )
        services.clock_refresh(message)
        message.save()
    return message, code
