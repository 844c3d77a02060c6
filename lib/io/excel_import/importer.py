"""Writing a checked workbook, sheet by sheet, through the write side's functions (the
same rules as the pages: month locks, approved reports, value ranges, versions, one audit
row per changed record). All or nothing: every refusal is reported with sheet, row and
column, and then nothing is written. A dry run writes and rolls back, so it reports what
the import would."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from lib import write
from lib.domain.permissions import Actor, can
from lib.i18n import t
from lib.io.excel_import.checks import Workbook, task_values, validate
from lib.io.excel_import.reading import ImportIssue, Progress, Row, read_workbook
from lib.models import ROLES, Assignment, Department, Indicator, Task, User

# the column of a sheet that names what a write function's input field refers to
_FIELD_COLUMNS = {
    "assignment_id": "task_code",
    "indicator_id": "indicator_code",
    "department_id": "department_code",
}
# the column a page function's refusal is about, for the sheets written row by row
_ERROR_COLUMNS = {
    "setup.error_department_code": "code",
    "setup.error_name_required": "name",
    "setup.error_department_kind": "kind",
    "setup.error_department_cycle": "parent_code",
    "error.username_invalid": "username",
    "error.username_taken": "username",
    "error.role_invalid": "roles",
    "error.liaison_needs_department": "department_code",
    "setup.error_own_admin": "roles",
}
# a sheet is written only when the sheets it refers to were
_NEEDS = {
    "phases": {"campaigns"},
    "tasks": {"campaigns", "departments"},
    "users": {"departments"},
    "indicators": {"campaigns"},
    "indicator_values": {"campaigns", "departments", "indicators"},
    "monthly_updates": {"campaigns", "departments", "tasks"},
    "benchmarks": {"campaigns", "departments"},
}


def _pick(values: dict[str, Any], *keys: str) -> dict[str, Any]:
    """The cells of these columns (empty ones as None)."""
    return {k: values.get(k) for k in keys}


@dataclass
class ImportResult:
    problems: list[ImportIssue] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    # what was skipped on the way (title rows above a header, notes rows): not problems
    notes: list[ImportIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, outcomes: list[write.Outcome]) -> None:
        self.created += outcomes.count("created")
        self.updated += outcomes.count("updated")
        self.unchanged += outcomes.count("unchanged")


class _Refused(Exception):
    """Ends the savepoint of a refused import (or of a dry run)."""

    def __init__(self, issues: list[ImportIssue]) -> None:
        super().__init__(len(issues))
        self.issues = issues


@dataclass
class _Sheet:
    """One sheet being written: its rows, and what its writer needs."""

    wb: Workbook
    actor: Actor
    result: ImportResult
    rows: list[Row]

    @property
    def session(self) -> Session:
        return self.wb.session

    def campaign_id(self, row: Row) -> int:
        name = self.wb.campaign_name(row)
        assert name is not None  # checked by validate()
        return self.wb.campaigns_db[name].id

    def campaign_ids(self) -> list[int]:
        return sorted({self.campaign_id(row) for row in self.rows})

    def departments(self) -> dict[str, int]:
        return {code: i for code, i in self.session.execute(select(Department.code, Department.id))}

    def write_rows(
        self, service: Callable[..., list[write.Outcome]], build: Callable[[Row], Any]
    ) -> None:
        """One service row per sheet row, written by ``service`` (all or nothing), counted."""
        rows = [build(row) for row in self.rows]
        self.result.count(service(actor=self.actor, session=self.session, rows=rows))


def _write_campaigns(s: _Sheet) -> None:
    def build(row: Row) -> write.CampaignRow:
        v = row.values
        stored = s.wb.campaigns_db.get(v["name"])
        return write.CampaignRow(
            ref=row.number,
            campaign_id=stored.id if stored is not None else None,
            name=v["name"],
            start_date=v["start_date"],
            end_date=v["end_date"],
            archived=bool(v.get("archived")),
            **_pick(v, "name_en", "theme", "organiser", "target_satisfaction", "settings"),
        )

    s.write_rows(write.import_campaigns, build)
    s.wb.load_campaigns()


def _write_phases(s: _Sheet) -> None:
    s.write_rows(
        write.import_phases,
        lambda row: write.PhaseRow(
            ref=row.number,
            campaign_id=s.campaign_id(row),
            seq=row.values["seq"],
            name=row.values["name"],
            start_date=row.values["start_date"],
            end_date=row.values["end_date"],
            kind=row.values.get("kind") or "rectify",
        ),
    )


def _refusal(row: Row, error: write.ServiceError, column: str | None = None) -> write.Refusal:
    """A page function's refusal of one row, at the column it is about."""
    return write.Refusal(row.number, column or _ERROR_COLUMNS.get(error.key, "—"), error)


