"""活动向导 Setup wizard: from a plan and a departments workbook to a live campaign, in
five steps saved after each one (a return opens at the saved step); the last creates
everything in one transaction. Logic in lib/read/wizard.py and lib/write/wizard.py."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from lib.domain.plan import PlanSource, is_blank, parse_plan, phase_rows, task_rows
from lib.i18n import local_name, t
from lib.io.account_list import account_list_docx, account_list_xlsx
from lib.io.excel_import.preview import preview_workbook
from lib.io.plan_file import PlanFileError, read_plan_bytes
from lib.io.templates import list_templates
from lib.read import queries
from lib.read import wizard as wz
from lib.ui import page, plan_review, state, widgets
from lib.write import wizard as wizard_write

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
pg = page.open("campaign.setup", title="page.setup_wizard")
TOTAL = wizard_write.WIZARD_STEPS
user, lang = pg.user, pg.lang
today = queries.today()


def _forget_list() -> None:
    """The account list is handed out once: after its first download it is gone."""
    state.ISSUED_ACCOUNTS.pop()
    state.FLASH.set(t("wizard.list_taken"))


# --- finished: the account list, once --------------------------------------------------------
issued = state.ISSUED_ACCOUNTS.get_or([])
if issued:
    st.success(page.md("wizard.done", count=len(issued)))
    st.warning(t("wizard.list_once"))
    left, right = st.columns(2)
    left.download_button(
        t("accounts.download_xlsx"),
        data=account_list_xlsx(issued, lang),
        file_name=t("accounts.file_name", lang) + ".xlsx",
        mime=XLSX,
        on_click=_forget_list,
        key="wz_list_xlsx",
    )
    right.download_button(
        t("accounts.download_docx"),
        data=account_list_docx(issued, lang),
        file_name=t("accounts.file_name", lang) + ".docx",
        on_click=_forget_list,
        key="wz_list_docx",
    )
    st.stop()

step, data = wz.saved_draft(user.id)
st.progress(
    step / TOTAL,
    text=page.md("wizard.step_of", step=step, total=TOTAL, name=t(f"wizard.step{step}")),
)
st.caption(t(f"wizard.help{step}"))


def _go(to: int, values: dict[str, Any]) -> None:
    page.save(
        lambda s: wizard_write.save_wizard_step(actor=user.actor, session=s, step=to, data=values)
    )


def _nav(key: str, label: str = "wizard.next", disabled: bool = False) -> bool:
    """上一步 and the step's forward button, side by side; True when forward is clicked."""
    row = st.container(horizontal=True)
    if step > 1 and row.button(t("wizard.back"), key=f"wz_back_{step}"):
        _go(step - 1, data)
    return row.button(t(label), type="primary", key=key, disabled=disabled)


def _iso(value: Any) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date().isoformat()


