"""Figures contested and figures imported (issue 21): appeals against an inspection score
or a complaint count, and item-level survey answers with the files they came from."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from lib.models.core import Base, Versioned, utcnow


class Appeal(Versioned, Base):
    """申诉 (issue 21): a department contests an inspection score or a month's complaint
    count within the campaign's appeal window, with a reason and evidence; the campaign
    office upholds it (the figure is corrected, the score, ranking and 红黑榜 follow) or
    rejects it with a reason. ``kind``: "inspection" or "complaints"; ``original``: the
    figure appealed (inspection score on its own scale, or complaint count);
    ``requested`` what the department asks for; ``decided`` the figure set on upholding.
    ``status``: "open", "upheld", "rejected" or "withdrawn"."""

    __tablename__ = "appeals"
    __table_args__ = (Index("ix_appeals_campaign_status", "campaign_id", "status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    period: Mapped[str] = mapped_column(String(7))
    original: Mapped[float] = mapped_column(Float)
    requested: Mapped[float | None] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")
    decided: Mapped[float | None] = mapped_column(Float)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    filed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class SurveyAnswer(Base):
    """One respondent's answer to one item of an imported survey (issue 21): the
    item-level answers of a survey platform's export (问卷星, 腾讯问卷), behind the
    top-box share. ``answer`` is the text as exported, ``score`` its place on the scale
    (1 = worst … ``points`` = best), ``top`` whether it is at or above the scale's top
    answer chosen on import. ``source`` is the file's digest (the same file is not
    imported twice) and ``respondent`` its row, so the answers of one person stay
    together. Appended only; a locked month takes none."""

    __tablename__ = "survey_answers"
    __table_args__ = (
        Index("ix_survey_answers_campaign_period", "campaign_id", "period"),
        Index("ix_survey_answers_source", "source"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    period: Mapped[str] = mapped_column(String(7))
    item: Mapped[str] = mapped_column(String(200))
    answer: Mapped[str] = mapped_column(String(40))
    score: Mapped[int] = mapped_column(Integer)
    points: Mapped[int] = mapped_column(Integer)
    top: Mapped[bool] = mapped_column(Boolean)
    respondent: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(64))
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class SurveyImport(Base):
    """One imported survey file (its SHA-256 ``source``): who imported it and when, and,
    once withdrawn (a wrong file, a wrong month), who withdrew it, when and why. The
    answers of a withdrawn file stay in ``survey_answers`` (appended only) and count
    nowhere."""

    __tablename__ = "survey_imports"
    source: Mapped[str] = mapped_column(String(64), primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    file_name: Mapped[str | None] = mapped_column(String(200))
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    withdraw_reason: Mapped[str | None] = mapped_column(Text)
