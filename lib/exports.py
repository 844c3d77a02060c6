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
