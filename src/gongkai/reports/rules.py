"""The annual report's statutory tables, their arithmetic and their checks. Pure: no Django import.

R-RPT-2 sections, R-RPT-3 table 二 / 三 / 四 rows and columns, R-RPT-4 the checks (勾稽关系) that block publication,
R-RPT-5 the 2019 format (years 2019 and 2020). Tables are plain dicts of codes: table 三 is `{row: {column: n}}`,
table 四 is `{kind: {result: n}}`, table 二 is `{row: {column: value}}`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from gongkai.foi.outcomes import OUTCOMES

FORMAT_2019, FORMAT_2021 = "2019", "2021"
FIRST_YEAR = 2019  # R-RPT-5: earlier years are out of scope
LAST_YEAR = 2200


def format_for_year(year: int) -> str:
    """R-RPT-5: the 2019 format for 2019 and 2020, the 2021 format from 2021 on (ValueError before 2019)."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"{year}年不在年度报告的适用范围内（2019年起）。")
    return FORMAT_2019 if year <= 2020 else FORMAT_2021


# ---------------------------------------------------------------- table 三 (R-RPT-3)

COLUMNS = ("natural", "business", "research", "public_interest", "legal_service", "other_org")
TOTAL = "total"
ALL_COLUMNS = (*COLUMNS, TOTAL)
COLUMN_LABELS = {
    "natural": "自然人",
    "business": "商业企业",
    "research": "科研机构",
    "public_interest": "社会公益组织",
    "legal_service": "法律服务机构",
    "other_org": "其他",
    TOTAL: "总计",
}

NEW, CARRIED_OVER, CARRIED_FORWARD = "new", "carried_over", "carried_forward"
OTHER_2019 = "other"  # R-RPT-5: the 2019 format's one （六）其他处理 row
OTHER_CODES = ("other.no_supplement", "other.fee_unpaid", "other.other")
WITHDRAWN_OUTCOME = "other.other"  # a request withdrawn by the applicant: （六）其他处理 3.其他

OUTCOME_ROWS_2021 = tuple(OUTCOMES)
OUTCOME_ROWS_2019 = (*(c for c in OUTCOMES if c not in OTHER_CODES), OTHER_2019)

ROW_TITLES = {
    NEW: "一、本年新收政府信息公开申请数量",
    CARRIED_OVER: "二、上年结转政府信息公开申请数量",
    TOTAL: "（七）总计",
    CARRIED_FORWARD: "四、结转下年度继续办理",
}
RESULTS_HEADING = "三、本年度办理结果"


def outcome_rows(fmt: str) -> tuple[str, ...]:
    return OUTCOME_ROWS_2019 if fmt == FORMAT_2019 else OUTCOME_ROWS_2021


def table3_rows(fmt: str) -> tuple[str, ...]:
    return (NEW, CARRIED_OVER, *outcome_rows(fmt), TOTAL, CARRIED_FORWARD)


def outcome_key(code: str, fmt: str) -> str:
    """The table-三 row of an outcome code in a format (the 2019 format folds （六）1–3 into `other`)."""
    if fmt == FORMAT_2019 and code in OTHER_CODES:
        return OTHER_2019
    return code


def row_section(row: str) -> str:
    """The （一）…（六） heading of an outcome row."""
    if row == OTHER_2019:
        return "（六）其他处理"
    return OUTCOMES[row].section


def row_item(row: str) -> str:
    """The numbered item of an outcome row ("" for a section of one row)."""
    if row == OTHER_2019:
        return ""
    return OUTCOMES[row].item


def row_label(row: str) -> str:
    """A row's full label, e.g. "（三）不予公开 1.属于国家秘密" or "一、本年新收政府信息公开申请数量"."""
    if row in ROW_TITLES:
        return ROW_TITLES[row]
    item = row_item(row)
    return f"{row_section(row)} {item}" if item else row_section(row)


def row_short_label(row: str) -> str:
    """The label a reader needs to find the cell: "（三）1.属于国家秘密", "（七）总计", "一、本年新收…"."""
    if row in ROW_TITLES:
        return ROW_TITLES[row]
    item = row_item(row)
    return f"{row_section(row)[:3]}{item}" if item else row_section(row)


