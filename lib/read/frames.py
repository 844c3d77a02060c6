"""SELECT statements run and returned as DataFrames (every read module's plumbing)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from lib.db import get_engine
from lib.read import gcpause


def frame(stmt: Any, floats: tuple[str, ...] = ()) -> pd.DataFrame:
    """Run a SELECT and return its rows as a DataFrame (columns named by the labels);
    the ``floats`` columns as float64 (sums and averages may come back as decimals)."""
    with get_engine().connect() as conn:
        df = result_frame(conn.execute(stmt))
    if not df.empty:
        for column in floats:
            df[column] = df[column].astype("float64")
    return df


def result_frame(result: Any) -> pd.DataFrame:
    """A result as a DataFrame, built from plain tuples (several times faster than from
    row mappings on the 100 000-row frames of a province; same columns and dtypes)."""
    with gcpause.paused():
        rows = result.all()
        if not rows:
            return pd.DataFrame()
        return pd.DataFrame.from_records([tuple(r) for r in rows], columns=list(result.keys()))


def plain_frame(stmt: Any) -> pd.DataFrame:
    """:func:`frame` for large results of plain columns (integers, text, booleans,
    double precision): on PostgreSQL the driver's tuples are used as they come, without
    SQLAlchemy's per-row processing (a third of the time on a province's 135 000
    rows; psycopg already returns Python ints, strings, booleans, floats and dates)."""
    engine = get_engine()
    if engine.dialect.name != "postgresql":
        return frame(stmt)
    with gcpause.paused():
        with engine.connect() as conn:
            result = conn.execute(stmt)
            columns = list(result.keys())
            rows = result.cursor.fetchall()  # type: ignore[attr-defined]
            result.close()
        if not rows:
            return pd.DataFrame()
        return pd.DataFrame.from_records(rows, columns=columns)


def table(stmt: Any) -> pd.DataFrame:
    """:func:`frame` for small tables a page shows as they are: the statement's columns
    are kept when it returns no rows."""
    with get_engine().connect() as conn:
        result = conn.execute(stmt)
        return pd.DataFrame(result.all(), columns=list(result.keys()))
