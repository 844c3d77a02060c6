"""The Excel report and the deck of issue 19, read back from the files: numbers as
numbers with formats and print setup (.xlsx); pictures at the slide's size, every
department with its score, projector-size type, frozen to the month (.pptx)."""

from __future__ import annotations

import io

import pytest

from lib.io import meeting, report_xlsx
from lib.read import views
from tests.factories import TODAY


@pytest.fixture
def example_data(worked_example: int):  # type: ignore[no-untyped-def]
    ctx = views.context(worked_example, TODAY, "2026-03")
    assert ctx is not None
    return meeting.meeting_data(ctx, "zh")


def test_excel_report_numbers_formats_and_print_setup(example_data) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(report_xlsx.excel_report(example_data)))
    assert wb.sheetnames == ["汇总", "排名", "甲科", "乙科"]
    summary = {r[0].value: r[1] for r in wb["汇总"].iter_rows(min_row=2)}
    assert [c.value for c in wb["汇总"][1]] == ["统计指标", "数值"]
    n = example_data.numbers
    rate = summary["本月报送率"]
    assert isinstance(rate.value, float) and rate.value == pytest.approx(0.75)
    assert rate.number_format == "0.0%"
    assert summary["总体完成率"].value == pytest.approx(n["completion"] / 100)
    assert summary["本月应报送（项）"].value == 4 and summary["本月已报送（项）"].value == 3
    assert summary["逾期任务数（项）"].number_format == "0"
    ranking = list(wb["排名"].iter_rows())
    assert [c.value for c in ranking[0]][:4] == ["排名", "科室", "综合得分", "完成率得分"]
    first = ranking[1]
    assert (first[0].value, first[1].value, first[2].value) == (1, "甲科", 86.6)
    assert isinstance(first[2].value, float) and first[2].number_format == "0.00"
    tasks = list(wb["甲科"].iter_rows())
    assert [c.value for c in tasks[0]][2:4] == ["完成进度", "按时间应完成"]
    assert [(isinstance(r[2].value, (int, float)), r[2].number_format) for r in tasks[1:]] == [
        (True, "0%")
    ] * 2
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"
        assert ws.print_title_rows == "$1:$1"  # the header row on every printed page
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert "示例活动" in ws.oddHeader.center.text and "2026年3月" in ws.oddHeader.center.text
        assert "&P" in ws.oddFooter.center.text
        # no figure stored as text (task codes such as "1" or "1.2" are labels)
        for row in ws.iter_rows(min_row=2, values_only=True):
            for v in row[1:] if ws.title in ("甲科", "乙科") else row:
                if isinstance(v, str):
                    assert not v.replace(".", "", 1).rstrip("%").isdigit(), (ws.title, v)
