"""Appeal reads (issue 21): the appeals of a campaign (optionally one department's or
one status), the figures a department may still appeal with their deadlines, and the
counts a circular or the tracker shows (:func:`counts`, :func:`open_appeals`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import func, select

from lib.domain.scoring import campaign_settings
from lib.models import (
    Appeal,
    Campaign,
    Department,
    Indicator,
    IndicatorValue,
    InspectionScore,
)
from lib.read.cache import versioned
from lib.read.filters import department_labels, of_department
from lib.read.frames import frame

COLUMNS = [
    "id",
    "department_id",
    "department",
    "department_en",
    "kind",
    "period",
    "original",
    "requested",
    "reason",
    "evidence",
    "status",
    "decided",
    "decision_reason",
    "filed_at",
    "decided_at",
    "version",
]


@versioned
def appeals(
    campaign_id: int, department_id: int | None = None, status: str | None = None
) -> pd.DataFrame:
    """The campaign's appeals, newest first (columns :data:`COLUMNS`)."""
    stmt = (
        select(
            Appeal.id,
            Appeal.department_id,
            *department_labels(),
            Appeal.kind,
            Appeal.period,
            Appeal.original,
            Appeal.requested,
            Appeal.reason,
            Appeal.evidence,
            Appeal.status,
            Appeal.decided,
            Appeal.decision_reason,
            Appeal.filed_at,
            Appeal.decided_at,
            Appeal.version,
        )
        .join(Department, Department.id == Appeal.department_id)
        .where(
            Appeal.campaign_id == campaign_id,
            *of_department(Appeal.department_id, department_id),
        )
        .order_by(Appeal.filed_at.desc(), Appeal.id.desc())
    )
    if status is not None:
        stmt = stmt.where(Appeal.status == status)
    df = frame(stmt)
    return df if not df.empty else pd.DataFrame(columns=COLUMNS)


def open_appeals(campaign_id: int) -> pd.DataFrame:
    """The appeals waiting for the office's decision (for the tracker)."""
    return appeals(campaign_id, status="open")


@versioned
def counts(campaign_id: int, period: str | None = None) -> dict[str, int]:
    """How many appeals are open, upheld and rejected (and in all), for the whole
    campaign or for the appeals about one month (for the circular)."""
    stmt = (
        select(Appeal.status, func.count(Appeal.id))
        .where(Appeal.campaign_id == campaign_id)
        .group_by(Appeal.status)
    )
    if period is not None:
        stmt = stmt.where(Appeal.period == period)
    out = {"open": 0, "upheld": 0, "rejected": 0}
    from lib.db import get_engine

    with get_engine().connect() as conn:
        for status, count in conn.execute(stmt):
            out[str(status)] = int(count)
    out["total"] = sum(out.values())
    return out


@versioned
def appealable(campaign_id: int, department_id: int, now: dt.datetime) -> pd.DataFrame:
    """The department's figures it may still appeal at ``now`` (UTC): its inspection
    scores and complaint counts entered within the appeal window, with the deadline.
    Columns: kind, period, value, max, deadline."""
    from lib.db import get_engine

    with get_engine().connect() as conn:
        stored = conn.execute(
            select(Campaign.settings).where(Campaign.id == campaign_id)
        ).scalar_one_or_none()
    days = int(campaign_settings(stored)["appeal_days"])
    since = now - dt.timedelta(days=days)
    scores = frame(
        select(
            InspectionScore.period,
            InspectionScore.score.label("value"),
            InspectionScore.max_score.label("max"),
            InspectionScore.created_at.label("entered_at"),
        ).where(
            InspectionScore.campaign_id == campaign_id,
            InspectionScore.department_id == department_id,
            InspectionScore.created_at >= since,
        )
    )
    complaints = frame(
        select(
            IndicatorValue.period,
            IndicatorValue.value,
            IndicatorValue.entered_at,
        )
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .where(
            Indicator.campaign_id == campaign_id,
            Indicator.code == "COMPLAINTS",
            IndicatorValue.department_id == department_id,
            IndicatorValue.entered_at >= since,
            IndicatorValue.value > 0,
        )
    )
    rows: list[dict[str, Any]] = []
    for kind, df in (("inspection", scores), ("complaints", complaints)):
        for r in df.to_dict("records"):
            rows.append(
                {
                    "kind": kind,
                    "period": r["period"],
                    "value": float(r["value"]),
                    "max": float(r.get("max") or r["value"]),
                    "deadline": r["entered_at"] + dt.timedelta(days=days),
                }
            )
    out = pd.DataFrame(rows, columns=["kind", "period", "value", "max", "deadline"])
    return out.sort_values(["period", "kind"], ascending=[False, True]).reset_index(drop=True)
