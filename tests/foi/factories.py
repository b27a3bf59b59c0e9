"""Builders for FOI test data: agencies with FOI staff, applicants, registered requests."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from gongkai.foi import services
from gongkai.foi.models import Request
from gongkai.foi.services import ApplicantData
from gongkai.orgs.models import Organization, Role, User
from tests.factories import make_org, make_user

# A valid 居民身份证 number (GB 11643 check character X) and one with a wrong check character.
ID_OK = "11010519491231002X"
ID_BAD_CHECK = "110105194912310021"


@dataclass
class FoiAgency:
    org: Organization
    handler: User  # 依申请公开经办人
    head: User  # 政府信息公开工作机构负责人
    drafter: User  # a colleague without an FOI role


def make_foi_agency(prefix: str = "a", name: str = "") -> FoiAgency:
    org = make_org(name or f"{prefix}测试局")
    return FoiAgency(
        org=org,
        handler=make_user(f"{prefix}_foi", org, Role.FOI_HANDLER, email=f"{prefix}_foi@example.gov.cn"),
        head=make_user(f"{prefix}_head", org, Role.FOI_HEAD),
        drafter=make_user(f"{prefix}_drafter", org, Role.DRAFTER),
    )


APPLICANT = ApplicantData(
    applicant_type="natural",
    applicant_name="张三",
    description="请公开本局2024年老旧小区改造项目的资金安排情况。",
    id_type="resident_id",
    id_number=ID_OK,
    phone="13812345678",
    email="zhangsan@example.com",
    address="测试市测试路2号",
    postcode="050000",
    preferred_form="electronic",
    delivery="email",
)


def applicant(**changes: Any) -> ApplicantData:
    return replace(APPLICANT, **changes)


def register(
    agency: FoiAgency,
    received_on: date | None = date(2025, 1, 20),
    channel: str = "in_person",
    **changes: Any,
) -> Request:
    """A request handed in at the agency's office and registered by its handler."""
    return services.request_register(
        actor=agency.handler,
        org=agency.org,
        data=applicant(**changes),
        channel=channel,
        received_on=received_on,
    ).request
