"""Reading a workbook: its known sheets, each cell typed by its column (text, whole
number, number, date, yes/no, month, list, settings), every reading problem named by
sheet, row and column."""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
import unicodedata
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from lib.i18n import t
from lib.io.attachments import zip_problem
from lib.io.excel_import.sheets import (
    SHEETS,
    Column,
    Sheet,
    choice_of,
    choice_suggestions,
    choice_words,
    label,
    norm,
)
from lib.write.clean import has_control

MAX_ROWS = 50_000
PERIOD_RE = re.compile(r"^(19|20)\d{2}-(0[1-9]|1[0-2])$")
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_TRUE = ("1", "true", "yes", "y", "是", "启用", "√", "1.0")
_FALSE = ("0", "false", "no", "n", "否", "停用", "×", "0.0")


@dataclass
class ImportIssue:
    """Something in the workbook that stops the import: where (sheet as named in the
    file, row, column header) and why (a translation key and its parameters)."""

    sheet: str
    row: int
    column: str
    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def reason(self, lang: str | None = None) -> str:
        return t(self.key, lang, **self.params)

    def message(self, lang: str | None = None) -> str:
        if self.column == "—" and self.row > 0:  # a whole row (a title row, a notes row)
            return t(
                "import.problem_row", lang, sheet=self.sheet, row=self.row, reason=self.reason(lang)
            )
        return t(
            "import.problem",
            lang,
            sheet=self.sheet,
            row=self.row,
            column=self.column,
            reason=self.reason(lang),
        )


@dataclass
class Row:
    number: int  # spreadsheet row number (header is row 1)
    values: dict[str, Any]


# --- typing one cell -------------------------------------------------------------------------

# what Excel, WPS and LibreOffice show for a formula that failed
ERROR_VALUES = frozenset(
    {
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#N/A",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#UNKNOWN!",
        "#CONNECT!",
        "#BUSY!",
        "ERR:502",
        "ERR:504",
        "ERR:508",
        "ERR:522",
    }
)
# Excel serial day numbers taken as dates in a date column (1990-01-01 .. 2099-12-31)
_SERIAL_RANGE = (32874, 73415)
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


