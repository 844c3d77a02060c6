"""活动设置 Campaigns: create from a template or a plan document (reviewed before saving),
edit dates, phases, target, thresholds and weights, archive."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from lib import write
from lib.domain.plan import (
    PlanSource,
    draft_from_rows,
    draft_problems,
    is_blank,
    parse_plan,
    phase_rows,
    plan_warnings,
    task_rows,
)
from lib.domain.scoring import DEFAULT_SETTINGS
from lib.i18n import local_name, t
from lib.io.plan_file import PlanFileError, read_plan_bytes
from lib.io.templates import list_templates
from lib.read import campaigns, queries, runcharts, setup_queries
from lib.ui import page, plan_review, state, widgets
from lib.write import (
    create_campaign_from_plan,
    create_campaign_from_template_key,
    set_campaign_archived,
    update_campaign,
)

user = page.open("campaign.setup", title="page.setup_campaigns").user
today = queries.today()

tab_plan, tab_template, tab_edit = st.tabs(
    [t("setup.tab_from_plan"), t("setup.tab_from_template"), t("setup.tab_edit")]
)

# --- from a plan document -----------------------------------------------------------------
YEAR_NOTES = {"plan.warn_year_placeholder", "plan.warn_year_unknown"}

with tab_plan:
    st.caption(t("setup.plan_help"))
    upload = st.file_uploader(t("setup.plan_upload"), type=["txt", "docx"], key="plan_upload")
    pasted = st.text_area(t("setup.plan_paste"), key="plan_text", height=160)
    if st.button(t("setup.plan_parse"), key="plan_parse", type="primary"):
        source: PlanSource = pasted
        failed = False
        if upload is not None:
            try:
                source = read_plan_bytes(upload.name, upload.getvalue())
            except PlanFileError as exc:
                st.error(t(exc.key))
                source, failed = "", True
        if not is_blank(source):
            state.PLAN_SOURCE.set(source)
        else:
            state.PLAN_SOURCE.pop()
            if not failed:
                st.warning(t("setup.plan_empty") if upload is None else t("plan.warn_no_tasks"))
    source = state.PLAN_SOURCE.get()
    if source:
        draft = parse_plan(source, today=today)
        if any(key in YEAR_NOTES for key, _ in draft.notes):
            # the plan writes 20xx (or no year at all): its dates stay empty until the
            # office gives the year, then the plan is read again with it
            year = st.number_input(
                t("plan.year"),
                min_value=0,
                max_value=2100,
                value=0,
                step=1,
                key="plan_year",
                help=t("plan.year_help"),
            )
            if year:
                draft = parse_plan(source, today=today, year=int(year))
        st.subheader(t("setup.review"))
        st.caption(
            t(
                "setup.review_summary",
                phases=len(draft.phases),
                areas=len(draft.areas),
                tasks=len(draft.tasks),
            )
        )
        name = st.text_input(t("setup.campaign_name"), value=draft.title or "", key="plan_name")
        st.markdown(f"**{t('setup.phases')}**")
        phases_df = plan_review.phase_editor(phase_rows(draft), key="plan_phases")
        st.markdown(f"**{t('setup.tasks')}**")
        tasks_df = plan_review.task_editor(task_rows(draft), key="plan_tasks")
        edited = draft_from_rows(
            name, phases_df.to_dict("records"), tasks_df.to_dict("records"), draft
        )
        problems = draft_problems(edited)
        for key, params in problems:
            st.error(page.md(key, **params))
        known = set(setup_queries.department_choices(False).values())
        unknown = sorted({d for tk in edited.tasks for d in tk.departments if d not in known})
        if unknown:
            st.info(page.md("setup.unknown_departments", names="、".join(unknown)))
        start_default, end_default = edited.span(today)
        c1, c2 = st.columns(2)
        # keyed by their defaults: a year given or a phase dated above moves them along
        start = c1.date_input(
            t("setup.col_start"), value=start_default, key=f"plan_start_{start_default}"
        )
        end = c2.date_input(t("setup.col_end"), value=end_default, key=f"plan_end_{end_default}")
        widgets.late_start_warning(start, int(DEFAULT_SETTINGS["report_day"]))
        warnings = plan_warnings(
            edited,
            start if isinstance(start, dt.date) else None,
            end if isinstance(end, dt.date) else None,
        )
        if warnings:
            st.warning(
                page.md_join(
                    "\n",
                    [
                        page.md("{title}", title=t("plan.warnings")),
                        *(
                            page.md("- {warning}", warning=page.md(key, **params))
                            for key, params in warnings
                        ),
                    ],
                )
            )
        if st.button(
            t("setup.plan_save"), key="plan_save", type="primary", disabled=bool(problems)
        ):
            page.submit(
                create_campaign_from_plan,
                user.actor,
                draft=edited,
                start=start,
                end=end,
                today=today,
                then=lambda _: state.PLAN_SOURCE.pop(),
                success=t("setup.created", name=page.md_escape(edited.title or "")),
            )

# --- from a template ------------------------------------------------------------------
with tab_template:
    templates = list_templates()
    keys = [tp["key"] for tp in templates]
    names = {tp["key"]: local_name(tp["name"], tp.get("name_en")) for tp in templates}
    with st.form("template_form"):
        key = st.selectbox(t("setup.template"), keys, format_func=lambda k: names[k])
        tname = st.text_input(t("setup.campaign_name"))
        c1, c2 = st.columns(2)
        tstart = c1.date_input(t("setup.col_start"), value=today)
        tend = c2.date_input(t("setup.col_end"), value=today + dt.timedelta(days=182))
        orgs = setup_queries.department_choices()
        org = st.selectbox(
            t("setup.organisation"),
            ["", *list(orgs)],
            format_func=lambda c: orgs.get(c, t("setup.none")) if c else t("setup.none"),
        )
        submitted = st.form_submit_button(t("setup.create"), type="primary")
    if submitted and key:
        page.submit(
            create_campaign_from_template_key,
            user.actor,
            template_key=key,
            start=tstart,
            end=tend,
            organisation_code=org or None,
            name=tname,
            success=t("setup.created", name=page.md_escape(tname or names[key])),
        )

# --- edit -------------------------------------------------------------------------------
with tab_edit:
    table = setup_queries.campaigns_table()
    if table.empty:
        st.info(t("sidebar.no_campaign"))
    else:
        ids = table["id"].tolist()
        labels = {
            r.id: r.name + (f"（{t('setup.archived')}）" if r.archived else "")
            for r in table.itertuples()
        }
        current = page.selected_campaign_id()
        chosen = st.selectbox(
            t("sidebar.campaign"),
            ids,
            index=ids.index(current) if current in ids else 0,
            format_func=lambda i: labels[i],
            key="edit_campaign",
        )
        detail = campaigns.record(int(chosen))
        if detail:
            settings = detail.settings
            with st.form("campaign_form"):
                ename = st.text_input(t("setup.campaign_name"), value=detail.name)
                ename_en = st.text_input(t("setup.name_en"), value=detail.name_en or "")
                etheme = st.text_input(t("overview.theme"), value=detail.theme or "")
                eorg = st.text_input(t("overview.organiser"), value=detail.organiser or "")
                c1, c2, c3 = st.columns(3)
                estart = c1.date_input(t("setup.col_start"), value=detail.start_date)
                eend = c2.date_input(t("setup.col_end"), value=detail.end_date)
                etarget = c3.number_input(
                    t("setup.target_satisfaction"),
                    min_value=0.0,
                    max_value=100.0,
                    value=float(detail.target_satisfaction or 90.0),
                    step=0.5,
                )
                st.markdown(f"**{t('setup.thresholds')}**")
                thresholds = {  # setup.threshold_on_track, setup.threshold_behind
                    k: col.number_input(
                        t(f"setup.threshold_{k}"), 0.0, 1.0, float(settings["thresholds"][k]), 0.01
                    )
                    for col, k in zip(st.columns(2), ("on_track", "behind"), strict=True)
                }
                st.markdown(f"**{t('setup.weights')}**")
                wcols = st.columns(len(settings["weights"]))
                weights = {
                    k: wcols[i].number_input(t(f"setup.weight_{k}"), 0.0, 100.0, float(v), 5.0)
                    for i, (k, v) in enumerate(settings["weights"].items())
                }
                st.markdown(f"**{t('setup.circular')}**")
                circular_now = settings.get("circular") or {}
                k1, k2 = st.columns(2)
                issuer = k1.text_input(
                    t("setup.circular_issuer"),
                    value=str(circular_now.get("issuer") or ""),
                    max_chars=100,
                    placeholder=detail.organiser or "",
                )
                prefix = k2.text_input(
                    t("setup.circular_prefix"),
                    value=str(circular_now.get("prefix") or ""),
                    max_chars=40,
                )
                st.markdown(f"**{t('setup.phases')}**")
                phases = page.editor(
                    pd.DataFrame(
                        detail.phases, columns=["seq", "name", "kind", "start_date", "end_date"]
                    ).drop(columns=["seq"]),
                    num_rows="dynamic",
                    width="stretch",
                    key="edit_phases",
                    column_config={
                        "name": st.column_config.TextColumn(t("setup.col_phase")),
                        "kind": st.column_config.SelectboxColumn(
                            t("setup.col_kind"),
                            options=["mobilise", "self_check", "rectify", "assess", "review"],
                        ),
                        "start_date": st.column_config.DateColumn(t("setup.col_start")),
                        "end_date": st.column_config.DateColumn(t("setup.col_end")),
                    },
                )
                save = st.form_submit_button(t("setup.save"), type="primary")
            if save:
                rows = [
                    {
                        "name": r.get("name"),
                        "kind": r.get("kind") or "rectify",
                        "start_date": r["start_date"] if pd.notna(r.get("start_date")) else None,
                        "end_date": r["end_date"] if pd.notna(r.get("end_date")) else None,
                    }
                    for r in phases.to_dict("records")
                    if (r.get("name") or pd.notna(r.get("start_date")))
                ]
                for r in rows:
                    for k in ("start_date", "end_date"):
                        if isinstance(r[k], pd.Timestamp):
                            r[k] = r[k].date()
                page.submit(
                    update_campaign,
                    user.actor,
                    campaign_id=int(chosen),
                    name=ename,
                    name_en=ename_en,
                    theme=etheme,
                    organiser=eorg,
                    start=estart,
                    end=eend,
                    target_satisfaction=etarget,
                    thresholds=thresholds,
                    weights=weights,
                    phases=rows,
                    circular={"issuer": issuer, "prefix": prefix},
                    success=t("setup.saved"),
                )
            # run-chart rules, minimum sample, appeal window (issue 21)
            with st.form("statistics_form"):
                st.markdown(f"**{t('stats.settings')}**")
                c1, c2, c3 = st.columns(3)
                methods = ["ihi", "anhoej"]
                method = c1.selectbox(
                    t("runchart.method_label"),
                    methods,
                    index=methods.index(runcharts.method_of(settings)),
                    format_func=lambda m: t(f"runchart.method_{m}"),
                )
                min_sample = c2.number_input(
                    t("stats.min_sample"), 1, 10_000, int(settings["min_sample"]), 5
                )
                appeal_days = c3.number_input(
                    t("stats.appeal_days"), 1, 365, int(settings["appeal_days"]), 1
                )
                save_stats = st.form_submit_button(t("setup.save"))
            if save_stats:
                page.submit(
                    write.update_statistics_settings,
                    user.actor,
                    campaign_id=int(chosen),
                    runchart_method=method,
                    min_sample=int(min_sample),
                    appeal_days=int(appeal_days),
                    success=t("setup.saved"),
                )
            archived = bool(detail.archived)
            if st.button(
                t("setup.unarchive") if archived else t("setup.archive"), key="archive_button"
            ):
                page.submit(
                    set_campaign_archived,
                    user.actor,
                    campaign_id=int(chosen),
                    archived=not archived,
                )
