"""Item-level survey answers from a survey platform's export (issue 21): a CSV or Excel
file of 问卷星 / 腾讯问卷 kind, one row per respondent, a header row, columns such as
提交时间 / 科室 / 题目1 … 题目n with answers as words (非常满意 … 非常不满意) or numbers
(1–5).

The user maps the columns on import (:class:`Mapping`: which column is the department,
which the date or month, which are items, which scale the answers are on and which
answer is the top box); :func:`suggest_mapping` proposes one from the header names and
the answers found. :func:`check_answers` reads every row against the mapping and
refuses what it is not sure of — a department it does not know, an answer outside the
scale, a date it cannot read, a month outside the campaign or locked — each problem
naming its sheet, row and column. Nothing is written here: the checked rows go to
:func:`lib.write.survey.import_survey_answers`, which checks again and writes them all
or nothing."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import unicodedata
from collections.abc import Callable, Collection
from collections.abc import Mapping as MappingType
from dataclasses import dataclass, field
from typing import Any

from lib.io.attachments import zip_problem
from lib.write.base import ServiceError
from lib.write.survey import AnswerRow

MAX_ROWS = 50_000
MAX_COLUMNS = 500

# scales, worst answer first; the answers are compared after NFKC and without spaces
SCALES: dict[str, tuple[str, ...]] = {
    "words5": ("非常不满意", "不满意", "一般", "满意", "非常满意"),
    "words5_very": ("很不满意", "不满意", "一般", "满意", "很满意"),
    "numbers5": ("1", "2", "3", "4", "5"),
    "numbers10": tuple(str(i) for i in range(1, 11)),
    "numbers0_10": tuple(str(i) for i in range(0, 11)),
}

DEPARTMENT_HEADERS = ("科室", "部门", "病区", "单位", "department", "dept", "ward")
DATE_HEADERS = (
    "提交答卷时间",
    "提交时间",
    "答题时间",
    "填写时间",
    "开始时间",
    "日期",
    "月份",
    "时间",
    "submitted",
    "date",
    "month",
    "time",
)
NOT_ITEMS = ("序号", "编号", "用时", "ip", "来源", "id", "备注", "姓名", "电话", "手机")
ITEM_HEADER = re.compile(r"^(题目|问题|第?\s*\d+\s*[、.．:：题]|q\s*\d+|item)", re.I)


@dataclass(frozen=True)
class SurveyProblem:
    """One problem of the file: an i18n key with its parameters (sheet, row, column …)."""

    key: str
    params: dict[str, Any]

    def message(self, lang: str | None = None) -> str:
        return ServiceError(self.key, **self.params).message(lang)


@dataclass(frozen=True)
class SurveyTable:
    """The file as read: its sheet (the file name for a CSV), the header row, and the
    data rows with their row numbers in the file (the header is row 1)."""

    sheet: str
    headers: list[str]
    rows: list[tuple[int, list[Any]]]
    digest: str  # SHA-256 of the file's bytes: the same file is not imported twice

    def values(self, column: int) -> list[Any]:
        return [cells[column] if column < len(cells) else None for _n, cells in self.rows]


@dataclass
class Mapping:
    """Which column is what (indices into the header row). ``date`` None: every answer
    belongs to ``period``. ``top``: the scale's answer counted as the top box (it and
    any better answer; by default the best answer alone)."""

    department: int | None
    date: int | None
    items: list[int] = field(default_factory=list)
    scale: str = "words5"
    top: str | None = None
    period: str | None = None

    def top_answer(self) -> str:
        answers = SCALES[self.scale]
        return self.top if self.top in answers else answers[-1]


def fold(value: Any) -> str:
    """A cell as compared: NFKC (full-width digits and letters folded), no spaces; a
    whole number stored as a float (5.0) as its digits."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", str(value)))


def _header(value: Any) -> str:
    """A header as written (the item's name as the survey put it), with line breaks,
    control characters and runs of spaces made one space (a name holds none)."""
    text = "" if value is None else str(value)
    return re.sub(r"[\s\x00-\x1f\x7f-\x9f]+", " ", text).strip()


# --- reading the file ------------------------------------------------------------------