# --- 1. the plan -----------------------------------------------------------------------------
if step == 1:
    way = st.radio(
        t("wizard.plan_way"),
        ["file", "text", "template"],
        format_func=lambda w: t(f"wizard.plan_way_{w}"),
        horizontal=True,
        key="wz_way",
    )
    plan = dict(data.get("plan") or {})
    if way == "template":
        templates = {
            tp["key"]: local_name(tp["name"], tp.get("name_en")) for tp in list_templates()
        }
        key = st.selectbox(t("setup.template"), list(templates), format_func=lambda k: templates[k])
        name = st.text_input(t("setup.campaign_name"), value=templates.get(key, ""), key="wz_tname")
        c1, c2 = st.columns(2)
        start = c1.date_input(t("setup.col_start"), value=today, key="wz_tstart")
        end = c2.date_input(t("setup.col_end"), value=today + dt.timedelta(days=182), key="wz_tend")
        if st.button(t("wizard.next"), type="primary", key="wz_next_1t"):
            plan = {"template": key, "name": name, "start": _iso(start), "end": _iso(end)}
            _go(2, {**data, "plan": plan})
        st.stop()
    if way == "file":
        upload = st.file_uploader(t("setup.plan_upload"), type=["txt", "docx"], key="wz_plan_file")
        pasted = ""
    else:
        upload = None
        pasted = st.text_area(t("setup.plan_paste"), key="wz_plan_text", height=160)
    if st.button(t("setup.plan_parse"), key="wz_parse"):
        source: PlanSource = pasted
        if upload is not None:
            try:
                source = read_plan_bytes(upload.name, upload.getvalue())
            except PlanFileError as exc:
                st.error(t(exc.key))
                source = ""
        if is_blank(source):
            st.warning(t("setup.plan_empty"))
        else:
            draft = parse_plan(source, today=today)
            start_d, end_d = draft.span(today)
            plan = {
                "name": draft.title or "",
                "phases": [
                    {**r, "start": _iso(r["start"]), "end": _iso(r["end"])}
                    for r in phase_rows(draft)
                ],
                "tasks": [{**r, "due": _iso(r["due"])} for r in task_rows(draft)],
                "start": _iso(start_d),
                "end": _iso(end_d),
            }
            _go(1, {**data, "plan": plan})
    if not plan.get("tasks") and not plan.get("phases"):
        st.stop()
    st.subheader(t("setup.review"))
    name = st.text_input(t("setup.campaign_name"), value=plan.get("name") or "", key="wz_name")
    phases_df = plan_review.phase_editor(
        [
            {**r, "start": wz.as_date(r.get("start")), "end": wz.as_date(r.get("end"))}
            for r in plan.get("phases", [])
        ],
        key="wz_phases",
    )
    tasks_df = plan_review.task_editor(
        [{**r, "due": wz.as_date(r.get("due"))} for r in plan.get("tasks", [])], key="wz_tasks"
    )
    c1, c2 = st.columns(2)
    start = c1.date_input(
        t("setup.col_start"), value=wz.as_date(plan.get("start")) or today, key="wz_start"
    )
    end = c2.date_input(
        t("setup.col_end"), value=wz.as_date(plan.get("end")) or today, key="wz_end"
    )
    reviewed = {
        "name": name,
        "phases": [
            {"name": r.get("name") or "", "start": _iso(r.get("start")), "end": _iso(r.get("end"))}
            for r in phases_df.to_dict("records")
        ],
        "tasks": [
            {k: (None if not isinstance(v, str) and pd.isna(v) else v) for k, v in r.items()}
            | {"due": _iso(r.get("due"))}
            for r in tasks_df.to_dict("records")
        ],
        "start": _iso(start),
        "end": _iso(end),
    }
    problems = wz.plan_problems(reviewed)
    for key, params in problems:
        st.error(page.md(key, **params))
    if st.button(t("wizard.next"), type="primary", key="wz_next_1", disabled=bool(problems)):
        _go(2, {**data, "plan": reviewed})
    st.stop()

# --- 2. departments and staff ------------------------------------------------------------------
if step == 2:
    st.download_button(
        t("setup.download_template"),
        data=wz.template_bytes(lang, wz.WIZARD_SHEETS),
        file_name="departments_template.xlsx",
        mime=XLSX,
        on_click="ignore",
        key="wz_template",
    )
    upload = st.file_uploader(t("setup.excel_upload"), type=["xlsx"], key="wz_workbook")
    workbook = upload.getvalue() if upload is not None else None
    if workbook is None and data.get("workbook"):
        workbook = base64.b64decode(data["workbook"])
        st.caption(t("wizard.workbook_kept"))
    problems_found = False
    if workbook is not None:
        bar = st.progress(0.0, text=t("wizard.workbook_checking"))
        preview = page.run_write(
            lambda s: preview_workbook(
                workbook,
                actor=user.actor,
                session=s,
                lang=lang,
                progress=lambda f, what: bar.progress(min(max(f, 0.0), 1.0), text=what),
            )
        )
        bar.empty()
        if preview is None:
            st.stop()
        if preview.result.problems:
            problems_found = True
            st.error(page.md("import.refused", count=len(preview.result.problems)))
            page.table(
                wz.problem_frame(preview.result.problems, lang), hide_index=True, width="stretch"
            )
        else:
            widgets.import_counts("wizard.workbook_dry_run", preview.result)
            page.table(wz.count_frame(preview, lang), hide_index=True)
    known = [n for _c, n in wz.known_departments()] + [
        n for _c, n in wz.workbook_departments(workbook)
    ]
    if not known:
        st.info(t("wizard.no_departments"))
    plan = data.get("plan") or {}
    unknown = wz.unknown_departments(wz.plan_departments(plan.get("tasks", [])), known)
    dept_map: dict[str, str] = dict(data.get("dept_map") or {})
    if unknown and known:
        st.markdown(
            page.md("**{title}**", title=page.md("wizard.unknown_title", count=len(unknown)))
        )
        for name, close in unknown.items():
            options = ["", *close, *[k for k in dict.fromkeys(known) if k not in close]]
            chosen = dept_map.get(name, close[0] if close else "")
            dept_map[name] = st.selectbox(
                page.md("wizard.unknown_pick", name=name),
                options,
                index=options.index(chosen) if chosen in options else 0,
                format_func=lambda o: o or t("wizard.leave_unassigned"),
                key=f"wz_map_{name}_{len(options)}",  # new suggestions: a new default
            )
    values = {**data, "dept_map": dept_map}
    if workbook is not None:
        values["workbook"] = base64.b64encode(workbook).decode("ascii")
    if _nav("wz_next_2", disabled=problems_found or not known):
        _go(3, values)
    st.stop()