def _write_departments(s: _Sheet) -> None:
    """Through the setup page's function, parents before children."""
    refusals: list[write.Refusal] = []
    pending = list(s.rows)
    known = set(s.departments())
    while pending:
        ready = [
            r
            for r in pending
            if not r.values.get("parent_code") or r.values["parent_code"] in known
        ]
        if not ready:  # pragma: no cover - cycles are refused in validate()
            break
        for row in ready:
            v = row.values
            try:
                _dept, changed = write.upsert_department(
                    actor=s.actor,
                    session=s.session,
                    code=v["code"],
                    name=v["name"],
                    name_en=v.get("name_en"),
                    kind=v.get("kind") or "department",
                    parent_code=v.get("parent_code"),
                    sort_order=v.get("sort_order") or 0,
                    active=True if v.get("active") is None else bool(v["active"]),
                )
            except write.ServiceError as error:
                column = "parent_code" if error.key == "error.department_unknown" else None
                refusals.append(_refusal(row, error, column))
                continue
            new = v["code"] not in known
            s.result.count(["created" if new else "updated" if changed else "unchanged"])
            known.add(v["code"])
        pending = [r for r in pending if r not in ready]
    write.refuse_all(refusals)


def _write_tasks(s: _Sheet) -> None:
    """Through the task table's function, one campaign at a time."""
    by_campaign: dict[int, list[tuple[int, dict[str, object]]]] = {}
    for row in s.rows:
        by_campaign.setdefault(s.campaign_id(row), []).append((row.number, task_values(row)))
    for campaign_id, rows in by_campaign.items():
        outcomes = write.import_tasks(
            actor=s.actor, session=s.session, campaign_id=campaign_id, rows=rows
        )
        s.result.count(outcomes)


def _write_user(s: _Sheet, row: Row) -> write.Outcome:
    """Through the user page's functions; a new login gets a random password."""
    v = row.values
    username = v["username"].lower()
    roles = [r for r in ROLES if r in v["roles"]]
    user = s.session.scalar(select(User).where(User.username == username))
    if user is None:
        write.create_user(
            actor=s.actor,
            session=s.session,
            username=username,
            password_hash=write.hash_password(secrets.token_urlsafe(24), rounds=4),
            roles=roles,
            display_name=v.get("display_name") or username,
            department_code=v.get("department_code"),
        )
        if v.get("active") is False:
            write.set_user_active(actor=s.actor, session=s.session, username=username, active=False)
        return "created"
    changed = write.update_user(
        actor=s.actor,
        session=s.session,
        username=username,
        display_name=v.get("display_name") or user.display_name,
        roles=roles,
        department_code=v.get("department_code"),
    )
    active = True if v.get("active") is None else bool(v["active"])
    if active != user.active and user.id != s.actor.user_id:
        write.set_user_active(actor=s.actor, session=s.session, username=username, active=active)
        changed = True
    return "updated" if changed else "unchanged"


def _write_users(s: _Sheet) -> None:
    refusals: list[write.Refusal] = []
    for row in s.rows:
        try:
            s.result.count([_write_user(s, row)])
        except write.ServiceError as error:
            column = "department_code" if error.key == "error.department_unknown" else None
            refusals.append(_refusal(row, error, column))
    write.refuse_all(refusals)


def _write_indicators(s: _Sheet) -> None:
    def build(row: Row) -> write.IndicatorRow:
        v = row.values
        return write.IndicatorRow(
            ref=row.number,
            campaign_id=s.campaign_id(row),
            code=v["code"],
            name=v["name"],
            seq=row.number - 1,
            group=v.get("group") or "patient",
            direction=v.get("direction") or "higher",
            **_pick(v, "name_en", "unit", "scale", "min_value", "max_value", "target"),
        )

    s.write_rows(write.import_indicators, build)


