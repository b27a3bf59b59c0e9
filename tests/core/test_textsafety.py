"""One rule for control characters and spreadsheet formulas across every export (core.textsafety)."""

import io

import openpyxl
from hypothesis import given
from hypothesis import strategies as st

from gongkai.core.textsafety import (
    control_character_problem,
    is_formula,
    neutralize,
    safe_cell,
    strip_control,
)


def test_control_characters_are_refused_with_a_message_naming_the_field():
    assert control_character_problem("正常文字\t换行\n", "回答") == ""
    assert "空字符" in control_character_problem("a\x00b", "回答")
    assert control_character_problem("建议\x0b放宽", "意见").startswith("意见中含有不允许的控制字符")


def test_formulas_are_neutralized_but_numbers_are_data():
    assert is_formula('=HYPERLINK("http://x","点我")') and neutralize("=1+1") == "'=1+1"
    assert is_formula("@SUM(A1)") and is_formula("-cmd|' /C calc'!A0")
    assert not is_formula("-3.5") and not is_formula("+86") and not is_formula("关于印发…")
    assert safe_cell(42) == 42 and safe_cell(None) is None


@given(st.text(max_size=60))
def test_any_text_through_safe_cell_is_stored_as_text_and_reads_back(text):
    """What a citizen or an importer typed can always be written to a workbook and comes back as typed (minus the
    control characters), never as a formula."""
    wb = openpyxl.Workbook()
    cell = wb.active.cell(row=1, column=1, value=safe_cell(text))
    assert cell.data_type != "f"
    buf = io.BytesIO()
    wb.save(buf)
    back = openpyxl.load_workbook(io.BytesIO(buf.getvalue())).active.cell(row=1, column=1).value
    expected = strip_control(text)
    if is_formula(expected):
        expected = "'" + expected
    assert (back or "") == expected