def empty_table3(fmt: str) -> dict[str, dict[str, int]]:
    return {row: dict.fromkeys(ALL_COLUMNS, 0) for row in table3_rows(fmt)}


def complete_table3(counts: Mapping[str, Mapping[str, int]], fmt: str) -> dict[str, dict[str, int]]:
    """Every row and column of table 三 from per-applicant counts: the 总计 column and the （七）总计 row are
    computed (R-RPT-3), never taken from the input. Unknown rows are refused (ValueError)."""
    table = empty_table3(fmt)
    for row, cols in counts.items():
        if row not in table or row == TOTAL:
            raise ValueError(f"表三没有“{row}”这一行。")
        for col, n in cols.items():
            if col not in COLUMNS:
                if col == TOTAL:
                    continue
                raise ValueError(f"表三没有“{col}”这一列。")
            table[row][col] += int(n)
    for col in COLUMNS:
        table[TOTAL][col] = sum(table[r][col] for r in outcome_rows(fmt))
    for row in table:
        table[row][TOTAL] = sum(table[row][c] for c in COLUMNS)
    return table


def add_tables(
    a: Mapping[str, Mapping[str, int]], b: Mapping[str, Mapping[str, int]]
) -> dict[str, dict[str, int]]:
    """Cell-wise sum of two partial tables (rows and columns of either)."""
    result: dict[str, dict[str, int]] = {r: dict(c) for r, c in a.items()}
    for row, cols in b.items():
        target = result.setdefault(row, {})
        for col, n in cols.items():
            target[col] = target.get(col, 0) + int(n)
    return result


# ---------------------------------------------------------------- table 四 (R-RPT-3, R-FOI-9)

KINDS = ("review", "litigation_direct", "litigation_after_review")
KIND_LABELS = {
    "review": "行政复议",
    "litigation_direct": "行政诉讼（未经复议直接起诉）",
    "litigation_after_review": "行政诉讼（复议后起诉）",
}
RESULTS = ("upheld", "corrected", "other", "pending")
ALL_RESULTS = (*RESULTS, TOTAL)
RESULT_LABELS = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    TOTAL: "总计",
}


def remedy_result_at(result: str, decided_on: date | None, year_end: date) -> str:
    """The result as of 31 December: a remedy not decided by then (or decided later) counts as pending."""
    if not result or result == "pending" or decided_on is None or decided_on > year_end:
        return "pending"
    return result


def complete_table4(counts: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, int]]:
    table = {kind: dict.fromkeys(ALL_RESULTS, 0) for kind in KINDS}
    for kind, results in counts.items():
        if kind not in table:
            raise ValueError(f"表四没有“{kind}”这一类。")
        for result, n in results.items():
            if result == TOTAL:
                continue
            if result not in RESULTS:
                raise ValueError(f"表四没有“{result}”这一项。")
            table[kind][result] += int(n)
    for kind in KINDS:
        table[kind][TOTAL] = sum(table[kind][r] for r in RESULTS)
    return table


# ---------------------------------------------------------------- table 二 (R-RPT-3, R-RPT-5)

INT, SIGNED_INT, AMOUNT = "int", "signed_int", "amount"


@dataclass(frozen=True)
class Table2Group:
    heading: str  # 第二十条第（一）项
    columns: tuple[tuple[str, str, str], ...]  # (code, label, value type)
    rows: tuple[tuple[str, str], ...]  # (code, label)