def read_table(data: bytes, filename: str) -> tuple[SurveyTable | None, list[SurveyProblem]]:
    """The file's first sheet (or the CSV) as a table; None and why when it cannot be
    read. A CSV is read as UTF-8 (with or without BOM) or, failing that, as GB18030 (what
    Chinese Excel saves)."""
    digest = hashlib.sha256(data).hexdigest()
    name = filename.rsplit("/", 1)[-1]
    if name.lower().endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            return None, [SurveyProblem("stats.survey_error_file", {})]
        raw: list[list[Any]] = []
        for line in csv.reader(io.StringIO(text)):
            raw.append(line[:MAX_COLUMNS])
            if len(raw) > MAX_ROWS + 1:
                break
        sheet = name
    else:
        if bomb := zip_problem(data):  # refused before any parser opens it
            return None, [SurveyProblem(bomb, {})]
        try:
            from openpyxl import load_workbook

            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:
            return None, [SurveyProblem("stats.survey_error_file", {})]
        ws = wb.worksheets[0]
        sheet = ws.title
        raw = []
        for row in ws.iter_rows(values_only=True):
            raw.append(list(row[:MAX_COLUMNS]))
            if len(raw) > MAX_ROWS + 1:
                break
        wb.close()
    if len(raw) > MAX_ROWS + 1:
        return None, [SurveyProblem("stats.survey_error_too_many", {"max": MAX_ROWS})]
    if not raw or not any(_header(c) for c in raw[0]):
        return None, [SurveyProblem("stats.survey_error_empty", {"sheet": sheet})]
    headers = [_header(c) for c in raw[0][:MAX_COLUMNS]]
    while headers and not headers[-1]:
        headers.pop()
    rows = [
        (number, list(cells[: len(headers)]))
        for number, cells in enumerate(raw[1:], start=2)
        if any(fold(c) for c in cells[: len(headers)])
    ]
    if not rows:
        return None, [SurveyProblem("stats.survey_error_empty", {"sheet": sheet})]
    return SurveyTable(sheet, headers, rows, digest), []


# --- suggesting a mapping ---------------------------------------------------------------


def scale_of(values: Collection[str]) -> str | None:
    """The first scale holding every one of these answers (folded), or None."""
    found = {v for v in values if v}
    if not found:
        return None
    for key, answers in SCALES.items():
        if found <= set(answers):
            return key
    return None


def best_scale(answers: list[str]) -> str:
    """The scale holding the most of these answers (the first on a tie): a proposal
    only; the answers off it are refused when the file is checked."""
    return max(SCALES, key=lambda k: sum(a in SCALES[k] for a in answers))


def _find(headers: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [unicodedata.normalize("NFKC", h).lower() for h in headers]
    for name in names:  # the names in order of preference
        for i, h in enumerate(lowered):
            if name in h:
                return i
    return None


def suggest_mapping(table: SurveyTable) -> Mapping:
    """A mapping proposed from the header names and the answers: the department and
    date columns by name, items by a 题目/Q1/1、 kind of header or by answers that all lie
    on one scale, the scale that holds the items' answers, its best answer as the top
    box. Only a proposal: the page shows it for the user to confirm or change."""
    department = _find(table.headers, DEPARTMENT_HEADERS)
    date = _find(table.headers, DATE_HEADERS)
    items: list[int] = []
    for i, header in enumerate(table.headers):
        if i in (department, date) or not header:
            continue
        if any(word in unicodedata.normalize("NFKC", header).lower() for word in NOT_ITEMS):
            continue
        folded = {fold(v) for v in table.values(i)} - {""}
        # an item by its header (its answers are then checked, never dropped), or by
        # answers that all lie on one scale
        if folded and (ITEM_HEADER.match(header) or scale_of(folded)):
            items.append(i)
    answers = [fold(v) for i in items for v in table.values(i) if fold(v)]
    scale = scale_of(set(answers)) or best_scale(answers)
    return Mapping(department, date, items, scale, SCALES[scale][-1])


# --- reading the rows against the mapping ------------------------------------------------

_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(?:(\d{1,2})\s*日?)?)?"
    r"(?:[\sT]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)


def period_of_cell(value: Any) -> str | None:
    """The month (YYYY-MM) of a date or month cell, or None when it cannot be read for
    sure: a date or datetime; text such as 2026/11/3 10:22:15, 2026-11-03, 2026.11.3,
    2026年11月3日, 2026-11 or 2026年11月. A bare number (an Excel serial without a date
    format, or a year) is not read."""
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.year:04d}-{value.month:02d}"
    if value is None or isinstance(value, int | float | bool):
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    found = _DATE.match(text)
    if not found:
        return None
    year, month, day = int(found[1]), int(found[2]), found[3]
    if not 1 <= month <= 12 or not 1900 <= year <= 2200:
        return None
    if day is not None:
        try:
            dt.date(year, month, int(day))
        except ValueError:
            return None
    return f"{year:04d}-{month:02d}"


