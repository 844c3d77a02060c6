"""Read side of the setup wizard (活动向导) and the whole-workbook page (issue 23): the
saved wizard draft, the export and template files, problem and change tables, plan
department names matched to the department list."""

from __future__ import annotations

import base64
import datetime as dt
import difflib
import re
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import select

from lib.db import get_engine, session_scope
from lib.i18n import t
from lib.io.excel_import import ImportIssue, read_workbook, template_workbook
from lib.io.excel_import.preview import ImportPreview
from lib.models import Department, WizardDraft

STEPS = (1, 2, 3, 4, 5)
# the sheets the wizard's workbook may hold (departments and the users of departments)
WIZARD_SHEETS = ["departments"]


def saved_draft(user_id: int | None) -> tuple[int, dict[str, Any]]:
    """(step, data) of this user's unfinished wizard; (1, {}) when there is none."""
    if user_id is None:
        return 1, {}
    with session_scope(get_engine()) as s:
        row = s.scalar(select(WizardDraft).where(WizardDraft.user_id == user_id))
        if row is None:
            return 1, {}
        step = int(row.step) if int(row.step) in STEPS else 1
        return step, dict(row.data or {})


def export_bytes(campaign_id: int | None, lang: str) -> bytes:
    """The whole workbook, as ``lib.cli export-excel`` writes it."""
    from lib.io.excel_export import export_workbook

    with session_scope(get_engine()) as s:
        return export_workbook(s, campaign_id=campaign_id, lang=lang)


def known_departments() -> list[tuple[str, str]]:
    """(code, name) of the active departments, in tree order."""
    with session_scope(get_engine()) as s:
        return [
            (code, name)
            for code, name in s.execute(
                select(Department.code, Department.name)
                .where(Department.active.is_(True))
                .order_by(Department.sort_order, Department.code)
            )
        ]


def template_bytes(lang: str, sheets: list[str] | None = None) -> bytes:
    """The empty import workbook with the stored departments in its drop-downs (the
    template of ``lib.cli excel-template``)."""
    return template_workbook(sheets, lang=lang, departments=known_departments())


def problem_frame(problems: Sequence[ImportIssue], lang: str) -> pd.DataFrame:
    """Every problem with its sheet, row and column, and the CLI's line for it."""
    return pd.DataFrame(
        [
            {
                t("import.col_sheet", lang): p.sheet,
                t("import.col_row", lang): p.row,
                t("import.col_column", lang): p.column,
                t("setup.problem", lang): p.message(lang),
            }
            for p in problems
        ],
        columns=[
            t("import.col_sheet", lang),
            t("import.col_row", lang),
            t("import.col_column", lang),
            t("setup.problem", lang),
        ],
    )


def _entity(entity: str, lang: str) -> str:
    key = f"wizard.entity_{entity}"
    text = t(key, lang)
    return entity if text == key else text


def count_frame(preview: ImportPreview, lang: str) -> pd.DataFrame:
    """Per kind of record (one per sheet): how many added, how many changed."""
    counts = preview.counts()
    return pd.DataFrame(
        [
            {
                t("wizard.col_entity", lang): _entity(entity, lang),
                t("wizard.col_created", lang): c["created"],
                t("wizard.col_updated", lang): c["updated"],
            }
            for entity, c in counts.items()
        ],
        columns=[
            t("wizard.col_entity", lang),
            t("wizard.col_created", lang),
            t("wizard.col_updated", lang),
        ],
    )


def change_frame(preview: ImportPreview, lang: str) -> pd.DataFrame:
    """Every record the import would add or change, with the fields it changes."""
    return pd.DataFrame(
        [
            {
                t("wizard.col_entity", lang): _entity(c.entity, lang),
                t("wizard.col_action", lang): t(f"wizard.action_{c.action}", lang),
                t("wizard.col_record", lang): c.label,
                t("wizard.col_fields", lang): ", ".join(c.fields),
            }
            for c in preview.changes
        ],
        columns=[
            t("wizard.col_entity", lang),
            t("wizard.col_action", lang),
            t("wizard.col_record", lang),
            t("wizard.col_fields", lang),
        ],
    )


def workbook_departments(data: bytes | None) -> list[tuple[str, str]]:
    """(code, name) of the departments sheet of a workbook (only rows that read)."""
    if not data:
        return []
    sheets, _names, _issues = read_workbook(data, None)
    return [
        (str(r.values.get("code")), str(r.values.get("name")))
        for r in sheets.get("departments", [])
        if r.values.get("code") and r.values.get("name")
    ]


def plan_departments(tasks: Iterable[dict[str, Any]]) -> list[str]:
    """The department names the plan's task rows name, in order of first mention."""
    seen: dict[str, None] = {}
    for row in tasks:
        for name in split_departments(row.get("departments")):
            seen.setdefault(name, None)
    return list(seen)


def split_departments(text: Any) -> list[str]:
    """A review-table cell of departments ("医务科、护理部") as names."""
    if not isinstance(text, str):
        return []
    return [d for d in re.split(r"[、，,；;\s]+", text) if d]  # as draft_from_rows splits


def unknown_departments(plan_names: Iterable[str], known: Iterable[str]) -> dict[str, list[str]]:
    """Plan department names not in the department list -> close matches (best first)."""
    known = list(dict.fromkeys(known))
    return {
        name: difflib.get_close_matches(name, known, n=3, cutoff=0.4)
        for name in plan_names
        if name not in known
    }