def _write_indicator_values(s: _Sheet) -> None:
    depts = s.departments()
    indicators = {
        (campaign_id, code): i
        for i, campaign_id, code in s.session.execute(
            select(Indicator.id, Indicator.campaign_id, Indicator.code).where(
                Indicator.campaign_id.in_(s.campaign_ids())
            )
        )
    }
    s.write_rows(
        write.import_indicator_values,
        lambda row: write.IndicatorValueRow(
            ref=row.number,
            indicator_id=indicators[(s.campaign_id(row), row.values["indicator_code"])],
            department_id=depts[row.values["department_code"]],
            period=row.values["period"],
            value=row.values["value"],
            **_pick(row.values, "sample_size", "note"),
        ),
    )


def _write_monthly_updates(s: _Sheet) -> None:
    depts = s.departments()
    assignments = {
        (campaign_id, code, dept_id): i
        for i, campaign_id, code, dept_id in s.session.execute(
            select(Assignment.id, Task.campaign_id, Task.code, Assignment.department_id)
            .join(Task, Task.id == Assignment.task_id)
            .where(Task.campaign_id.in_(s.campaign_ids()))
        )
    }

    def build(row: Row) -> write.ReportRow:
        v = row.values
        key = (s.campaign_id(row), v["task_code"], depts[v["department_code"]])
        return write.ReportRow(
            ref=row.number,
            assignment_id=assignments[key],
            period=v["period"],
            percent_done=v["percent_done"],
            status=v.get("status") or ("done" if v["percent_done"] >= 100 else "in_progress"),
            review_state=v.get("review_state") or "submitted",
            **_pick(v, "work_done", "problems", "next_steps"),
        )

    s.write_rows(write.import_reports, build)


def _write_benchmarks(s: _Sheet) -> None:
    depts = s.departments()

    def build(row: Row) -> write.BenchmarkRow:
        v = row.values
        return write.BenchmarkRow(
            ref=row.number,
            campaign_id=s.campaign_id(row),
            period=v["period"],
            label=v["label"],
            department_id=depts[v["department_code"]] if v.get("department_code") else None,
            group=v.get("group") or "overall",
            **_pick(v, "score", "scale", "rate", "rank", "peer_count", "peer_group", "source"),
        )

    s.write_rows(write.import_benchmarks, build)


_WRITERS: tuple[tuple[str, Callable[[_Sheet], None]], ...] = (
    ("campaigns", _write_campaigns),
    ("phases", _write_phases),
    ("departments", _write_departments),
    ("tasks", _write_tasks),
    ("users", _write_users),
    ("indicators", _write_indicators),
    ("indicator_values", _write_indicator_values),
    ("monthly_updates", _write_monthly_updates),
    ("benchmarks", _write_benchmarks),
)


def _write(
    wb: Workbook,
    actor: Actor,
    result: ImportResult,
    progress: Progress | None,
    trial: bool = False,
) -> list[ImportIssue]:
    """Every sheet through its writer; a sheet's refusals are flagged and the sheets
    that refer to it are left out. Returns the issues (none: all written). A ``trial``
    (the rows of a file with problems that have none, to find what the write side would
    refuse as well) leaves out a sheet whose rows refer to rows left out."""
    total = max(sum(len(v) for v in wb.sheets.values()), 1)
    done = 0
    lang = wb.lang
    refused: set[str] = set()
    for key, writer in _WRITERS:
        rows = wb.rows(key)
        if not rows:
            continue
        if refused & _NEEDS.get(key, set()):
            refused.add(key)
            continue
        try:
            writer(_Sheet(wb, actor, result, rows))
        except (KeyError, TypeError, AssertionError):
            if not trial:
                raise
            refused.add(key)  # refers to a row left out of the trial
        except write.BulkRefused as bulk:
            refused.add(key)
            for r in bulk.refusals:
                column = _FIELD_COLUMNS.get(r.field, r.field)
                wb.flag(key, r.ref, column, r.error.key, **r.error.params)
        done += len(rows)
        if progress:
            sheet = wb.names.get(key, key)
            progress(0.6 + 0.4 * done / total, t("import.progress_write", lang, sheet=sheet))
    return wb.issues