class CellError(ValueError):
    """A cell the importer will not take: a translation key and its parameters."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key, self.params = key, params


class _NotAChoice(Exception):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


@dataclass(frozen=True)
class Percent:
    """A percentage whose meaning depends on a unit not yet known (``points``: 95% -> 95)."""

    points: float


def nfkc(text: object) -> str:
    """Text as compared and parsed: full-width digits, letters, punctuation and spaces
    folded (NFKC), stray spaces trimmed."""
    return unicodedata.normalize("NFKC", str(text)).strip()


def _num_text(value: float | None) -> str:
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else str(value)


def _format_core(number_format: str | None) -> str:
    """The number format without its quoted literals and colours."""
    fmt = (number_format or "General").split(";")[0]
    return _QUOTED.sub("", fmt)


def _is_percent_format(number_format: str | None) -> bool:
    return "%" in _format_core(number_format)


def _format_decimals(number_format: str | None) -> int | None:
    """How many decimals a plain fixed number format shows (0.00 -> 2); None: General or
    anything else (the cell does not say how the number was written)."""
    core = _format_core(number_format)
    m = re.fullmatch(r"[#,]*0*(?:\.(0+))?", core.strip())
    if not m or core.strip() in ("", "General"):
        return None
    return len(m[1] or "")


def _points(raw: Any, number_format: str | None) -> tuple[float, bool]:
    """(the number as written, whether it was a percentage); '95%' and a percent-formatted
    0.95 both give (95, True)."""
    if isinstance(raw, bool):
        raise ValueError
    if isinstance(raw, int | float):
        if _is_percent_format(number_format):
            return round(float(raw) * 100, 9), True
        return float(raw), False
    if isinstance(raw, dt.date):
        raise ValueError
    text = nfkc(raw).replace(" ", "")
    percent = text.endswith("%") or text.endswith("‰")
    if text.endswith("‰"):
        raise ValueError
    text = text.rstrip("%")
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", text):
        text = text.replace(",", "")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", text):
        raise ValueError
    value = float(text)
    if not math.isfinite(value):
        raise ValueError
    return value, percent


def _percent_value(col: Column, points: float, percent: bool) -> float | Percent:
    if not percent:
        return points
    if col.percent == "points":
        return points
    if col.percent:
        return Percent(points)
    raise CellError("import.error_percent_not_here")


def _choose(col: Column, items: Sequence[str]) -> list[str]:
    if not col.choices:
        return list(items)
    out = []
    for item in items:
        code = choice_of(col, item)
        if code is None:
            raise _NotAChoice(item)
        out.append(code)
    return out


def _as_str(col: Column, raw: Any, fmt: str | None) -> str:
    if col.choices:
        return _choose(col, [nfkc(raw)])[0]
    if isinstance(raw, float):
        return _num_text(raw)
    if isinstance(raw, dt.datetime | dt.date):
        raise ValueError
    return str(raw).strip()


def _as_code(col: Column, raw: Any, fmt: str | None) -> str:
    """A code read as text: '3.10' stays '3.10'. A number is taken only where the cell
    says how it was written (a whole number, or a fixed format such as 0.00); a General
    3.1 may have been typed 3.10 and is refused."""
    if isinstance(raw, bool | dt.date | dt.time):
        raise CellError("import.error_code_not_text", value=str(raw)[:40])
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise ValueError
        decimals = _format_decimals(fmt)
        if decimals is not None and not _is_percent_format(fmt):
            return f"{raw:.{decimals}f}"
        if raw.is_integer():
            return str(int(raw))
        raise CellError("import.error_code_number", value=_num_text(raw))
    return nfkc(raw)


def _as_dept(col: Column, raw: Any, fmt: str | None) -> str:
    """A department's code or name (matched against the departments when checked)."""
    return _as_code(col, raw, fmt)


def _as_depts(col: Column, raw: Any, fmt: str | None) -> list[str]:
    if not isinstance(raw, str):
        return [_as_code(col, raw, fmt)]
    return [x for x in re.split(r"[、,;/\s]+", nfkc(raw)) if x]


def _as_int(col: Column, raw: Any, fmt: str | None) -> int | Percent:
    number, percent = _points(raw, fmt)
    value = _percent_value(col, number, percent)
    if isinstance(value, Percent):
        return value
    if value != int(value):
        raise ValueError
    return int(value)


def _as_float(col: Column, raw: Any, fmt: str | None) -> float | Percent:
    number, percent = _points(raw, fmt)
    return _percent_value(col, number, percent)


def _date_of(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, day)


def _as_date(col: Column, raw: Any, fmt: str | None) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, bool):
        raise ValueError
    if isinstance(raw, int | float):
        if float(raw).is_integer() and _SERIAL_RANGE[0] <= raw <= _SERIAL_RANGE[1]:
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(raw))
        raise ValueError
    text = nfkc(raw).replace(" ", "")
    text = re.sub(r"(00:00(:00)?(\.0+)?|T.*)$", "", text) if len(text) > 10 else text
    m = (
        re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]?", text)
        or re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text)
        or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    )
    if m:
        return _date_of(int(m[1]), int(m[2]), int(m[3]))
    if re.fullmatch(r"(\d{1,2})月(\d{1,2})[日号]?|(\d{1,2})[-/.](\d{1,2})", text):
        raise CellError("import.error_date_no_year", value=str(raw)[:40])
    raise ValueError


def _as_bool(col: Column, raw: Any, fmt: str | None) -> bool:
    text = nfkc(raw).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError


