"""Spreadsheet export of the 建议提案办理 statistics (openpyxl)."""

from __future__ import annotations

import io
from typing import Any

from gongkai.policy.models import ProposalReply
from gongkai.policy.selectors import StatsRow

REPLY_TYPES = ProposalReply.ReplyType.values  # A, B, C


def stats_header() -> list[str]:
    header = ["承办单位"]
    for _, kind_label in ProposalReply.Kind.choices:
        header += [f"{kind_label}{t}类" for t in REPLY_TYPES] + [f"{kind_label}合计"]
    return [*header, "总计"]


def stats_values(row: StatsRow) -> list[Any]:
    values: list[Any] = [row.org.name]
    for kind in ProposalReply.Kind.values:
        values += [row.counts[kind][t] for t in REPLY_TYPES] + [row.counts[kind]["total"]]
    return [*values, row.total]


def _safe_cell(value: Any) -> Any:
    """Neutralize spreadsheet formula injection (an agency name starting with = + - @)."""
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@"}:
        return "'" + value
    return value


def proposal_stats_xlsx(year: int, rows: list[StatsRow], total: StatsRow | None, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = f"{year}年办理情况"
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(stats_header())
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([_safe_cell(v) for v in stats_values(row)])
    if total is not None:
        ws.append(stats_values(total))
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 30
    ws.freeze_panes = "B3"
    wb.properties.title = title
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
