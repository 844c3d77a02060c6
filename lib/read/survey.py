"""Item-level survey answers read back (issue 21): the top-box share — the share of
answers at the scale's top (the most positive answer, or at and above the answer chosen
as the top on import) — per department, item and month, with the answers behind it (n)
and its Wilson 95% interval (:func:`lib.domain.stats.wilson`), and pooled over the
departments per item. Ceiling effects put most answers at the top, so the top-box share
tells departments apart where a mean does not.

Also what the import needs to check a file: the departments by name or code, the
campaign's months that take answers and the locked ones."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

import pandas as pd
from sqlalchemy import Integer, case, func, select
from sqlalchemy.orm import aliased

from lib.domain import stats
from lib.domain.clock import local_today
from lib.domain.periods import period_of, periods_between
from lib.models import Campaign, Department, PeriodLock, SurveyAnswer, SurveyImport, User
from lib.read.cache import versioned
from lib.read.frames import frame

COLUMNS = [
    "department_id",
    "department",
    "department_en",
    "item",
    "period",
    "n",
    "top",
    "share",
    "low",
    "high",
]
ITEM_COLUMNS = ["item", "period", "n", "top", "share", "low", "high", "departments"]


def _with_interval(df: pd.DataFrame) -> pd.DataFrame:
    """``share``, ``low`` and ``high`` in percent from ``top`` of ``n``."""
    bounds = [stats.wilson(float(t), float(n)) for t, n in zip(df["top"], df["n"], strict=True)]
    return df.assign(
        share=[100.0 * float(t) / float(n) for t, n in zip(df["top"], df["n"], strict=True)],
        low=[100.0 * b[0] if b else None for b in bounds],
        high=[100.0 * b[1] if b else None for b in bounds],
    )


@versioned
def top_box(campaign_id: int, up_to: str) -> pd.DataFrame:
    """One row per department, item and month up to ``up_to``: the answers (n), those in
    the top box (top), the share (0–100) and its Wilson 95% interval (low, high).
    Ordered by month, item, department."""
    stmt = (
        select(
            Department.id.label("department_id"),
            Department.name.label("department"),
            Department.display_en.label("department_en"),
            SurveyAnswer.item,
            SurveyAnswer.period,
            func.count().label("n"),
            func.sum(case((SurveyAnswer.top.is_(True), 1), else_=0)).cast(Integer).label("top"),
        )
        .join(Department, Department.id == SurveyAnswer.department_id)
        .where(
            SurveyAnswer.campaign_id == campaign_id,
            SurveyAnswer.period <= up_to,
            SurveyAnswer.source.not_in(_withdrawn()),
        )
        .group_by(
            Department.id,
            Department.name,
            Department.display_en,
            Department.sort_order,
            SurveyAnswer.item,
            SurveyAnswer.period,
        )
        .order_by(SurveyAnswer.period, SurveyAnswer.item, Department.sort_order, Department.id)
    )
    df = frame(stmt)
    if df.empty:
        return pd.DataFrame(columns=COLUMNS)
    df["n"] = df["n"].astype(int)
    df["top"] = df["top"].astype(int)
    return _with_interval(df)[COLUMNS]


def item_top_box(detail: pd.DataFrame) -> pd.DataFrame:
    """The departments pooled: one row per item and month (answers and top boxes
    summed), with its share, Wilson interval and the number of departments."""
    if detail.empty:
        return pd.DataFrame(columns=ITEM_COLUMNS)
    pooled = (
        detail.groupby(["item", "period"], sort=False)
        .agg(n=("n", "sum"), top=("top", "sum"), departments=("department_id", "nunique"))
        .reset_index()
    )
    return _with_interval(pooled)[ITEM_COLUMNS]


def latest_period(detail: pd.DataFrame) -> str | None:
    """The latest month with answers, or None."""
    return None if detail.empty else str(detail["period"].max())


def _day(value: object) -> dt.date:
    """A date column's value as a date (pandas may hand back a Timestamp)."""
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    assert isinstance(value, dt.date)
    return value


def _fold(text: object) -> str:
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", str(text or ""))).lower()


@versioned
def department_lookup() -> dict[str, int]:
    """Every active department by its folded name, English name and code → its id (what
    a survey file's department column may hold). A name two departments share is left
    out (never guessed)."""
    rows = frame(
        select(Department.id, Department.code, Department.name, Department.name_en).where(
            Department.active.is_(True)
        )
    )
    found: dict[str, set[int]] = {}
    for r in rows.itertuples(index=False):
        for text in (r.code, r.name, r.name_en):
            if text:
                found.setdefault(_fold(text), set()).add(int(r.id))
    return {k: next(iter(ids)) for k, ids in found.items() if len(ids) == 1}


@versioned
def department_names() -> pd.DataFrame:
    """Every department's id, name and English name (the import's preview)."""
    return frame(select(Department.id, Department.name, Department.display_en.label("name_en")))