def as_date(value: Any) -> dt.date | None:
    """An ISO date kept in the wizard's draft (None: empty)."""
    return dt.date.fromisoformat(value) if isinstance(value, str) and value else None


def plan_problems(plan: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """What stops the reviewed plan from becoming a campaign (the plan page's checks),
    and campaign dates that are missing or reversed."""
    from lib.domain.plan import draft_problems
    from lib.write.wizard import plan_from_data

    problems = draft_problems(plan_from_data(plan, {}))
    start, end = as_date(plan.get("start")), as_date(plan.get("end"))
    if start is None or end is None or end < start:
        problems.append(("wizard.error_dates", {}))
    return problems


def liaison_rows(workbook: bytes | None, chosen: dict[str, str] | None) -> list[dict[str, Any]]:
    """One row per department that has no liaison yet (stored ones, then the workbook's
    new ones): issue or not, code, name, username (``liaison_<code>`` unless given)."""
    from lib.write.accounts import departments_without_liaison, liaison_username

    with session_scope(get_engine()) as s:
        open_ = [(d.code, d.name) for d in departments_without_liaison(s)]
        stored = {c for (c,) in s.execute(select(Department.code))}
    rows = open_ + [(c, n) for c, n in workbook_departments(workbook) if c not in stored]
    seen: dict[str, str] = dict(rows)
    out = []
    for code, name in seen.items():
        given = (chosen or {}).get(code)
        out.append(
            {
                "issue": chosen is None or code in chosen,
                "code": code,
                "name": name,
                "username": given or liaison_username(code),
            }
        )
    return out


def rules_with_defaults(stored: dict[str, Any] | None) -> dict[str, Any]:
    """Report day, 红黑榜 counts, score weights and reminder rules: what the wizard kept,
    else the defaults every new campaign gets."""
    from lib.domain.escalation import DEFAULT_RULES
    from lib.domain.scoring import DEFAULT_SETTINGS

    stored = stored or {}
    return {
        "report_day": stored.get("report_day", DEFAULT_SETTINGS["report_day"]),
        "commend_count": stored.get("commend_count", DEFAULT_SETTINGS["commend_count"]),
        "laggard_count": stored.get("laggard_count", DEFAULT_SETTINGS["laggard_count"]),
        "weights": dict(stored.get("weights") or DEFAULT_SETTINGS["weights"]),
        "reminders": {**DEFAULT_RULES, **(stored.get("reminders") or {})},
    }


def summary_rows(data: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """What the last step will create, item by item."""
    from lib.i18n import fmt_date, join_list

    plan = data.get("plan") or {}
    rules = rules_with_defaults(data.get("rules"))
    workbook = base64.b64decode(data["workbook"]) if data.get("workbook") else None
    start, end = as_date(plan.get("start")), as_date(plan.get("end"))
    span = f"{fmt_date(start, lang)} – {fmt_date(end, lang)}" if start and end else "—"
    if plan.get("template"):
        source = t("wizard.summary_template", lang, template=plan["template"])
    else:
        source = t(
            "wizard.summary_plan",
            lang,
            phases=len(plan.get("phases", [])),
            tasks=len(plan.get("tasks", [])),
        )
    mapped = {k: v for k, v in (data.get("dept_map") or {}).items()}
    weights = " / ".join(
        f"{t(f'setup.weight_{k}', lang)} {float(v):g}" for k, v in rules["weights"].items()
    )
    return [
        (t("setup.campaign_name", lang), str(plan.get("name") or "")),
        (t("wizard.summary_dates", lang), span),
        (t("wizard.summary_source", lang), source),
        (
            t("wizard.summary_departments", lang),
            str(len(workbook_departments(workbook))),
        ),
        (
            t("wizard.summary_mapped", lang),
            join_list(
                [f"{k} → {v or t('wizard.leave_unassigned', lang)}" for k, v in mapped.items()],
                lang,
            )
            or "—",
        ),
        (
            t("wizard.summary_accounts", lang),
            join_list(list((data.get("liaisons") or {}).values()), lang) or "—",
        ),
        (t("wizard.report_day", lang), str(rules["report_day"])),
        (
            t("wizard.summary_counts", lang),
            f"{rules['commend_count']} / {rules['laggard_count']}",
        ),
        (t("setup.weights", lang), weights),
        (
            t("wizard.reminders", lang),
            t(
                "wizard.summary_reminders",
                lang,
                blue=rules["reminders"]["blue_before"],
                red=rules["reminders"]["red_after"],
            )
            if rules["reminders"]["enabled"]
            else t("wizard.reminders_off", lang),
        ),
    ]


def has_reported(user_id: int, department_id: int | None = None) -> bool:
    """Whether this user (or anyone for their department) has saved or submitted a
    monthly report: a liaison's first visit is one without."""
    from sqlalchemy import or_

    from lib.models import Assignment, MonthlyUpdate

    who = or_(MonthlyUpdate.submitted_by_id == user_id, MonthlyUpdate.updated_by_id == user_id)
    if department_id is not None:
        who = or_(
            who,
            MonthlyUpdate.assignment_id.in_(
                select(Assignment.id).where(Assignment.department_id == department_id)
            ),
        )
    with session_scope(get_engine()) as s:
        found = s.scalar(select(MonthlyUpdate.id).where(who).limit(1))
    return found is not None