# --- 3. liaison accounts ---------------------------------------------------------------------
if step == 3:
    workbook = base64.b64decode(data["workbook"]) if data.get("workbook") else None
    rows = wz.liaison_rows(workbook, data.get("liaisons"))
    if not rows:
        st.info(t("accounts.all_have"))
    edited = page.editor(
        pd.DataFrame(rows, columns=["issue", "code", "name", "username"]),
        key="wz_liaisons",
        hide_index=True,
        width="stretch",
        disabled=["code", "name"],
        column_config={
            "issue": st.column_config.CheckboxColumn(t("wizard.col_issue")),
            "code": st.column_config.TextColumn(t("setup.col_department_code")),
            "name": st.column_config.TextColumn(t("accounts.col_department")),
            "username": st.column_config.TextColumn(t("accounts.col_username")),
        },
    )
    liaisons = {
        str(r["code"]): str(r["username"] or "").strip()
        for r in edited.to_dict("records")
        if r.get("issue")
    }
    st.caption(page.md("wizard.liaisons_note", count=len(liaisons)))
    if _nav("wz_next_3"):
        _go(4, {**data, "liaisons": liaisons})
    st.stop()


# --- 4. rules ----------------------------------------------------------------------------------
def _late_start_warning(report_day: int) -> None:
    start = wz.as_date((data.get("plan") or {}).get("start"))
    widgets.late_start_warning(start, report_day, "wizard.late_start")


if step == 4:
    rules = wz.rules_with_defaults(data.get("rules"))
    c1, c2, c3 = st.columns(3)
    report_day = c1.number_input(
        t("wizard.report_day"), 1, 28, int(rules["report_day"]), help=t("wizard.report_day_help")
    )
    commend = c2.number_input(
        t("wizard.commend_count"), 0, 50, int(rules["commend_count"]), help=t("wizard.counts_help")
    )
    laggard = c3.number_input(
        t("wizard.laggard_count"), 0, 50, int(rules["laggard_count"]), help=t("wizard.counts_help")
    )
    st.markdown(page.md("**{title}**", title=t("setup.weights")))
    st.caption(t("wizard.weights_help"))
    wcols = st.columns(len(rules["weights"]))
    weights = {
        k: wcols[i].number_input(t(f"setup.weight_{k}"), 0.0, 100.0, float(v), 5.0, key=f"wz_w_{k}")
        for i, (k, v) in enumerate(rules["weights"].items())
    }
    st.markdown(page.md("**{title}**", title=t("wizard.reminders")))
    st.caption(t("wizard.reminders_help"))
    r1, r2, r3 = st.columns(3)
    reminders = {
        "enabled": r1.checkbox(t("wizard.reminders_on"), bool(rules["reminders"]["enabled"])),
        "blue_before": int(
            r2.number_input(t("wizard.blue_before"), 0, 27, int(rules["reminders"]["blue_before"]))
        ),
        "red_after": int(
            r3.number_input(t("wizard.red_after"), 1, 60, int(rules["reminders"]["red_after"]))
        ),
    }
    chosen = {
        "report_day": int(report_day),
        "commend_count": int(commend),
        "laggard_count": int(laggard),
        "weights": weights,
        "reminders": reminders,
    }
    if abs(sum(weights.values()) - 100) > 0.01:
        st.warning(page.md("wizard.weights_sum", total=f"{sum(weights.values()):g}"))
    _late_start_warning(int(report_day))
    if _nav("wz_next_4"):
        _go(5, {**data, "rules": chosen})
    st.stop()

# --- 5. summary, then one transaction ------------------------------------------------------------
summary = wz.summary_rows(data, lang)
page.table(
    pd.DataFrame(summary, columns=[t("wizard.col_item"), t("wizard.col_value")]),
    hide_index=True,
    width="stretch",
)
_late_start_warning(int(wz.rules_with_defaults(data.get("rules"))["report_day"]))
if _nav("wz_create", label="wizard.create"):
    done = page.run_write(
        lambda s: wizard_write.finish_wizard(actor=user.actor, session=s, data=data, today=today)
    )
    if done is not None:
        state.CAMPAIGN_ID.set(done.campaign_id)
        state.ISSUED_ACCOUNTS.set(list(done.accounts))
        st.rerun()
if st.button(t("wizard.discard"), key="wz_discard"):
    page.save(lambda s: wizard_write.discard_wizard(actor=user.actor, session=s))
