"""The seed 001 selection of 优质服务窗口 and 服务标兵 (issue 20): windows and teams, staff,
selection rounds, nominations and objections."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lib.models.core import Base, Versioned, utcnow

# --- recognition: 优质服务窗口 / 服务标兵 selection (issue 20, seed 001) -------------------

RECOGNITION_KINDS = ("unit", "person")  # 优质服务科室（窗口、班组）· 优质服务标兵
ROUND_PERIODS = ("month", "quarter", "year")
ROUND_STATES = ("nominating", "shortlisting", "deciding", "notice", "final")


class ServicePoint(Versioned, Base):
    """A window or team (窗口 / 班组) of a department that can be commended as a unit."""

    __tablename__ = "service_points"
    __table_args__ = (UniqueConstraint("department_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Staff(Versioned, Base):
    """A member of staff as a record: name, department, post, window or not; a staff
    number optional; nothing more personal."""

    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    post: Mapped[str | None] = mapped_column(String(100))
    is_window: Mapped[bool] = mapped_column(Boolean, default=False)
    service_point_id: Mapped[int | None] = mapped_column(ForeignKey("service_points.id"))
    staff_no: Mapped[str | None] = mapped_column(String(40), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class SelectionRound(Versioned, Base):
    """A selection round (评选) of a campaign: what is chosen (unit or person), for which
    period (month, quarter, year), how many, by which criteria, and where the round is
    (nominating → shortlisting → deciding → notice (公示) → final)."""

    __tablename__ = "selection_rounds"
    __table_args__ = (Index("ix_selection_rounds_campaign", "campaign_id", "state"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(10))
    period_kind: Mapped[str] = mapped_column(String(10))
    period_key: Mapped[str] = mapped_column(String(10))  # 2026-07 · 2026-Q3 · 2026
    first_month: Mapped[str] = mapped_column(String(7))
    last_month: Mapped[str] = mapped_column(String(7))
    quota: Mapped[int] = mapped_column(Integer)
    # [{"key": "satisfaction_min", "value": 90}, {"key": "commitment_published"}, ...]
    criteria: Mapped[list[Any]] = mapped_column(JSON, default=list)
    reward: Mapped[str | None] = mapped_column(String(200))
    nomination_deadline: Mapped[dt.date] = mapped_column(Date)
    notice_start: Mapped[dt.date | None] = mapped_column(Date)
    notice_end: Mapped[dt.date | None] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20), default="nominating")
    decision_note: Mapped[str | None] = mapped_column(Text)
    finalised_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Nomination(Versioned, Base):
    """A department's nomination (推荐) of a candidate: the department itself or one of
    its windows (unit rounds), or one of its staff (person rounds); the office's
    confirmations of the checkbox criteria, the shortlist, the leaders' decision."""

    __tablename__ = "nominations"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("selection_rounds.id", ondelete="CASCADE"), index=True
    )
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    service_point_id: Mapped[int | None] = mapped_column(ForeignKey("service_points.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    reasons: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str | None] = mapped_column(Text)
    confirmed: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    shortlisted: Mapped[bool] = mapped_column(Boolean, default=False)
    outcome: Mapped[str | None] = mapped_column(String(10))  # won · not_won
    votes: Mapped[int | None] = mapped_column(Integer)
    decision_note: Mapped[str | None] = mapped_column(Text)
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    nominated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    nominated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Objection(Versioned, Base):
    """An objection (异议) lodged during the 公示 against a winner; it must be answered
    before the result stands. Upheld, the winner loses the place."""

    __tablename__ = "objections"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("selection_rounds.id", ondelete="CASCADE"), index=True
    )
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    lodged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lodged_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    answer: Mapped[str | None] = mapped_column(Text)
    upheld: Mapped[bool | None] = mapped_column(Boolean)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
