"""Reads of the pre-aggregated department × month table (``department_months``, kept
by :mod:`lib.write.summary`): the score inputs of every department for a month, or for
every closed month at once (the rank history), and the area heat map's cells."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select

from lib.db import get_engine
from lib.domain.periods import period_end
from lib.models import Department, DepartmentMonth
from lib.read import gcpause
from lib.read.cache import versioned
from lib.read.frames import plain_frame
from lib.read.queries import department_names

FRAME_COLUMNS = [
    "department_id",
    "period",
    "assignments",
    "weight_sum",
    "weighted_percent",
    "expected_end",
    "done",
    "reported",
    "due_before",
    "open_before",
    "on_time_before",
    "due_at_end",
    "open_at_end",
    "on_time_at_end",
    "reports_on_time",
    "satisfaction",
    "inspection",
    "complaints",
]


_FLOAT_COLUMNS = frozenset(
    ("weight_sum", "weighted_percent", "expected_end", "satisfaction", "inspection", "complaints")
)


@versioned
def campaign_frame(campaign_id: int) -> pd.DataFrame:
    """Every summary row of a campaign with its department's code, names and active
    flag (rebuilt first if invalid); 72 000 rows for a province over two years.
    Cached per process by the data version."""
    from lib.write.summary import ensure

    ensure(get_engine(), campaign_id)
    df = _summary_rows(campaign_id)
    columns = [*FRAME_COLUMNS, "code", "name", "name_en", "active"]
    if df.empty:
        return pd.DataFrame(columns=columns)
    # names joined from the departments' own small frame, not repeated 72 000 times
    names = department_names()[["department_id", "code", "department", "department_en", "active"]]
    names = names.rename(columns={"department": "name", "department_en": "name_en"})
    return df.merge(names, on="department_id", how="inner")[columns]


def _summary_rows(campaign_id: int, by_copy: bool = True) -> pd.DataFrame:
    """The campaign's summary rows (:data:`FRAME_COLUMNS`, by month and unit). On
    PostgreSQL read by ``COPY … TO STDOUT`` and parsed by pyarrow's CSV reader with the
    table's own column types: a province's 72 000 rows turned into Python tuples and
    then into a frame took half of a cold progress or ranking page. (PostgreSQL writes
    floats in their shortest exact form, so they read back as the same numbers; tested
    equal to the row-by-row read.)"""
    engine = get_engine()
    dm = DepartmentMonth
    if not by_copy or engine.dialect.name != "postgresql":
        rows = plain_frame(
            select(*(getattr(dm, c) for c in FRAME_COLUMNS))
            .where(dm.campaign_id == campaign_id)
            .order_by(dm.period, dm.department_id)
        )
        if not rows.empty:  # a column of nulls only (no inspection yet) is still a number
            rows = rows.astype({c: "float64" for c in _FLOAT_COLUMNS})
        return rows
    buffer = io.BytesIO()
    with engine.connect() as conn:
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(_COPY_ROWS, (campaign_id,)) as copy:
            for chunk in copy:
                buffer.write(chunk)
    if not buffer.tell():
        return pd.DataFrame()
    buffer.seek(0)
    return pd.read_csv(
        buffer, names=FRAME_COLUMNS, header=None, dtype=_FRAME_DTYPES, engine="pyarrow"
    )


_COPY_ROWS = (
    f"COPY (SELECT {', '.join(FRAME_COLUMNS)} FROM {DepartmentMonth.__tablename__}"
    " WHERE campaign_id = %s ORDER BY period, department_id) TO STDOUT WITH (FORMAT csv)"
)


_FRAME_DTYPES = {
    c: "str" if c == "period" else "float64" if c in _FLOAT_COLUMNS else "int64"
    for c in FRAME_COLUMNS
}


@versioned
@gcpause.paused()
def due_in_month(campaign_id: int, period: str) -> Mapping[int, Mapping[str, tuple[int, ...]]]:
    """department_id -> {due day: (due, unfinished, finished in time)} for one month;
    read-only, so the cache hands it out without copying 3 000 departments' dicts."""
    dm = DepartmentMonth
    with get_engine().connect() as conn:
        rows = conn.execute(
            select(dm.department_id, dm.due_in_month).where(
                dm.campaign_id == campaign_id, dm.period == period, dm.due_in_month.is_not(None)
            )
        ).all()
    return MappingProxyType(
        {
            int(d): MappingProxyType({day: tuple(counts) for day, counts in v.items()})
            for d, v in rows
            if v
        }
    )