TABLE2_2021 = (
    Table2Group(
        "第二十条第（一）项",
        (("made", "本年制发件数", INT), ("repealed", "本年废止件数", INT), ("in_force", "现行有效件数", INT)),
        (("rule", "规章"), ("normative", "行政规范性文件")),
    ),
    Table2Group(
        "第二十条第（五）项", (("decisions", "本年处理决定数量", INT),), (("licensing", "行政许可"),)
    ),
    Table2Group(
        "第二十条第（六）项",
        (("decisions", "本年处理决定数量", INT),),
        (("penalty", "行政处罚"), ("coercion", "行政强制")),
    ),
    Table2Group(
        "第二十条第（八）项",
        (("amount_10k_yuan", "本年收费金额（单位：万元）", AMOUNT),),
        (("fees", "行政事业性收费"),),
    ),
)
_ITEMS_2019 = (("items_last_year", "上一年项目数量", INT), ("items_change", "本年增/减", SIGNED_INT))
TABLE2_2019 = (
    Table2Group(
        "第二十条第（一）项",
        (
            ("made", "本年新制作数量", INT),
            ("published", "本年新公开数量", INT),
            ("public_total", "对外公开总数量", INT),
        ),
        (("rule", "规章"), ("normative", "规范性文件")),
    ),
    Table2Group(
        "第二十条第（五）项",
        (*_ITEMS_2019, ("decisions", "处理决定数量", INT)),
        (("licensing", "行政许可"), ("other_services", "其他对外管理服务事项")),
    ),
    Table2Group(
        "第二十条第（六）项",
        (*_ITEMS_2019, ("decisions", "处理决定数量", INT)),
        (("penalty", "行政处罚"), ("coercion", "行政强制")),
    ),
    Table2Group("第二十条第（八）项", _ITEMS_2019, (("fees", "行政事业性收费"),)),
    Table2Group(
        "第二十条第（九）项",
        (("items", "采购项目数量", INT), ("amount_10k_yuan", "采购总金额", AMOUNT)),
        (("procurement", "政府集中采购"),),
    ),
)
# Cells the platform computes from published policies (the others are entered by staff).
COMPUTED_TABLE2 = {
    FORMAT_2021: {("rule", c) for c in ("made", "repealed", "in_force")}
    | {("normative", c) for c in ("made", "repealed", "in_force")},
    FORMAT_2019: {(r, c) for r in ("rule", "normative") for c in ("made", "published", "public_total")},
}


def table2_groups(fmt: str) -> tuple[Table2Group, ...]:
    return TABLE2_2019 if fmt == FORMAT_2019 else TABLE2_2021


def table2_cells(fmt: str) -> list[tuple[str, str, str]]:
    """(row, column, value type) of every cell of table 二."""
    return [(row, col, kind) for g in table2_groups(fmt) for row, _ in g.rows for col, _, kind in g.columns]


def table2_value(raw: object, kind: str) -> int | Decimal:
    """Parse one table-二 value: counts are whole numbers (本年增/减 may be negative), amounts are decimals in
    万元 with at most 4 places. ValueError with a Chinese message otherwise."""
    text = str(raw).strip().replace(",", "").replace("，", "")
    if kind == AMOUNT:
        try:
            value = Decimal(text)
        except InvalidOperation as exc:
            raise ValueError(f"“{raw}”不是有效的金额（万元）。") from exc
        if (
            not value.is_finite()
            or value < 0
            or value != value.quantize(Decimal("0.0001"))
            or abs(value) >= 10**12
        ):
            raise ValueError(f"金额“{raw}”无效：应为不小于 0、最多四位小数的万元数。")
        return value
    try:
        number = int(text)
    except ValueError as exc:
        raise ValueError(f"“{raw}”不是整数。") from exc
    if kind == INT and number < 0:
        raise ValueError(f"“{raw}”不能为负数。")
    return number


def table2_complete(
    computed: Mapping[str, Mapping[str, int]], manual: Mapping[str, Mapping[str, object]], fmt: str
) -> dict[str, dict[str, int | Decimal]]:
    """Table 二: a manual value where staff entered one, else the computed one, else 0."""
    table: dict[str, dict[str, int | Decimal]] = {}
    for row, col, kind in table2_cells(fmt):
        raw = manual.get(row, {}).get(col)
        if raw is not None and raw != "":
            value = table2_value(raw, kind)
        elif col in computed.get(row, {}):
            value = int(computed[row][col])
        else:
            value = Decimal("0") if kind == AMOUNT else 0
        table.setdefault(row, {})[col] = value
    return table


# ---------------------------------------------------------------- checks (R-RPT-4)


