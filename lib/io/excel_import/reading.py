"""Reading a workbook: its known sheets, each cell typed by its column (text, whole
number, number, date, yes/no, month, list, settings), every reading problem named by
sheet, row and column."""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from lib.i18n import t
from lib.io.attachments import zip_problem
from lib.io.excel_import.sheets import SHEETS, Column, Sheet, label, norm
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


class _NotAChoice(Exception):
    pass


def _num_text(value: float | None) -> str:
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else str(value)


def _choose(col: Column, items: Sequence[str]) -> None:
    if col.choices and any(x not in col.choices for x in items):
        raise _NotAChoice


def _as_str(col: Column, raw: Any) -> str:
    value = _num_text(raw) if isinstance(raw, float) else str(raw).strip()
    _choose(col, [value])
    return value


def _as_int(col: Column, raw: Any) -> int:
    if isinstance(raw, bool):
        raise ValueError
    number = float(raw) if isinstance(raw, int | float) else float(str(raw).strip())
    if number != int(number):
        raise ValueError
    return int(number)


def _as_float(col: Column, raw: Any) -> float:
    if isinstance(raw, bool):
        raise ValueError
    value = float(str(raw).strip().rstrip("%％") if isinstance(raw, str) else raw)
    if not math.isfinite(value):
        raise ValueError
    return value


def _as_date(col: Column, raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw).strip().replace("/", "-").replace(".", "-")
    m = re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text)
    if m:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    return dt.date.fromisoformat(text[:10])


def _as_bool(col: Column, raw: Any) -> bool:
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError


def _as_period(col: Column, raw: Any) -> str:
    if isinstance(raw, dt.date | dt.datetime):
        return f"{raw.year:04d}-{raw.month:02d}"
    text = str(raw).strip().replace("/", "-").replace(".", "-")
    m = re.fullmatch(r"(\d{4})年(\d{1,2})月", text) or re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    if not m:
        raise ValueError
    text = f"{int(m[1]):04d}-{int(m[2]):02d}"
    if not PERIOD_RE.match(text):
        raise ValueError
    return text


def _as_list(col: Column, raw: Any) -> list[str]:
    items = [x for x in re.split(r"[、，,;；\s]+", str(raw).strip()) if x]
    _choose(col, items)
    return items


def _as_json(col: Column, raw: Any) -> dict[str, Any]:
    value = json.loads(str(raw))
    if not isinstance(value, dict):
        raise ValueError
    return value


_PARSERS: dict[str, Callable[[Column, Any], Any]] = {
    "str": _as_str,
    "int": _as_int,
    "float": _as_float,
    "date": _as_date,
    "bool": _as_bool,
    "period": _as_period,
    "list": _as_list,
    "json": _as_json,
}


def parse_cell(col: Column, raw: Any) -> tuple[Any, str | None, dict[str, Any]]:
    """(value, problem key, params). Empty cells give None."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None, {}
    if isinstance(raw, str) and has_control(raw, multiline=True):
        return None, "import.error_control", {}
    try:
        value = _PARSERS[col.kind](col, raw)
    except _NotAChoice:
        return None, "import.error_choice", {"choices": ", ".join(col.choices)}
    except (ValueError, TypeError, OverflowError):
        return None, f"import.error_type_{col.kind}", {"value": str(raw)[:40]}
    if col.kind in ("int", "float") and (
        (col.lo is not None and value < col.lo) or (col.hi is not None and value > col.hi)
    ):
        return None, "import.error_range", {"lo": _num_text(col.lo), "hi": _num_text(col.hi)}
    return value, None, {}


# --- reading the sheets --------------------------------------------------------------------------


def _too_many_rows(data: bytes, limit: int = MAX_ROWS + 1) -> bool:
    """Whether any worksheet holds more than ``limit`` rows, counted by streaming its XML
    (a sheet without a ``<dimension>`` would make openpyxl parse all of it first)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return False
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
                            return True
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError):
                return False  # openpyxl reports the damaged file
    return False


def _positions(spec: Sheet, header: Sequence[Any]) -> dict[str, int]:
    """Column key -> index in the sheet, by header (Chinese, English or key)."""
    aliases = {norm(alias): col for col in spec.columns for alias in (col.zh, col.en, col.key)}
    positions: dict[str, int] = {}
    for idx, cell in enumerate(header):
        found = aliases.get(norm(cell))
        if found is not None and found.key not in positions:
            positions[found.key] = idx
    return positions


def _read_sheet(ws: Any, spec: Sheet, lang: str | None, issues: list[ImportIssue]) -> list[Row]:
    """The typed rows of one worksheet; its problems go to ``issues``."""
    rows_iter = ws.iter_rows(values_only=True)
    header = next(rows_iter, None)
    if header is None:
        return []
    positions = _positions(spec, header)
    for col in spec.columns:
        if col.required and col.key not in positions:
            issues.append(ImportIssue(ws.title, 1, label(col, lang), "import.error_missing_column"))
    rows: list[Row] = []
    for number, raw_row in enumerate(rows_iter, start=2):
        if number - 1 > MAX_ROWS:
            issues.append(
                ImportIssue(ws.title, number, "—", "import.error_too_many", {"max": MAX_ROWS})
            )
            break
        if raw_row is None or all(
            v is None or (isinstance(v, str) and not v.strip()) for v in raw_row
        ):
            continue
        values: dict[str, Any] = {}
        for col in spec.columns:
            pos = positions.get(col.key)
            raw = raw_row[pos] if pos is not None and pos < len(raw_row) else None
            value, key, params = parse_cell(col, raw)
            if key is None and value is None and col.required and col.key in positions:
                key = "import.error_required"
            if key:
                issues.append(ImportIssue(ws.title, number, label(col, lang), key, params))
            values[col.key] = value
        rows.append(Row(number, values))
    return rows


def read_workbook(
    data: bytes, lang: str | None = None
) -> tuple[dict[str, list[Row]], dict[str, str], list[ImportIssue]]:
    """Typed rows per sheet key, the sheet names as written, and reading problems."""
    from openpyxl import load_workbook  # heavy: loaded when a workbook is read

    bomb = zip_problem(data)
    if bomb:
        return {}, {}, [ImportIssue("—", 0, "—", bomb)]
    if _too_many_rows(data):
        too_many = ImportIssue("—", MAX_ROWS + 2, "—", "import.error_too_many", {"max": MAX_ROWS})
        return {}, {}, [too_many]
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        return {}, {}, [ImportIssue("—", 0, "—", "import.error_not_xlsx")]
    by_name = {norm(alias): sheet for sheet in SHEETS for alias in (sheet.zh, sheet.en, sheet.key)}
    issues: list[ImportIssue] = []
    out: dict[str, list[Row]] = {}
    names: dict[str, str] = {}
    for ws in wb.worksheets:
        spec = by_name.get(norm(ws.title))
        if spec is None:
            continue  # instructions and other sheets are ignored
        names[spec.key] = ws.title
        out[spec.key] = _read_sheet(ws, spec, lang, issues)
    wb.close()
    if not names:
        issues.append(ImportIssue("—", 0, "—", "import.error_no_sheets"))
    return out, names, issues
