"""SQLAlchemy 2.0 typed ORM for the whole campaign domain.

Periods are stored as ``"YYYY-MM"`` strings: sortable, portable between SQLite and
PostgreSQL, and what liaisons think in ("2026年11月").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ColumnElement,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    true,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Vocabularies (stored as plain strings; validated in services).
DEPARTMENT_KINDS = ("city", "institution", "department", "station")
PHASE_KINDS = ("mobilise", "self_check", "rectify", "assess", "review")
TASK_SOURCES = ("plan", "self_check", "complaint", "inspection", "survey")
DIRECTIONS = ("higher", "lower")
REPORT_STATUSES = ("not_started", "in_progress", "done", "blocked")
REVIEW_STATES = ("draft", "submitted", "approved", "returned")
INDICATOR_GROUPS = ("patient", "staff", "operations", "overall")
PROBLEM_STATES = ("open", "rectifying", "closed", "reopened")
ROLES = ("admin", "office", "leader", "liaison", "viewer")
# A task's settings after its area and title, as the setup table shows and audits them.
TASK_SETTINGS = (
    "due_date",
    "weight",
    "target_text",
    "target_value",
    "target_direction",
    "target_unit",
    "active",
)


def utcnow() -> dt.datetime:
    """Naive UTC timestamp (stored the same way on SQLite and PostgreSQL)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON}


class Versioned:
    """Optimistic locking: ``version`` counts the row's updates, and an update of a row
    someone else changed since it was read fails (the services name who and when)."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}


class Department(Base):
    """A unit that reports and is ranked: department, station, institution or city."""

    __tablename__ = "departments"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="department")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    parent: Mapped[Department | None] = relationship(remote_side=[id])

    @hybrid_property
    def display_en(self) -> str:
        """The English name, or the Chinese one where none is given (read queries use
        this: a NULL name reached pandas as NaN, which ``name_en or name`` keeps)."""
        return self.name_en or self.name

    @display_en.inplace.expression
    @classmethod
    def _display_en_expression(cls) -> ColumnElement[str]:
        return func.coalesce(func.nullif(cls.name_en, ""), cls.name)


class Campaign(Base):
    """A campaign (活动): dates, organiser, target satisfaction and scoring settings."""

    __tablename__ = "campaigns"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str | None] = mapped_column(String(300))
    theme: Mapped[str | None] = mapped_column(String(300))
    organiser: Mapped[str | None] = mapped_column(String(200))
    scope: Mapped[str | None] = mapped_column(Text)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    target_satisfaction: Mapped[float | None] = mapped_column(Float)
    # thresholds, component weights, commend/laggard list sizes, report day (see scoring.py)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    template_key: Mapped[str | None] = mapped_column(String(60))
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    phases: Mapped[list[Phase]] = relationship(
        back_populates="campaign", order_by="Phase.seq", cascade="all, delete-orphan"
    )
    areas: Mapped[list[TaskArea]] = relationship(
        back_populates="campaign", order_by="TaskArea.seq", cascade="all, delete-orphan"
    )
    organisation: Mapped[Department | None] = relationship()


class Phase(Base):
    """An ordered, dated phase (阶段) of a campaign."""

    __tablename__ = "phases"
    __table_args__ = (UniqueConstraint("campaign_id", "seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)

    campaign: Mapped[Campaign] = relationship(back_populates="phases")


class TaskArea(Base):
    """A task area (方面/类别) grouping tasks, e.g. 服务环境更加舒适."""

    __tablename__ = "task_areas"
    __table_args__ = (UniqueConstraint("campaign_id", "seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    code: Mapped[str | None] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))

    campaign: Mapped[Campaign] = relationship(back_populates="areas")
    tasks: Mapped[list[Task]] = relationship(back_populates="area", order_by="Task.seq")


class TaskIndicator(Base):
    """Link between a (rectification) task and the satisfaction items it answers."""

    __tablename__ = "task_indicators"
    task_id: Mapped[int] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
    )
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("indicators.id", ondelete="CASCADE"), primary_key=True
    )


class Task(Base):
    """A task / target / rectification measure: the unit of progress."""

    __tablename__ = "tasks"
    __table_args__ = (UniqueConstraint("campaign_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    area_id: Mapped[int | None] = mapped_column(ForeignKey("task_areas.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    target_text: Mapped[str | None] = mapped_column(String(300))
    target_value: Mapped[float | None] = mapped_column(Float)
    target_direction: Mapped[str | None] = mapped_column(String(10))
    target_unit: Mapped[str | None] = mapped_column(String(20))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    source: Mapped[str] = mapped_column(String(20), default="plan")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    area: Mapped[TaskArea | None] = relationship(back_populates="tasks")
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="task", cascade="all, delete-orphan"
    )


class Assignment(Base):
    """Task × responsible department; one assignment per task is the lead (牵头)."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("task_id", "department_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    is_lead: Mapped[bool] = mapped_column(Boolean, default=False)
    # a department taken off the task keeps its assignment, reports and evidence
    # (history is append-only, issue 17): it is inactive, no longer asked to report
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    task: Mapped[Task] = relationship(back_populates="assignments")
    department: Mapped[Department] = relationship()