@dataclass(frozen=True)
class Check:
    id: str
    ok: bool
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "ok": self.ok, "message": self.message}


RULE_BALANCE = "第一项加第二项之和应等于第三项（七）总计加第四项之和"
RULE_OUTCOME_SUM = "（七）总计应等于本年度各项办理结果之和"
RULE_COLUMN_SUM = "总计列应等于自然人与五类法人或其他组织之和"
RULE_REMEDY_SUM = "总计应等于结果维持、结果纠正、其他结果、尚未审结之和"


def _cell(table: Mapping[str, Mapping[str, int]], row: str, col: str) -> int:
    return int(table.get(row, {}).get(col, 0) or 0)


def checks(
    table3: Mapping[str, Mapping[str, int]], table4: Mapping[str, Mapping[str, int]], fmt: str
) -> list[Check]:
    """R-RPT-4, on the tables as they stand (hand-broken ones included). One entry per column, row or kind."""
    result: list[Check] = []
    outcomes = outcome_rows(fmt)
    for col in ALL_COLUMNS:
        label = COLUMN_LABELS[col]
        a, b = _cell(table3, NEW, col), _cell(table3, CARRIED_OVER, col)
        c, d = _cell(table3, TOTAL, col), _cell(table3, CARRIED_FORWARD, col)
        ok = a + b == c + d
        result.append(
            Check(
                f"balance.{col}",
                ok,
                f"表三“{label}”列：{RULE_BALANCE}（{a}+{b}{'=' if ok else '≠'}{c}+{d}）。"
                + ("" if ok else "请核对本年新收、上年结转、办理结果和结转下年度的数字。"),
            )
        )
    for col in ALL_COLUMNS:
        label = COLUMN_LABELS[col]
        total, parts = _cell(table3, TOTAL, col), sum(_cell(table3, r, col) for r in outcomes)
        ok = total == parts
        result.append(
            Check(
                f"outcome_sum.{col}",
                ok,
                f"表三“（七）总计”行“{label}”列：{RULE_OUTCOME_SUM}（{total}{'=' if ok else '≠'}{parts}）。",
            )
        )
    for row in table3_rows(fmt):
        total, parts = _cell(table3, row, TOTAL), sum(_cell(table3, row, c) for c in COLUMNS)
        ok = total == parts
        result.append(
            Check(
                f"column_sum.{row}",
                ok,
                f"表三“{row_short_label(row)}”行“总计”列：{RULE_COLUMN_SUM}（{total}{'=' if ok else '≠'}{parts}）。",
            )
        )
    for kind in KINDS:
        total, parts = _cell(table4, kind, TOTAL), sum(_cell(table4, kind, r) for r in RESULTS)
        ok = total == parts
        result.append(
            Check(
                f"remedy_sum.{kind}",
                ok,
                f"表四“{KIND_LABELS[kind]}”的“总计”：{RULE_REMEDY_SUM}（{total}{'=' if ok else '≠'}{parts}）。",
            )
        )
    for name, table, rows, cols in (
        ("table3", table3, table3_rows(fmt), ALL_COLUMNS),
        ("table4", table4, KINDS, ALL_RESULTS),
    ):
        negative = [(r, c) for r in rows for c in cols if _cell(table, r, c) < 0]
        result.append(
            Check(
                f"non_negative.{name}",
                not negative,
                ("表三" if name == "table3" else "表四")
                + (
                    "各项数量均不小于 0。"
                    if not negative
                    else f"的数量不能为负数：{_cells_text(name, negative)}。"
                ),
            )
        )
    return result


def _cells_text(name: str, cells: list[tuple[str, str]]) -> str:
    if name == "table3":
        return "、".join(f"“{row_short_label(r)}”行“{COLUMN_LABELS[c]}”列" for r, c in cells)
    return "、".join(f"“{KIND_LABELS[k]}”的“{RESULT_LABELS[r]}”" for k, r in cells)


def failing(check_list: list[Check]) -> list[Check]:
    return [c for c in check_list if not c.ok]


# ---------------------------------------------------------------- texts (R-RPT-2)


