"""R-FOI-7 信息处理费 (gongkai.foi.fees): pure arithmetic at every band edge, and the payment period."""

from __future__ import annotations

from datetime import date

import pytest

from gongkai.foi import fees
from tests.foi.schedules import REAL


@pytest.mark.parametrize(
    ("n", "price"),
    [
        (1, 0),
        (10, 0),  # ≤ 10 free
        (11, 100),  # 11–30: 100 元/件
        (30, 100),
        (31, 200),  # 31–40: 200
        (40, 200),
        (41, 300),  # 41–50: 300
        (50, 300),
        (51, 400),  # each further band of 10: 100 more
        (61, 500),
    ],
)
def test_r_foi_7_per_item_price_of_the_nth_item_in_the_month(n, price):
    assert fees.item_price(n) == price


def test_r_foi_7_per_item_is_cumulative_over_the_month():
    # The 11th request of the month, one item: 100.
    assert fees.per_item_fee(prior=10, count=1) == 100
    # The 10th: still free.
    assert fees.per_item_fee(prior=9, count=1) == 0
    # Items 9–13 in one request: 9, 10 free; 11, 12, 13 at 100.
    assert fees.per_item_fee(prior=8, count=5) == 300
    # Items 29–32: 29, 30 at 100; 31, 32 at 200.
    assert fees.per_item_fee(prior=28, count=4) == 600
    # Items 39–42: 39, 40 at 200; 41, 42 at 300.
    assert fees.per_item_fee(prior=38, count=4) == 1000
    bands = fees.per_item_bands(prior=8, count=5)
    assert [(b.first, b.last, b.unit_price, b.subtotal) for b in bands] == [(9, 10, 0, 0), (11, 13, 100, 300)]


@pytest.mark.parametrize(
    ("pages", "amount"),
    [
        (1, 0),
        (30, 0),  # ≤ 30 free
        (31, 10),  # page 31 at 10
        (100, 700),  # pages 31–100: 70 × 10
        (101, 720),  # + page 101 at 20
        (200, 2700),  # 700 + 100 × 20
        (201, 2740),  # + page 201 at 40
        (250, 4700),  # 2700 + 50 × 40
    ],
)
def test_r_foi_7_per_page_each_band_charges_its_own_pages(pages, amount):
    assert fees.per_page_fee(pages) == amount
    assert fees.fee_amount(fees.PER_PAGE, pages) == amount


def test_r_foi_7_per_page_bands_for_the_notice():
    bands = fees.per_page_bands(201)
    assert [(b.first, b.last, b.unit_price, b.units) for b in bands] == [
        (1, 30, 0, 30),
        (31, 100, 10, 70),
        (101, 200, 20, 100),
        (201, 201, 40, 1),
    ]


def test_r_foi_7_one_basis_per_request():
    assert fees.fee_amount(fees.PER_ITEM, 3, prior=10) == 300
    with pytest.raises(ValueError):
        fees.fee_amount("both", 3)
    with pytest.raises(ValueError):
        fees.per_page_fee(0)


def test_r_foi_7_payment_due_counts_from_the_day_after_receipt_of_the_notice():
    # Notice received Fri 2025-01-24: Sun 01-26 调休 (1), 27 (2); holiday to 02-04; 02-05 (3) … 07 (5),
    # Sat 02-08 调休 (6), 10 (7) … 14 (11), 17 (12) … 21 (16), 24 (17) … 27 (20).
    assert fees.payment_due(REAL, date(2025, 1, 24)) == date(2025, 2, 27)