def _in_order(
    issues: list[ImportIssue], names: dict[str, str], layout: dict[str, dict[str, int]]
) -> list[ImportIssue]:
    """The issues sorted by sheet and column as the file shows them, and row; one per
    cell: a cell refused when read is not refused again by the checks."""
    sheet_pos = {name: i for i, name in enumerate(names.values(), start=1)}
    seen_cells: set[tuple[str, int, str]] = set()
    out: list[ImportIssue] = []
    for issue in issues:
        cell = (issue.sheet, issue.row, issue.column)
        if issue.column != "—" and cell in seen_cells:
            continue
        seen_cells.add(cell)
        out.append(issue)
    return sorted(
        out,
        key=lambda i: (
            sheet_pos.get(i.sheet, 0),
            i.row,
            layout.get(i.sheet, {}).get(i.column, -1),
        ),
    )


def _trial_write(
    session: Session,
    sheets: dict[str, list[Row]],
    names: dict[str, str],
    campaign_id: int | None,
    actor: Actor,
    lang: str | None,
    issues: list[ImportIssue],
) -> list[ImportIssue]:
    """What the write side would refuse too (a locked month, an approved report…) in the
    rows that have no problem of their own, so that a file's problems come in one pass;
    written in a savepoint and rolled back."""
    bad_rows = {(i.sheet, i.row) for i in issues}
    bad_sheets = {i.sheet for i in issues if i.row <= 0 or i.key == "import.error_missing_column"}
    if not can(actor, "users.admin"):
        bad_sheets.add(names.get("users", "users"))
    clean = {
        key: [r for r in rows if (names[key], r.number) not in bad_rows]
        for key, rows in sheets.items()
        if names[key] not in bad_sheets
    }
    try:
        with write.all_or_nothing(session):
            wb = Workbook(session, clean, names, campaign_id, lang)
            raise _Refused(_write(wb, actor, ImportResult(), None, trial=True))
    except _Refused as found:
        return found.issues
    except (write.ServiceError, SQLAlchemyError):
        return []  # the trial found nothing it could name


def import_workbook(
    data: bytes,
    *,
    actor: Actor,
    session: Session,
    campaign_id: int | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    lang: str | None = None,
) -> ImportResult:
    """Check the whole workbook, then write it all or nothing through the write side
    (a dry run writes and rolls back). Every problem is in ``problems``.

    The caller owns the transaction (``session_scope``): on problems nothing was written.
    """
    write.require(actor, "data.import")
    notes: list[ImportIssue] = []
    layout: dict[str, dict[str, int]] = {}
    sheets, names, issues = read_workbook(data, lang, notes=notes, layout=layout, progress=progress)
    result = ImportResult(rows={k: len(v) for k, v in sheets.items()}, notes=notes)
    if sheets.get("users") and not can(actor, "users.admin"):
        issues.append(ImportIssue(names["users"], 1, "—", "error.permission_denied"))
    if progress:
        progress(0.5, t("import.progress_check", lang))
    if sheets:  # one pass: the checks run on what could be read, whatever else is wrong
        issues += validate(session, sheets, names, campaign_id, lang)
    if issues and sheets and not any(i.sheet == "—" for i in issues):
        issues += _trial_write(session, sheets, names, campaign_id, actor, lang, issues)
    if issues:
        result.problems = _in_order(issues, names, layout)
        return result
    try:
        with write.all_or_nothing(session):
            wb = Workbook(session, sheets, names, campaign_id, lang)
            issues = _write(wb, actor, result, progress)
            if issues or dry_run:
                raise _Refused(issues)
    except _Refused as refused:
        result.problems = _in_order(refused.issues, names, layout)
    except write.ServiceError as error:  # a conflict with a concurrent change
        result.problems = [ImportIssue("—", 0, "—", error.key, error.params)]
    if result.problems:
        result.created = result.updated = result.unchanged = 0
    return result