def _as_period(col: Column, raw: Any, fmt: str | None) -> str:
    if isinstance(raw, dt.date | dt.datetime):
        return f"{raw.year:04d}-{raw.month:02d}"
    text = nfkc(raw).replace(" ", "")
    m = re.fullmatch(r"(\d{4})年(\d{1,2})月(份)?", text) or re.fullmatch(
        r"(\d{4})[-/.](\d{1,2})", text
    )
    if not m:
        raise ValueError
    text = f"{int(m[1]):04d}-{int(m[2]):02d}"
    if not PERIOD_RE.match(text):
        raise ValueError
    return text


def _as_list(col: Column, raw: Any, fmt: str | None) -> list[str]:
    items = [x for x in re.split(r"[、,;\s]+", nfkc(raw)) if x]
    return _choose(col, items)


def _as_json(col: Column, raw: Any, fmt: str | None) -> dict[str, Any]:
    value = json.loads(str(raw))
    if not isinstance(value, dict):
        raise ValueError
    return value


_PARSERS: dict[str, Callable[[Column, Any, str | None], Any]] = {
    "str": _as_str,
    "code": _as_code,
    "dept": _as_dept,
    "depts": _as_depts,
    "int": _as_int,
    "float": _as_float,
    "date": _as_date,
    "bool": _as_bool,
    "period": _as_period,
    "list": _as_list,
    "json": _as_json,
}


def in_range(col: Column, value: float) -> bool:
    return not ((col.lo is not None and value < col.lo) or (col.hi is not None and value > col.hi))


def range_problem(col: Column) -> tuple[str, dict[str, Any]]:
    return "import.error_range", {"lo": _num_text(col.lo), "hi": _num_text(col.hi)}


def parse_cell(
    col: Column, raw: Any, number_format: str | None = "General", data_type: str = ""
) -> tuple[Any, str | None, dict[str, Any]]:
    """(value, problem key, params). Empty cells give None; error cells (#VALUE!, #REF!,
    …) and values the importer is not sure of are refused, never stored."""
    if raw is None or (isinstance(raw, str) and not nfkc(raw)):
        return None, None, {}
    if data_type == "e" or (isinstance(raw, str) and nfkc(raw).upper() in ERROR_VALUES):
        return None, "import.error_cell_error", {"value": str(raw).strip()[:20]}
    if isinstance(raw, str) and has_control(raw, multiline=True):
        return None, "import.error_control", {}
    try:
        value = _PARSERS[col.kind](col, raw, number_format)
    except _NotAChoice as bad:
        hints = choice_suggestions(col, bad.text)
        if hints:
            return (
                None,
                "import.error_choice_suggest",
                {"value": bad.text, "hints": "、".join(hints)},
            )
        return (
            None,
            "import.error_choice",
            {"choices": ", ".join(choice_words(col) + list(col.choices))},
        )
    except CellError as refused:
        return None, refused.key, refused.params
    except (ValueError, TypeError, OverflowError):
        return None, f"import.error_type_{col.kind}", {"value": str(raw)[:40]}
    if isinstance(value, int | float) and not isinstance(value, bool) and not in_range(col, value):
        key, params = range_problem(col)
        return None, key, params
    return value, None, {}


# --- reading the sheets --------------------------------------------------------------------------

HEADER_SCAN = 30  # rows searched for the header row (title rows above it are skipped)
_NOTE_RE = re.compile(
    r"^(注|说明|填表说明|填报说明|备注|提示|Note|Notes)\s*[:：\d、.]", re.IGNORECASE
)
# (fraction done 0..1, what is being done, in the user's language)
Progress = Callable[[float, str], None]


