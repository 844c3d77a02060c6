"""Excel import: the whole workbook is checked first, then written all or nothing
through the write side (``lib.write``), by the same rules as the pages.

Sheets (Chinese names and headers; English names and headers accepted too):
活动 campaign, 阶段 phases, 科室 departments, 任务 tasks (with responsible departments and
the lead), 用户 users, 指标 indicators, 指标值 indicator values (with sample sizes),
月度填报 monthly updates, 标杆 peer benchmarks. Rows are matched by their codes, so
importing the same file again changes nothing. Every problem is reported with sheet, row,
column and reason, all in one pass (reading, the whole-file checks and a trial write of
the rows without problems), sorted by sheet, row and column; nothing is written unless
there is none.

Cells are read as clerks fill them and never guessed (``reading``): percentages by the
cell's format and the column, codes as text ('3.10' stays 3.10), NFKC for full-width
digits, letters and spaces, Chinese dates, Chinese words for enumerated columns
(``sheets.CHOICE_WORDS``), department names as well as codes (``checks``), error cells
refused, the header row found by its names below any title rows.

- ``sheets``: the sheets and columns, the empty template
- ``reading``: reading and typing the cells (:class:`ImportIssue` names a problem)
- ``checks``: references and duplicates over the whole file (``validate``)
- ``importer``: writing sheet by sheet through ``lib.write`` (``import_workbook``)
"""

from lib.io.excel_import.checks import validate
from lib.io.excel_import.importer import ImportResult, import_workbook
from lib.io.excel_import.reading import MAX_ROWS, ImportIssue, Row, parse_cell, read_workbook
from lib.io.excel_import.sheets import (
    SHEET_BY_KEY,
    SHEETS,
    Column,
    Sheet,
    column,
    template_workbook,
)

__all__ = [
    "MAX_ROWS",
    "SHEETS",
    "SHEET_BY_KEY",
    "Column",
    "ImportIssue",
    "ImportResult",
    "Row",
    "Sheet",
    "column",
    "import_workbook",
    "parse_cell",
    "read_workbook",
    "template_workbook",
    "validate",
]
