"""The statutory tables laid out as the official forms (headers with rowspan/colspan). Pure: no Django import.

One grid per table — rows of cells with spans — rendered by the web page (HTML rowspan/colspan), the Word document
(merged cells) and the Excel workbook (merged ranges), so that the three outputs can never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from gongkai.reports import rules


@dataclass(frozen=True)
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False
    key: str = ""  # "table3:disclosed:natural" for a data cell


Grid = list[list[Cell]]


def _h(text: str, rowspan: int = 1, colspan: int = 1) -> Cell:
    return Cell(text, rowspan, colspan, header=True)


def format_value(value: int | Decimal | str) -> str:
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f") if value != 0 else "0"
        return text
    return str(value)


def table2_grids(fmt: str, table2: Mapping[str, Mapping[str, int | Decimal]]) -> list[Grid]:
    """Table 二: one small grid per 第二十条 item (heading, column labels, rows)."""
    grids: list[Grid] = []
    for group in rules.table2_groups(fmt):
        width = len(group.columns) + 1
        grid: Grid = [
            [_h(group.heading, colspan=width)],
            [_h("信息内容"), *(_h(label) for _, label, _ in group.columns)],
        ]
        for row, label in group.rows:
            grid.append(
                [
                    _h(label),
                    *(
                        Cell(format_value(table2.get(row, {}).get(col, 0)), key=f"table2:{row}:{col}")
                        for col, _, _ in group.columns
                    ),
                ]
            )
        grids.append(grid)
    return grids


def table3_grid(fmt: str, table3: Mapping[str, Mapping[str, int]]) -> Grid:
    def values(row: str) -> list[Cell]:
        return [
            Cell(str(table3.get(row, {}).get(col, 0)), key=f"table3:{row}:{col}") for col in rules.ALL_COLUMNS
        ]

    grid: Grid = [
        [_h("申请人情况", 2, 3), _h("自然人", 2), _h("法人或其他组织", colspan=5), _h("总计", 2)],
        [_h(rules.COLUMN_LABELS[c]) for c in rules.COLUMNS[1:]],
        [_h(rules.ROW_TITLES[rules.NEW], colspan=3), *values(rules.NEW)],
        [_h(rules.ROW_TITLES[rules.CARRIED_OVER], colspan=3), *values(rules.CARRIED_OVER)],
    ]
    outcomes = rules.outcome_rows(fmt)
    sections: dict[str, list[str]] = {}
    for row in outcomes:
        sections.setdefault(rules.row_section(row), []).append(row)
    first = True
    for section, rows in sections.items():
        for i, row in enumerate(rows):
            cells: list[Cell] = []
            if first:
                cells.append(_h(rules.RESULTS_HEADING, rowspan=len(outcomes) + 1))
                first = False
            item = rules.row_item(row)
            if not item:
                cells.append(_h(section, colspan=2))
            else:
                if i == 0:
                    cells.append(_h(section, rowspan=len(rows)))
                cells.append(_h(item))
            grid.append([*cells, *values(row)])
    grid.append([_h(rules.ROW_TITLES[rules.TOTAL], colspan=2), *values(rules.TOTAL)])
    grid.append([_h(rules.ROW_TITLES[rules.CARRIED_FORWARD], colspan=3), *values(rules.CARRIED_FORWARD)])
    return grid


def table4_grid(table4: Mapping[str, Mapping[str, int]]) -> Grid:
    results = [rules.RESULT_LABELS[r] for r in rules.ALL_RESULTS]
    return [
        [_h("行政复议", colspan=5), _h("行政诉讼", colspan=10)],
        [
            *(_h(label, rowspan=2) for label in results),
            _h("未经复议直接起诉", colspan=5),
            _h("复议后起诉", colspan=5),
        ],
        [*(_h(label) for label in results), *(_h(label) for label in results)],
        [
            Cell(str(table4.get(kind, {}).get(result, 0)), key=f"table4:{kind}:{result}")
            for kind in rules.KINDS
            for result in rules.ALL_RESULTS
        ],
    ]


def place(grid: Grid) -> tuple[list[tuple[int, int, Cell]], int]:
    """Absolute (row, column) of every cell, skipping positions covered by earlier spans; and the grid's width."""
    taken: set[tuple[int, int]] = set()
    placed: list[tuple[int, int, Cell]] = []
    width = 0
    for r, row in enumerate(grid):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed.append((r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
            width = max(width, c)
    return placed, width