def department_inputs(
    campaign_id: int,
    period: str,
    at: dt.date,
    due_periods: tuple[str, ...],
    frame: pd.DataFrame | None = None,
) -> pd.DataFrame | None:
    """The score inputs of every active department for ``period`` judged at ``at``
    (a day within the period), from the summary. Columns as ``views.INPUT_COLUMNS``;
    None if the summary has no rows for the period (a campaign without tasks).
    ``frame``: :func:`campaign_frame`'s result, when the caller reads many periods."""

    df = campaign_frame(campaign_id) if frame is None else frame
    if df.empty:
        return None
    # complaints: the latest month up to the period that has complaint figures
    with_complaints = df.loc[df["complaints"].notna() & (df["period"] <= period), "period"]
    complaint_month = with_complaints.max() if not with_complaints.empty else None
    complaints: dict[int, float] = {}
    if complaint_month is not None:
        part = df[(df["period"] == complaint_month) & df["complaints"].notna()]
        complaints = dict(zip(part["department_id"], part["complaints"], strict=True))
    on_time: dict[int, int] = {}
    if due_periods:
        due = df[df["period"].isin(due_periods)]
        on_time = due.groupby("department_id")["reports_on_time"].sum().to_dict()
    rows = df[(df["period"] == period) & df["active"].astype(bool)]
    if rows.empty:
        return None
    # judged before the month's end (the running month): tasks due later this month
    # are not due yet, which only the per-day counts can tell
    if at < period_end(period):
        in_month = due_in_month(campaign_id, period)
        day = at.isoformat()
        counts = []
        for did, due_b, open_b, ok_b in zip(
            rows["department_id"], rows["due_before"], rows["open_before"],
            rows["on_time_before"], strict=True,
        ):  # fmt: skip
            n_due, n_open, n_on_time = int(due_b), int(open_b), int(ok_b)
            for due_day, (d, o, ok) in (in_month.get(int(did)) or {}).items():
                if due_day < day:
                    n_due, n_open, n_on_time = n_due + d, n_open + o, n_on_time + ok
            counts.append((n_due, n_open, n_on_time))
        n_due_col = [c[0] for c in counts]
        open_col = [c[1] for c in counts]
        on_time_col = [c[2] for c in counts]
    else:
        n_due_col = rows["due_at_end"].astype("int64").tolist()
        open_col = rows["open_at_end"].astype("int64").tolist()
        on_time_col = rows["on_time_at_end"].astype("int64").tolist()
    has_due = bool(due_periods)
    ids = rows["department_id"].astype("int64")
    return _inputs_frame(
        rows,
        overdue=open_col,
        done_on_time=on_time_col if has_due else None,
        due_tasks=n_due_col if has_due else None,
        reports_on_time=ids.map(on_time).fillna(0).astype("int64") if has_due else None,
        reports=rows["assignments"].astype("int64") * len(due_periods) if has_due else None,
        complaints=ids.map(complaints).astype("float64"),
    )


def _inputs_frame(rows: pd.DataFrame, **computed: Any) -> pd.DataFrame:
    """The score inputs (``views.INPUT_COLUMNS``) of summary rows: the columns read as
    they are, plus those the caller worked out (``overdue``, ``done_on_time``,
    ``due_tasks``, ``reports_on_time``, ``reports``, ``complaints``; None: no figure)."""

    def plain(value: Any) -> Any:
        return value.to_numpy() if isinstance(value, pd.Series) else value

    weight_sum = rows["weight_sum"].astype("float64")
    return pd.DataFrame(
        {
            "department_id": rows["department_id"].astype("int64").to_numpy(),
            # strings kept in their own arrays (no round trip through Python objects)
            "code": rows["code"].array,
            "name": rows["name"].array,
            "name_en": rows["name_en"].array,
            "assignments": rows["assignments"].astype("int64").to_numpy(),
            "completion": (
                rows["weighted_percent"].astype("float64") / weight_sum.where(weight_sum != 0)
            )
            .fillna(0.0)
            .to_numpy(),
            "expected": rows["expected_end"].astype("float64").to_numpy(),
            "done": rows["done"].astype("int64").to_numpy(),
            "overdue": plain(computed["overdue"]),
            "reported": rows["reported"].astype("int64").to_numpy(),
            "reports_on_time": plain(computed["reports_on_time"]),
            "reports": plain(computed["reports"]),
            "done_on_time": plain(computed["done_on_time"]),
            "due_tasks": plain(computed["due_tasks"]),
            "satisfaction": rows["satisfaction"].astype("float64").to_numpy(),
            "inspection": rows["inspection"].astype("float64").to_numpy(),
            "complaints": plain(computed["complaints"]),
        }
    )