def overview_draft(
    *,
    org_name: str,
    year: int,
    table2: Mapping[str, Mapping[str, int | Decimal]],
    table3: Mapping[str, Mapping[str, int]],
    table4: Mapping[str, Mapping[str, int]],
    fmt: str,
) -> str:
    """A first draft of 一、总体情况 from the numbers (staff edit it; R-RPT-2 names its five parts)."""
    made_col = "made"
    rules_made = int(table2.get("rule", {}).get(made_col, 0))
    normative_made = int(table2.get("normative", {}).get(made_col, 0))
    in_force_col = "public_total" if fmt == FORMAT_2019 else "in_force"
    normative_label = "规范性文件" if fmt == FORMAT_2019 else "行政规范性文件"
    t = {row: table3.get(row, {}).get(TOTAL, 0) for row in table3}
    disclosed = t.get("disclosed", 0)
    partial = t.get("partial", 0)
    reviews = table4.get("review", {}).get(TOTAL, 0)
    suits = table4.get("litigation_direct", {}).get(TOTAL, 0) + table4.get("litigation_after_review", {}).get(
        TOTAL, 0
    )
    corrected = sum(table4.get(k, {}).get("corrected", 0) for k in KINDS)
    return "\n".join(
        [
            f"（一）主动公开。{year}年，{org_name}制发规章{rules_made}件、{normative_label}{normative_made}件，"
            f"截至{year}年12月31日{'对外公开' if fmt == FORMAT_2019 else '现行有效'}"
            f"规章{int(table2.get('rule', {}).get(in_force_col, 0))}件、"
            f"{normative_label}{int(table2.get('normative', {}).get(in_force_col, 0))}件。",
            f"（二）依申请公开。本年新收政府信息公开申请{t.get(NEW, 0)}件，上年结转{t.get(CARRIED_OVER, 0)}件；"
            f"本年度办结{t.get(TOTAL, 0)}件，其中予以公开{disclosed}件、部分公开{partial}件；"
            f"结转下年度继续办理{t.get(CARRIED_FORWARD, 0)}件。",
            f"因政府信息公开工作被申请行政复议{reviews}件、提起行政诉讼{suits}件，其中结果被纠正{corrected}件。",
            "（三）政府信息管理。（请补充）",
            "（四）政府信息公开平台建设。（请补充）",
            "（五）监督保障。（请补充）",
        ]
    )


@dataclass(frozen=True)
class FeeSummary:
    """信息处理费 (R-FOI-7, R-RPT-2 六): notices sent in the year, their amounts, and what was collected."""

    notices: int = 0
    amount: Decimal = Decimal("0")
    paid: int = 0
    collected: Decimal = Decimal("0")


def fee_text(year: int, fees: FeeSummary) -> str:
    if fees.notices == 0:
        return f"{year}年，本机关未发出信息处理费缴费通知，未收取信息处理费。"
    return (
        f"{year}年，本机关依据《政府信息公开信息处理费管理办法》发出信息处理费缴费通知{fees.notices}份，"
        f"金额合计{_yuan(fees.amount)}元；实际收取{fees.paid}笔，共计{_yuan(fees.collected)}元。"
    )


def _yuan(value: Decimal) -> str:
    text = f"{value:.2f}"
    return text[:-3] if text.endswith(".00") else text


# ---------------------------------------------------------------- deadlines (R-RPT-1)

REMIND_DAYS_BEFORE = 15


def publication_deadline(org_kind: str, year: int) -> date:
    """R-RPT-1 (条例 第四十九条): a government department's report of `year` by 31 January of the next year, a
    government's (人民政府) by 31 March."""
    return date(year + 1, 3, 31) if org_kind == "government" else date(year + 1, 1, 31)


def reminder_state(today: date, deadline: date, *, days_before: int = REMIND_DAYS_BEFORE) -> str:
    """ "soon" within `days_before` days of the deadline, "late" after it (in the deadline's year), else ""."""
    if today > deadline:
        return "late" if today.year == deadline.year else ""
    return "soon" if (deadline - today).days <= days_before else ""