def _row_count(data: bytes, limit: int = MAX_ROWS + 1) -> int | None:
    """How many rows the worksheets hold, counted by streaming their XML (a sheet without
    a ``<dimension>`` would make openpyxl parse all of it first); None when one sheet
    holds more than ``limit``."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return 0
    total = 0
    with archive:
        for info in archive.infolist():
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            count, tail = 0, b""
            try:
                with archive.open(info) as fh:
                    while chunk := fh.read(1 << 20):
                        buf = tail + chunk
                        count += len(_ROW_TAG.findall(buf))
                        # a tag may straddle two chunks: carry an unmatched last "<..."
                        start = buf.rfind(b"<", max(0, len(buf) - 64))
                        keep = start >= 0 and not _ROW_TAG.search(buf, start)
                        tail = buf[start:] if keep else b""
                        if count > limit:
                            return None
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError):
                return total  # openpyxl reports the damaged file
            total += count
    return total


def _too_many_rows(data: bytes, limit: int = MAX_ROWS + 1) -> bool:
    """Whether any worksheet holds more than ``limit`` rows."""
    return _row_count(data, limit) is None


def _aliases(spec: Sheet) -> dict[str, Column]:
    return {
        norm(alias): col
        for col in spec.columns
        for alias in (col.zh, col.en, col.key, *col.aliases)
    }


def _positions(spec: Sheet, header: Sequence[Any]) -> dict[str, int]:
    """Column key -> index in the sheet, by header (Chinese, English, key or alias)."""
    aliases = _aliases(spec)
    positions: dict[str, int] = {}
    for idx, cell in enumerate(header):
        found = aliases.get(norm(cell)) if isinstance(cell, str) else None
        if found is not None and found.key not in positions:
            positions[found.key] = idx
    return positions


@dataclass(frozen=True)
class _Cell:
    value: Any
    number_format: str | None = "General"
    data_type: str = ""


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not nfkc(value))


def _cells(row: Sequence[Any]) -> list[_Cell]:
    return [
        _Cell(c.value, getattr(c, "number_format", None), getattr(c, "data_type", "") or "")
        for c in row
    ]


def _text_of(cells: list[_Cell]) -> str:
    return " ".join(str(c.value).strip() for c in cells if not _blank(c.value))[:60]


class _Reader:
    """Reads the known sheets of a workbook, with its problems, notes and progress."""

    def __init__(self, lang: str | None, total: int, progress: Progress | None) -> None:
        self.lang, self.total, self.progress = lang, max(total, 1), progress
        self.issues: list[ImportIssue] = []
        self.notes: list[ImportIssue] = []
        self.layout: dict[str, dict[str, int]] = {}  # sheet -> column header -> position
        self.read = 0

    def tick(self, sheet: str, force: bool = False) -> None:
        self.read += 1
        if self.progress and (force or self.read % 500 == 0):
            self.progress(
                min(self.read / self.total, 1.0) * 0.5,
                t("import.progress_read", self.lang, sheet=sheet, rows=self.read),
            )

    def sheet(self, ws: Any, spec: Sheet) -> list[Row]:
        """The typed rows of one worksheet; its problems go to ``issues``."""
        rows_iter = iter(ws.iter_rows())
        head: list[list[_Cell]] = []
        header_at, best = 0, 0
        for row in rows_iter:
            cells = _cells(row)
            head.append(cells)
            self.tick(ws.title)
            positions = _positions(spec, [c.value for c in cells])
            if len(positions) > best:
                header_at, best = len(head), len(positions)
            if len(head) >= HEADER_SCAN or (best and best >= len(spec.columns)):
                break
        if not head:
            return []
        if best == 0:
            header_at = 1
        header = [c.value for c in head[header_at - 1]]
        positions = _positions(spec, header)
        self.layout[ws.title] = {
            label(col, self.lang): positions.get(col.key, len(header) + i)
            for i, col in enumerate(spec.columns)
        }
        for number, cells in enumerate(head[: header_at - 1], start=1):
            if any(not _blank(c.value) for c in cells):
                self.notes.append(
                    ImportIssue(
                        ws.title, number, "—", "import.note_title_row", {"text": _text_of(cells)}
                    )
                )
        for col in spec.columns:
            if col.required and col.key not in positions:
                self.issues.append(
                    ImportIssue(
                        ws.title, header_at, label(col, self.lang), "import.error_missing_column"
                    )
                )
        rows: list[Row] = []
        pending = [(n, c) for n, c in enumerate(head[header_at:], start=header_at + 1)]

        def body() -> Any:
            yield from pending
            for number, row in enumerate(rows_iter, start=len(head) + 1):
                self.tick(ws.title)
                yield number, _cells(row)

        for number, cells in body():
            if number - header_at > MAX_ROWS:
                self.issues.append(
                    ImportIssue(ws.title, number, "—", "import.error_too_many", {"max": MAX_ROWS})
                )
                break
            filled = [c for c in cells if not _blank(c.value)]
            if not filled:
                continue
            if (
                len(filled) == 1
                and isinstance(filled[0].value, str)
                and _NOTE_RE.match(nfkc(filled[0].value))
            ):
                self.notes.append(
                    ImportIssue(
                        ws.title, number, "—", "import.note_notes_row", {"text": _text_of(cells)}
                    )
                )
                continue
            rows.append(self.row(ws.title, spec, positions, number, cells))
        self.tick(ws.title, force=True)
        return rows

    def row(
        self, title: str, spec: Sheet, positions: dict[str, int], number: int, cells: list[_Cell]
    ) -> Row:
        values: dict[str, Any] = {}
        for col in spec.columns:
            pos = positions.get(col.key)
            cell = cells[pos] if pos is not None and pos < len(cells) else _Cell(None)
            value, key, params = parse_cell(col, cell.value, cell.number_format, cell.data_type)
            if key is None and value is None and col.required and col.key in positions:
                key = "import.error_required"
            if key:
                self.issues.append(ImportIssue(title, number, label(col, self.lang), key, params))
            values[col.key] = value
        for col in spec.columns:  # a percentage by the row's unit
            value = values.get(col.key)
            if not (isinstance(value, Percent) and col.percent.startswith("unit:")):
                continue
            unit_key = col.percent.split(":", 1)[1]
            unit = nfkc(values.get(unit_key) or "")
            if unit in ("", "%"):
                values[col.key] = value.points
                values[unit_key] = "%"
            else:
                values[col.key] = None
                self.issues.append(
                    ImportIssue(
                        title,
                        number,
                        label(col, self.lang),
                        "import.error_percent_unit",
                        {"value": _num_text(value.points), "unit": unit},
                    )
                )
        return Row(number, values)


def read_workbook(
    data: bytes,
    lang: str | None = None,
    *,
    notes: list[ImportIssue] | None = None,
    layout: dict[str, dict[str, int]] | None = None,
    progress: Progress | None = None,
) -> tuple[dict[str, list[Row]], dict[str, str], list[ImportIssue]]:
    """Typed rows per sheet key, the sheet names as written, and reading problems. Title
    rows above a sheet's header and notes rows below it are skipped; each skip is added
    to ``notes``; ``layout`` gets each sheet's column positions (for sorting problems in
    the order the file shows them). ``progress`` is told the rows read as they are."""
    from openpyxl import load_workbook  # heavy: loaded when a workbook is read

    bomb = zip_problem(data)
    if bomb:
        return {}, {}, [ImportIssue("—", 0, "—", bomb)]
    total = _row_count(data)
    if total is None:
        too_many = ImportIssue("—", MAX_ROWS + 2, "—", "import.error_too_many", {"max": MAX_ROWS})
        return {}, {}, [too_many]
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        return {}, {}, [ImportIssue("—", 0, "—", "import.error_not_xlsx")]
    by_name = {norm(alias): sheet for sheet in SHEETS for alias in (sheet.zh, sheet.en, sheet.key)}
    reader = _Reader(lang, total, progress)
    out: dict[str, list[Row]] = {}
    names: dict[str, str] = {}
    for ws in wb.worksheets:
        spec = by_name.get(norm(ws.title))
        if spec is None or spec.key in names:
            continue  # instructions and other sheets are ignored
        names[spec.key] = ws.title
        out[spec.key] = reader.sheet(ws, spec)
    wb.close()
    if not names:
        reader.issues.append(ImportIssue("—", 0, "—", "import.error_no_sheets"))
    if notes is not None:
        notes.extend(reader.notes)
    if layout is not None:
        layout.update(reader.layout)
    return out, names, reader.issues
