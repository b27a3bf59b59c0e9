"""Fixtures for the FOI tests: two agencies with FOI staff."""

from __future__ import annotations

import pytest

from tests.foi.factories import FoiAgency, make_foi_agency


@pytest.fixture
def agency(db) -> FoiAgency:
    return make_foi_agency("a")


@pytest.fixture
def other(db) -> FoiAgency:
    return make_foi_agency("b")
