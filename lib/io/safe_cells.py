"""Safe exports: CSV and Excel cells that a spreadsheet would run as formulas are
neutralised; readable sheets (header frozen, widths fitted)."""

from __future__ import annotations

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Prefix a text cell that starts like a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralised(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with every formula-like text cell neutralised."""
    safe = df.copy()
    for col in safe.columns:
        if safe[col].dtype == object or pd.api.types.is_string_dtype(safe[col]):
            safe[col] = safe[col].map(neutralise)
    return safe


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 with BOM (Excel/WPS open it with Chinese intact), formulas neutralised."""
    safe = neutralised(df)
    safe.columns = [str(neutralise(c)) for c in safe.columns]
    return safe.to_csv(index=False).encode("utf-8-sig")


def to_xlsx_bytes(df: pd.DataFrame, sheet: str = "Sheet1") -> bytes:
    """One-sheet workbook: frozen header, readable widths, formula-like text neutralised."""
    import io

    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        write_sheet(writer, neutralised(df), sheet[:31])
    return buf.getvalue()


def write_sheet(
    writer: pd.ExcelWriter,
    frame: pd.DataFrame,
    name: str,
    *,
    rows: int = 500,
    per_char: float = 1.6,
) -> None:
    """``frame`` (already neutralised) as sheet ``name``: header row frozen, each column as
    wide as its longest text among the first ``rows`` (at most 60)."""
    from openpyxl.utils import get_column_letter

    frame.to_excel(writer, index=False, sheet_name=name)
    ws = writer.sheets[name]
    ws.freeze_panes = "A2"
    for i, col in enumerate(frame.columns, start=1):
        longest = max([len(str(col))] + [len(str(v)) for v in frame[col].head(rows)])
        ws.column_dimensions[get_column_letter(i)].width = min(60, 4 + longest * per_char)