def history_inputs(frame: pd.DataFrame, due_by_period: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    """The score inputs of every active department for many closed periods at once
    (each judged at its last day), stacked with a ``period`` column: the same figures
    as :func:`department_inputs` period by period, in a few whole-frame operations
    (a province's rank history is 24 months × 3 000 units). ``frame``:
    :func:`campaign_frame`'s result; ``due_by_period``: each period's due periods.
    Periods without summary rows are absent from the result."""
    rows = frame[frame["period"].isin(list(due_by_period)) & frame["active"].astype(bool)]
    if rows.empty:
        return rows
    departments = pd.Index(frame["department_id"].unique())
    # reports on time summed over each period's due months (0 for a month without rows)
    on_time = frame.pivot(index="department_id", columns="period", values="reports_on_time")
    on_time = on_time.reindex(departments).fillna(0).astype("int64")
    # complaints: each period takes the latest month up to it that has complaint figures
    complaints = frame.pivot(index="department_id", columns="period", values="complaints")
    complaints = complaints.reindex(departments).astype("float64")
    with_figures = sorted(p for p in complaints.columns if complaints[p].notna().any())
    periods = sorted(due_by_period)
    none = np.full(len(departments), np.nan)
    on_time_parts, complaint_parts = [], []
    for p in periods:
        due = [m for m in due_by_period[p] if m in on_time.columns]
        on_time_parts.append(
            on_time[due].sum(axis=1).to_numpy() if due else np.zeros(len(departments))
        )
        month = max((m for m in with_figures if m <= p), default=None)
        complaint_parts.append(complaints[month].to_numpy() if month is not None else none)
    extra = pd.DataFrame(
        {
            "period": np.repeat(periods, len(departments)),
            "department_id": np.tile(departments.to_numpy(), len(periods)),
            "on_time_sum": np.concatenate(on_time_parts),
            "complaint_figure": np.concatenate(complaint_parts),
        }
    )
    rows = rows.merge(extra, on=["period", "department_id"], how="left")
    # due months per row's month, looked up in pandas' hash table (a province's 69 000
    # rows mapped one by one took a tenth of the rank history); 0 for a month not given
    months = list(due_by_period)
    counts = np.array([*(len(due_by_period[p]) for p in months), 0])
    n_due = counts[pd.Index(months).get_indexer(rows["period"])]
    has_due = n_due > 0

    def when_due(values: Any) -> Any:
        return np.where(has_due, pd.to_numeric(values).astype("float64").to_numpy(), np.nan)

    inputs = _inputs_frame(
        rows,
        overdue=rows["open_at_end"].astype("int64"),
        done_on_time=when_due(rows["on_time_at_end"]),
        due_tasks=when_due(rows["due_at_end"]),
        reports_on_time=when_due(rows["on_time_sum"]),
        reports=when_due(rows["assignments"].astype("int64") * n_due),
        complaints=rows["complaint_figure"].astype("float64"),
    )
    inputs["period"] = rows["period"].to_numpy()
    return inputs


@gcpause.paused()
def area_cells(campaign_id: int, period: str) -> pd.DataFrame | None:
    """Per active department × task area id: task-weighted completion and assignments,
    from the summary (None if it has no rows for the period)."""
    from lib.write.summary import ensure

    engine = get_engine()
    ensure(engine, campaign_id)
    dm = DepartmentMonth
    with engine.connect() as conn:
        rows = conn.execute(
            select(dm.department_id, Department.name, Department.display_en, dm.areas)
            .join(Department, Department.id == dm.department_id)
            .where(dm.campaign_id == campaign_id, dm.period == period, Department.active.is_(True))
        ).all()
    if not rows:
        return None
    cells = [
        {
            "department_id": did,
            "department": name,
            "department_en": name_en,
            "area_id": int(area_id),
            "completion": weighted / weight if weight else None,
            "assignments": int(n),
        }
        for did, name, name_en, areas in rows
        for area_id, (weighted, weight, n) in (areas or {}).items()
    ]
    columns = ["department_id", "department", "department_en", "area_id", "completion"]
    return pd.DataFrame(cells, columns=[*columns, "assignments"])