class MonthlyUpdate(Versioned, Base):
    """A department's monthly report (月度填报) on one assignment."""

    __tablename__ = "monthly_updates"
    __table_args__ = (
        UniqueConstraint("assignment_id", "period"),
        Index("ix_monthly_updates_period_state", "period", "review_state"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(7))
    percent_done: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="in_progress")
    work_done: Mapped[str | None] = mapped_column(Text)
    problems: Mapped[str | None] = mapped_column(Text)
    next_steps: Mapped[str | None] = mapped_column(Text)
    review_state: Mapped[str] = mapped_column(String(20), default="draft")
    reviewer_comment: Mapped[str | None] = mapped_column(Text)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    assignment: Mapped[Assignment] = relationship()


class Attachment(Base):
    """Evidence file stored outside the web root under a generated name."""

    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int | None] = mapped_column(
        ForeignKey("monthly_updates.id", ondelete="CASCADE"), index=True
    )
    problem_id: Mapped[int | None] = mapped_column(
        ForeignKey("problems.id", ondelete="CASCADE"), index=True
    )
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Indicator(Base):
    """A satisfaction item or other KPI (name, group, unit, scale, target, direction)."""

    __tablename__ = "indicators"
    __table_args__ = (UniqueConstraint("campaign_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    group: Mapped[str] = mapped_column(String(20), default="patient")
    unit: Mapped[str | None] = mapped_column(String(20))
    scale: Mapped[float | None] = mapped_column(Float)
    min_value: Mapped[float | None] = mapped_column(Float)
    max_value: Mapped[float | None] = mapped_column(Float)
    target: Mapped[float | None] = mapped_column(Float)
    direction: Mapped[str] = mapped_column(String(10), default="higher")
    is_composite: Mapped[bool] = mapped_column(Boolean, default=False)
    seq: Mapped[int] = mapped_column(Integer, default=0)


class IndicatorDepartment(Base):
    """Which departments report an indicator (empty: every department of the campaign)."""

    __tablename__ = "indicator_departments"
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("indicators.id", ondelete="CASCADE"), primary_key=True
    )
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), primary_key=True)