@dataclass
class CheckedFile:
    """What :func:`check_answers` found: the answers to write, the problems (nothing is
    written while there is one), and counts for the preview."""

    rows: list[AnswerRow]
    problems: list[SurveyProblem]
    respondents: int = 0
    skipped: int = 0  # respondents without a single answer to a mapped item

    def counts(self) -> dict[tuple[int, str], int]:
        """Respondents per (department id, month)."""
        seen: dict[tuple[int, str], set[int]] = {}
        for r in self.rows:
            seen.setdefault((r.department_id, r.period), set()).add(r.ref)
        return {k: len(v) for k, v in seen.items()}


def _row_period(
    mapping: Mapping,
    headers: list[str],
    cell: Callable[[int], Any],
    number: int,
    months: Collection[str],
    locked: Collection[str],
    problem: Callable[..., None],
) -> str | None:
    """The month a row's answers belong to: the one chosen for the file, or the month of
    the row's date; an unreadable date, a month outside the campaign so far or a locked
    month is a problem of that row and column."""
    period: str | None
    if mapping.date is None:
        period = mapping.period
    else:
        raw = cell(mapping.date)
        period = period_of_cell(raw)
        if period is None:
            problem(
                "stats.survey_error_date",
                row=number,
                column=headers[mapping.date],
                value=fold(raw) or "—",
            )
    if period is not None:
        column = headers[mapping.date] if mapping.date is not None else "—"
        if period not in months:
            problem("stats.survey_error_month", row=number, column=column, period=period)
        elif period in locked:
            problem("stats.survey_error_locked", row=number, column=column, period=period)
    return period


def check_answers(
    table: SurveyTable,
    mapping: Mapping,
    departments: MappingType[str, int],
    *,
    months: Collection[str],
    locked: Collection[str] = (),
) -> CheckedFile:
    """Every row read against the mapping. ``departments``: folded name or code → id
    (:func:`lib.read.survey.department_lookup`); ``months``: the campaign's months that
    may take answers (not after this month); ``locked``: locked months. Each problem
    names the sheet, the row and the column; none is guessed around."""
    problems: list[SurveyProblem] = []
    sheet, headers = table.sheet, table.headers

    def problem(key: str, **params: Any) -> None:
        problems.append(SurveyProblem(key, {"sheet": sheet, **params}))

    if mapping.department is None:
        problem("stats.survey_error_no_department")
    if mapping.date is None and not mapping.period:
        problem("stats.survey_error_no_date")
    if not mapping.items:
        problem("stats.survey_error_no_items")
    if mapping.scale not in SCALES:
        problem("stats.survey_error_no_items")
    if problems:
        return CheckedFile([], problems)
    answers = SCALES[mapping.scale]
    place = {a: i + 1 for i, a in enumerate(answers)}
    top_score = place[mapping.top_answer()]
    shown = "、".join(answers) if not answers[0].isdigit() else f"{answers[0]}–{answers[-1]}"
    assert mapping.department is not None
    rows: list[AnswerRow] = []
    respondents = skipped = 0
    for number, cells in table.rows:

        def cell(i: int, cells: list[Any] = cells) -> Any:
            return cells[i] if i < len(cells) else None

        dept_text = fold(cell(mapping.department))
        dept_col = headers[mapping.department]
        department_id = departments.get(dept_text.lower()) if dept_text else None
        if not dept_text:
            problem("stats.survey_error_cell_empty", row=number, column=dept_col)
        elif department_id is None:
            problem("stats.survey_error_department", row=number, column=dept_col, value=dept_text)
        period = _row_period(mapping, headers, cell, number, months, locked, problem)
        mine: list[AnswerRow] = []
        for i in mapping.items:
            value = fold(cell(i))
            if not value:
                continue  # a question the respondent skipped
            if value not in place:
                problem(
                    "stats.survey_error_answer",
                    row=number,
                    column=headers[i],
                    value=value,
                    scale=shown,
                )
                continue
            if department_id is not None and period is not None:
                mine.append(
                    AnswerRow(
                        ref=number,
                        department_id=department_id,
                        period=period,
                        item=headers[i][:200] or f"#{i + 1}",
                        answer=value[:40],
                        score=place[value],
                        points=len(answers),
                        top=place[value] >= top_score,
                    )
                )
        if any(fold(cell(i)) for i in mapping.items):
            respondents += 1
        else:
            skipped += 1
        rows += mine
    if not problems and not rows:
        problem("stats.survey_error_empty")
    problems.sort(key=lambda p: (p.params.get("row", 0), str(p.params.get("column", ""))))
    return CheckedFile([] if problems else rows, problems, respondents, skipped)
