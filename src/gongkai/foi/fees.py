"""信息处理费 (R-FOI-7; 国办函〔2020〕109号, 条例 第四十二条). Pure: no Django import.

Fees are charged only for requests clearly beyond a reasonable volume or frequency. Two progressive tariffs, one per
request, never both (a request's fee has one `basis`):

- 按件 `per_item` — per applicant, per calendar month, at one agency, cumulative: the 1st–10th item are free; the
  11th–30th cost 100 元 each; from the 31st, every further band of 10 items costs 100 元 more per item (31–40: 200,
  41–50: 300, …). A request of `count` items after `prior` earlier items that month pays for items prior+1 … prior+count.
- 按量 `per_page` — by pages (paper, e-mail, copies): pages 1–30 free; 31–100: 10 元/页; 101–200: 20 元/页; from 201:
  40 元/页; each band charges only the pages within it.

The applicant pays within 20 working days counted from the day after the notice is received (109号 第七条): the
20th working day strictly after the day of receipt (R-CAL-2). Unpaid → outcome `other.fee_unpaid`.
Amounts are whole yuan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from gongkai.core.workdays_rules import Schedule

PER_ITEM, PER_PAGE = "per_item", "per_page"
BASIS_LABELS = {PER_ITEM: "按件计收", PER_PAGE: "按量计收"}
UNIT_LABELS = {PER_ITEM: "件", PER_PAGE: "页"}

PAYMENT_WORKING_DAYS = 20

FREE_ITEMS = 10
FIRST_ITEM_BAND_END = 30
FIRST_ITEM_PRICE = 100
ITEM_BAND_SIZE = 10
ITEM_BAND_STEP = 100

# (first page, last page or None, price per page)
PAGE_BANDS: tuple[tuple[int, int | None, int], ...] = (
    (1, 30, 0),
    (31, 100, 10),
    (101, 200, 20),
    (201, None, 40),
)


@dataclass(frozen=True)
class Band:
    """One line of the fee calculation shown in the notice: units first…last at `unit_price` 元."""

    first: int
    last: int
    unit_price: int

    @property
    def units(self) -> int:
        return self.last - self.first + 1

    @property
    def subtotal(self) -> int:
        return self.units * self.unit_price


def item_price(n: int) -> int:
    """Price in 元 of the n-th item an applicant asks of one agency in one calendar month (n ≥ 1)."""
    if n < 1:
        raise ValueError("item number must be at least 1")
    if n <= FREE_ITEMS:
        return 0
    if n <= FIRST_ITEM_BAND_END:
        return FIRST_ITEM_PRICE
    return FIRST_ITEM_PRICE + ITEM_BAND_STEP * (1 + (n - FIRST_ITEM_BAND_END - 1) // ITEM_BAND_SIZE)


def per_item_bands(*, prior: int, count: int) -> list[Band]:
    """The items prior+1 … prior+count grouped by price (bands with a price of 0 included)."""
    if prior < 0 or count < 1:
        raise ValueError("prior must be ≥ 0 and count ≥ 1")
    bands: list[Band] = []
    for n in range(prior + 1, prior + count + 1):
        price = item_price(n)
        if bands and bands[-1].unit_price == price:
            bands[-1] = Band(bands[-1].first, n, price)
        else:
            bands.append(Band(n, n, price))
    return bands


def per_page_bands(pages: int) -> list[Band]:
    """Pages 1 … `pages` split into the tariff's bands (only bands that hold pages)."""
    if pages < 1:
        raise ValueError("pages must be at least 1")
    bands = []
    for first, last, price in PAGE_BANDS:
        if pages < first:
            break
        bands.append(Band(first, pages if last is None else min(last, pages), price))
    return bands


def per_item_fee(*, prior: int, count: int) -> int:
    return sum(b.subtotal for b in per_item_bands(prior=prior, count=count))


def per_page_fee(pages: int) -> int:
    return sum(b.subtotal for b in per_page_bands(pages))


def fee_bands(basis: str, quantity: int, *, prior: int = 0) -> list[Band]:
    """The calculation for one request: `quantity` items (after `prior` that month) or pages."""
    if basis == PER_ITEM:
        return per_item_bands(prior=prior, count=quantity)
    if basis == PER_PAGE:
        return per_page_bands(quantity)
    raise ValueError(f"unknown fee basis {basis!r}")


def fee_amount(basis: str, quantity: int, *, prior: int = 0) -> int:
    """The fee in 元 for one request (one basis only: a request is never charged both ways)."""
    return sum(b.subtotal for b in fee_bands(basis, quantity, prior=prior))


def payment_due(schedule: Schedule, notice_received_on: date) -> date:
    """Last day to pay: the 20th working day strictly after the day the notice was received (R-FOI-7)."""
    return schedule.add_working_days(notice_received_on, PAYMENT_WORKING_DAYS)
