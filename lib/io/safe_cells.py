"""Safe exports: CSV cells that a spreadsheet would run as formulas are neutralised."""

from __future__ import annotations

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Prefix a text cell that starts like a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 with BOM (Excel/WPS open it with Chinese intact), formulas neutralised."""
    safe = df.copy()
    for col in safe.columns:
        if safe[col].dtype == object or pd.api.types.is_string_dtype(safe[col]):
            safe[col] = safe[col].map(neutralise)
    safe.columns = [str(neutralise(c)) for c in safe.columns]
    return safe.to_csv(index=False).encode("utf-8-sig")


def to_xlsx_bytes(df: pd.DataFrame, sheet: str = "Sheet1") -> bytes:
    """One-sheet workbook: frozen header, readable widths, formula-like text neutralised."""
    import io

    from openpyxl.utils import get_column_letter

    safe = df.copy()
    for col in safe.columns:
        if safe[col].dtype == object or pd.api.types.is_string_dtype(safe[col]):
            safe[col] = safe[col].map(neutralise)
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        safe.to_excel(writer, index=False, sheet_name=sheet[:31])
        ws = writer.sheets[sheet[:31]]
        ws.freeze_panes = "A2"
        for i, col in enumerate(safe.columns, start=1):
            longest = max([len(str(col))] + [len(str(v)) for v in safe[col].head(500)])
            ws.column_dimensions[get_column_letter(i)].width = min(60, 4 + longest * 1.6)
    return buf.getvalue()