@versioned
def answer_months(campaign_id: int) -> tuple[list[str], list[str]]:
    """The campaign's months that may take answers (up to this month) and the locked
    ones."""
    row = frame(select(Campaign.start_date, Campaign.end_date).where(Campaign.id == campaign_id))
    if row.empty:
        return [], []
    now = period_of(local_today())
    start, end = (_day(row[c].iloc[0]) for c in ("start_date", "end_date"))
    months = [p for p in periods_between(start, end) if p <= now]
    locks = frame(
        select(PeriodLock.period).where(
            PeriodLock.campaign_id == campaign_id, PeriodLock.locked.is_(True)
        )
    )
    return months, [] if locks.empty else sorted(locks["period"].tolist())


def _withdrawn() -> Any:
    """The files withdrawn (a subquery of their digests): their answers count nowhere."""
    return select(SurveyImport.source).where(SurveyImport.withdrawn_at.is_not(None))


def _files() -> Any:
    """Imported files with who imported and who withdrew them (``importer_*``,
    ``withdrawer_*`` columns); add ``.where(...)``."""
    importer, withdrawer = aliased(User), aliased(User)
    return (
        select(
            SurveyImport.source,
            SurveyImport.file_name,
            SurveyImport.imported_at,
            SurveyImport.withdrawn_at,
            SurveyImport.withdraw_reason.label("reason"),
            *_who(importer, "importer"),
            *_who(withdrawer, "withdrawer"),
        )
        .outerjoin(importer, importer.id == SurveyImport.imported_by_id)
        .outerjoin(withdrawer, withdrawer.id == SurveyImport.withdrawn_by_id)
    )


@versioned
def imported(source: str) -> tuple[dt.datetime, str, bool] | None:
    """When and by whom a file (its SHA-256) was imported, or withdrawn (then True), or
    None when it never was."""
    rows = frame(_files().where(SurveyImport.source == source))
    if rows.empty:
        return None
    r = rows.iloc[0]
    if pd.notna(r["withdrawn_at"]):
        return pd.Timestamp(r["withdrawn_at"]).to_pydatetime(), _person(r, "withdrawer"), True
    return pd.Timestamp(r["imported_at"]).to_pydatetime(), _person(r, "importer"), False


def _who(user: Any, label: str) -> tuple[Any, Any]:
    return user.display_name.label(f"{label}_name"), user.username.label(f"{label}_username")


def _person(row: Any, label: str) -> str:
    name = row[f"{label}_name"]
    return str(name if isinstance(name, str) and name else row[f"{label}_username"] or "?")


IMPORT_COLUMNS = [
    "source",
    "file_name",
    "imported_at",
    "importer",
    "answers",
    "respondents",
    "departments",
    "months",
    "withdrawn_at",
    "withdrawer",
    "reason",
]


@versioned
def imports(campaign_id: int) -> pd.DataFrame:
    """The campaign's imported files, newest first: file name, who imported it and when,
    its answers, respondents, departments and months, and (once withdrawn) who withdrew
    it, when and why."""
    files = frame(
        _files()
        .where(SurveyImport.campaign_id == campaign_id)
        .order_by(SurveyImport.imported_at.desc(), SurveyImport.source)
    )
    if files.empty:
        return pd.DataFrame(columns=IMPORT_COLUMNS)
    # per file, department and month: answers and respondents (a row of the file)
    parts = frame(
        select(
            SurveyAnswer.source,
            SurveyAnswer.department_id,
            SurveyAnswer.period,
            func.count().label("answers"),
            func.count(func.distinct(SurveyAnswer.respondent)).label("respondents"),
        )
        .where(SurveyAnswer.campaign_id == campaign_id)
        .group_by(SurveyAnswer.source, SurveyAnswer.department_id, SurveyAnswer.period)
    )
    by_source = dict(tuple(parts.groupby("source"))) if not parts.empty else {}
    empty = pd.DataFrame(columns=["department_id", "period", "answers", "respondents"])
    mine = [by_source.get(src, empty) for src in files["source"]]
    files["answers"] = [int(m["answers"].sum()) for m in mine]
    files["respondents"] = [int(m["respondents"].sum()) for m in mine]
    files["departments"] = [m["department_id"].nunique() for m in mine]
    files["months"] = [sorted(set(m["period"])) for m in mine]
    files["importer"] = [_person(r, "importer") for _i, r in files.iterrows()]
    files["withdrawer"] = [
        _person(r, "withdrawer") if pd.notna(r["withdrawn_at"]) else None
        for _i, r in files.iterrows()
    ]
    withdrawn = files["withdrawn_at"]
    files["withdrawn_at"] = pd.Series(
        [None if pd.isna(v) else pd.Timestamp(v).to_pydatetime() for v in withdrawn],
        index=files.index,
        dtype=object,
    )
    return files[IMPORT_COLUMNS]