class IndicatorValue(Versioned, Base):
    """An indicator's value for one department and period, with its sample size."""

    __tablename__ = "indicator_values"
    __table_args__ = (
        UniqueConstraint("indicator_id", "department_id", "period"),
        Index("ix_indicator_values_dept_period", "department_id", "period"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    period: Mapped[str] = mapped_column(String(7))
    value: Mapped[float] = mapped_column(Float)
    sample_size: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class PeerBenchmark(Base):
    """Result of an external survey: score and rank among N peers (seed 003)."""

    __tablename__ = "peer_benchmarks"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    period: Mapped[str] = mapped_column(String(7))
    label: Mapped[str] = mapped_column(String(200))
    group: Mapped[str] = mapped_column(String(20), default="overall")
    score: Mapped[float | None] = mapped_column(Float)
    scale: Mapped[float | None] = mapped_column(Float)
    rate: Mapped[float | None] = mapped_column(Float)
    rank: Mapped[int | None] = mapped_column(Integer)
    peer_count: Mapped[int | None] = mapped_column(Integer)
    peer_group: Mapped[str | None] = mapped_column(String(100))
    source: Mapped[str | None] = mapped_column(String(200))


class InspectionScore(Versioned, Base):
    """督查评分: the campaign office's inspection score of a department for a period."""

    __tablename__ = "inspection_scores"
    __table_args__ = (UniqueConstraint("campaign_id", "department_id", "period"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    period: Mapped[str] = mapped_column(String(7))
    score: Mapped[float] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float, default=100.0)
    comment: Mapped[str | None] = mapped_column(Text)
    inspector_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class PeriodLock(Base):
    """A reviewed month locked against further edits (锁定)."""

    __tablename__ = "period_locks"
    __table_args__ = (UniqueConstraint("campaign_id", "period"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(7))
    locked: Mapped[bool] = mapped_column(Boolean, default=True)
    reason: Mapped[str | None] = mapped_column(Text)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Problem(Versioned, Base):
    """问题清单 / 挂账销号: a problem registered, rectified, verified and closed out."""

    __tablename__ = "problems"
    __table_args__ = (Index("ix_problems_campaign_state", "campaign_id", "state"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    code: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20), default="self_check")
    found_on: Mapped[dt.date] = mapped_column(Date)
    found_period: Mapped[str] = mapped_column(String(7))
    # the rectification task the problem was turned into (assignments = departments)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"))
    state: Mapped[str] = mapped_column(String(20), default="open")
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    verification_note: Mapped[str | None] = mapped_column(Text)
    closed_period: Mapped[str | None] = mapped_column(String(7))


class User(Base):
    """A login: bcrypt hash, roles, department, lockout and token revocation fields."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(100))
    roles: Mapped[str] = mapped_column(String(200))  # comma-separated, see ROLES
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    email: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    tokens_valid_after: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # a one-time password issued by the office: the first login asks for a new one
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )

    department: Mapped[Department | None] = relationship()

    @property
    def role_list(self) -> list[str]:
        return [r for r in self.roles.split(",") if r]


class WizardDraft(Base):
    """A user's unfinished setup wizard (活动向导): the step and what was entered so far."""

    __tablename__ = "wizard_drafts"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    step: Mapped[int] = mapped_column(Integer, default=1)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class AuditLog(Base):
    """Who changed what, when, with the values before and after."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_at", "at"),
        # who last changed this row (the conflict message on a stale save), migration 0002
        Index("ix_audit_log_entity", "entity", "entity_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    username: Mapped[str | None] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    campaign_id: Mapped[int | None] = mapped_column(Integer)
    department_id: Mapped[int | None] = mapped_column(Integer, index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class DataVersion(Base):
    """A single-row counter bumped by every write; read caches key on it."""

    __tablename__ = "data_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


class DepartmentMonth(Base):
    """Pre-aggregated figures of one department for one month of a campaign, as of the
    month's end: what the composite score, the ranking and its history read instead of
    scanning every monthly report. Maintained by :mod:`lib.read.summary` in the same
    transaction as every report, indicator or inspection save; rebuilt per campaign
    after setup changes. Figures that depend on the day a month is judged at (expected
    progress, overdue tasks of the running month) are finished at read time."""

    __tablename__ = "department_months"
    # one month of every unit (the running month's per-day due counts, the area heat
    # map): without it a province's 72 000 rows are scanned for 3 000
    __table_args__ = (Index("ix_department_months_campaign_period", "campaign_id", "period"),)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    department_id: Mapped[int] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True
    )
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    assignments: Mapped[int] = mapped_column(Integer, default=0)
    weight_sum: Mapped[float] = mapped_column(Float, default=0.0)
    weighted_percent: Mapped[float] = mapped_column(Float, default=0.0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    reported: Mapped[int] = mapped_column(Integer, default=0)
    # weighted expected progress (%) on the month's last day
    expected_end: Mapped[float] = mapped_column(Float, default=0.0)
    # assignments whose task was due before the month: how many, how many unfinished,
    # how many finished within their due month; tasks due within the month by due day:
    # {"YYYY-MM-DD": [due, unfinished, finished in time]}
    due_before: Mapped[int] = mapped_column(Integer, default=0)
    open_before: Mapped[int] = mapped_column(Integer, default=0)
    on_time_before: Mapped[int] = mapped_column(Integer, default=0)
    due_in_month: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    # the same three counts as judged on the month's last day (the usual case: only the
    # running month is judged before its end, and only it needs ``due_in_month``)
    due_at_end: Mapped[int] = mapped_column(Integer, default=0)
    open_at_end: Mapped[int] = mapped_column(Integer, default=0)
    on_time_at_end: Mapped[int] = mapped_column(Integer, default=0)
    reports_on_time: Mapped[int] = mapped_column(Integer, default=0)
    satisfaction: Mapped[float | None] = mapped_column(Float)
    inspection: Mapped[float | None] = mapped_column(Float)
    complaints: Mapped[float | None] = mapped_column(Float)
    # per task area: {"area_id": [weighted percent sum, weight sum, assignments]}
    areas: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))


class SummaryState(Base):
    """Whether a campaign's :class:`DepartmentMonth` rows are complete and current.
    Its row is also the lock that orders summary writers of one campaign."""

    __tablename__ = "summary_state"
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    valid: Mapped[bool] = mapped_column(Boolean, default=False)
    built_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class LoginThrottle(Base):
    """Failed logins of one username from one client address (issue 17).

    Five failures lock only that pair, for progressively longer (``locks`` so far); the
    row with address ``"*"`` counts the username's failures from every address within
    ``window_start`` + 1 hour (see ``lib/domain/login_policy.py``). ``last_success_at``
    marks an address the owner has logged in from. Unknown usernames get rows too.
    """

    __tablename__ = "login_throttles"
    __table_args__ = (UniqueConstraint("username", "address"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    address: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[dt.datetime | None] = mapped_column(DateTime)
    locks: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_failure_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_success_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class BlockedAddress(Base):
    """A client address or network an administrator blocked from logging in."""

    __tablename__ = "blocked_addresses"
    id: Mapped[int] = mapped_column(primary_key=True)
    network: Mapped[str] = mapped_column(String(64), unique=True)
    reason: Mapped[str | None] = mapped_column(String(500))
    blocked_by: Mapped[str] = mapped_column(String(80))
    blocked_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


# --- reaching people: channels, leaders in charge, the delivery log (issue 22) ----------

CHANNEL_KINDS = ("wecom", "dingtalk", "email")
CHANNEL_ROLES = ("office", "leader")


class NotifyChannel(Versioned, Base):
    """Where messages go: a WeCom or DingTalk group robot (webhook) or e-mail addresses.

    A channel belongs to departments (``departments``: their ids), to a role (``office``:
    yellow and red; ``leader``: every red 督办), or to a named 分管领导
    (``leader_user_id``: the red ones of their departments). ``secret`` is the DingTalk
    signing secret; it and the webhook key are never shown back or logged."""

    __tablename__ = "notify_channels"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(1000))
    secret: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(20))
    leader_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    departments: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class DepartmentLeader(Base):
    """A department's 分管领导 (leader in charge): who its red 督办 escalates to."""

    __tablename__ = "department_leaders"
    department_id: Mapped[int] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class NotifyLog(Base):
    """One delivery attempt: time, channel, kind, department, status, error. A message
    with the same ``dedup_key`` already ``sent`` is not sent again (idempotent runs)."""

    __tablename__ = "notify_log"
    __table_args__ = (
        Index("ix_notify_log_dedup", "dedup_key", "status"),
        Index("ix_notify_log_at", "at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    channel_id: Mapped[int | None] = mapped_column(
        ForeignKey("notify_channels.id", ondelete="SET NULL")
    )
    channel_name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    campaign_id: Mapped[int | None] = mapped_column(Integer)
    department_id: Mapped[int | None] = mapped_column(Integer)
    day: Mapped[dt.date] = mapped_column(Date)
    dedup_key: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    error: Mapped[str | None] = mapped_column(Text)


class JobLease(Base):
    """Who runs a background job now (the ``remind`` run): one row per job, held until
    ``until`` (UTC). A second run waits for the first instead of sending again."""

    __tablename__ = "job_leases"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100))
    until: Mapped[dt.datetime] = mapped_column(DateTime)
