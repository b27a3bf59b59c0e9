"""Fixtures for the search tests: agencies that publish through the real services."""

from __future__ import annotations

from typing import Any

import pytest

from gongkai.publishing import services
from gongkai.publishing.models import InfoItem
from gongkai.search.params import parse_params
from gongkai.search.selectors import SearchPage, search
from tests.factories import make_agency


@pytest.fixture
def agency(db):
    return make_agency("s", name="示例市人力资源和社会保障局")


@pytest.fixture
def other(db):
    return make_agency("o", name="示例市教育局")


def find(q: str = "", **params: Any) -> SearchPage:
    data = {"q": q, **{k: str(v) for k, v in params.items()}}
    return search(parse_params(data))


def titles(q: str = "", **params: Any) -> list[str]:
    return [hit.item.title for hit in find(q, page_size=100, **params).hits]


def withdraw(agency, item: InfoItem) -> InfoItem:
    return services.item_transition(actor=agency.publisher, item=item, action="withdraw", comment="内容有误")
