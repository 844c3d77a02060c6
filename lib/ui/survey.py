"""Item-level survey answers on the satisfaction page (issue 21): the top-box share with
n and its Wilson interval (chart and table), and the import — upload, column mapping,
preview, confirm — for the campaign office."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from lib.i18n import each, fmt_datetime, fmt_period, local_name, t
from lib.io import survey_import
from lib.read import survey
from lib.ui import page, tables
from lib.write.base import BulkRefused, ServiceError
from lib.write.survey import import_survey_answers, withdraw_survey_import

ACCENT = "#1565C0"


def top_box_chart(items: pd.DataFrame, lang: str | None = None) -> alt.TopLevelMixin:
    """One bar per item (top-box share, %), its Wilson 95% interval as a whisker, n
    beside the item's name (where it cannot be clipped)."""
    data = items.assign(
        label=[f"{item}（n={int(n)}）" for item, n in zip(items["item"], items["n"], strict=True)],
        share_r=items["share"].round(1),
        low_r=items["low"].round(1),
        high_r=items["high"].round(1),
    )
    y = alt.Y("label:N", sort=None, title=None, axis=alt.Axis(labelLimit=360))
    tooltip = [
        alt.Tooltip("item:N", title=t("stats.survey_col_item", lang)),
        alt.Tooltip("share_r:Q", title=t("stats.survey_col_share", lang)),
        alt.Tooltip("n:Q", title=t("stats.col_n", lang)),
        alt.Tooltip("low_r:Q", title="95% low"),
        alt.Tooltip("high_r:Q", title="95% high"),
    ]
    x = alt.X("share:Q", title=t("stats.survey_col_share", lang), scale=alt.Scale(domain=[0, 100]))
    bars = alt.Chart().mark_bar(color=ACCENT, opacity=0.75).encode(x=x, y=y, tooltip=tooltip)
    whiskers = (
        alt.Chart().mark_rule(color="#212121", strokeWidth=2).encode(x="low:Q", x2="high:Q", y=y)
    )
    # a band of 36 px per item (a fixed total height was squeezed by the page)
    return alt.layer(bars, whiskers, data=data).properties(height=alt.Step(36))


def show_top_box(campaign_id: int, period: str, min_sample: int, lang: str) -> None:
    """The top-box share of the month chosen: per item (pooled, chart) and per
    department and item (table), each with n and interval; an explanation when no
    item-level answers exist."""
    st.subheader(t("stats.survey_title"))
    detail = survey.top_box(campaign_id, period)
    if detail.empty:
        st.info(t("stats.survey_empty"))
        return
    st.caption(page.md("stats.survey_help", n=min_sample))
    months = sorted(detail["period"].unique(), reverse=True)
    month = st.selectbox(
        t("stats.survey_month"), months, format_func=fmt_period, key="survey_top_month"
    )
    shown = detail[detail["period"] == month]
    items = survey.item_top_box(shown)
    st.markdown(f"**{t('stats.survey_items_chart')}**")
    page.chart(
        top_box_chart(items, lang),
        pd.DataFrame(
            {
                t("stats.survey_col_item"): items["item"],
                t("stats.col_n"): items["n"],
                t("stats.survey_col_top"): items["top"],
                t("stats.survey_col_share"): items["share"].round(1),
                t("stats.col_interval"): tables.intervals(items),
                t("stats.survey_col_departments"): items["departments"],
            }
        ),
        key="survey_top_items",
    )
    st.markdown(f"**{t('stats.survey_table')}**")
    page.table(
        pd.DataFrame(
            {
                t("col.department"): tables.local_names(shown, "department", lang),
                t("stats.survey_col_item"): shown["item"],
                t("stats.col_n"): shown["n"],
                t("stats.survey_col_share"): shown["share"].round(1),
                t("stats.col_interval"): tables.intervals(shown),
                t("stats.col_sample"): [
                    "" if n >= min_sample else t("stats.insufficient") for n in shown["n"]
                ],
            }
        ),
        hide_index=True,
        width="stretch",
    )


def import_section(campaign_id: int, lang: str, actor: Any) -> None:
    """Upload → mapping (suggested from the headers) → preview (or every problem by
    sheet, row and column) → confirm. Nothing is written before the confirmation, and
    nothing at all while a problem remains."""
    with st.expander(t("stats.survey_import")):
        st.caption(t("stats.survey_import_help"))
        upload = st.file_uploader(
            t("stats.survey_upload"), type=["csv", "xlsx"], key="survey_upload"
        )
        if upload is None:
            return
        table, problems = _read(upload.getvalue(), upload.name)
        if table is None:
            for p in problems:
                st.error(page.md_escape(p.message(lang)))
            return
        mapping, months, locked = _mapping(table, campaign_id, lang)
        checked = survey_import.check_answers(
            table, mapping, survey.department_lookup(), months=months, locked=locked
        )
        if checked.problems:
            st.error(page.md("stats.survey_problems", count=len(checked.problems)))
            for p in checked.problems[:200]:
                st.markdown(page.md("- {text}", text=p.message(lang)))
            return
        _preview(checked, lang)
        earlier = survey.imported(table.digest)
        if earlier is not None:
            when, who, withdrawn = earlier
            again = (
                "stats.survey_error_again_withdrawn" if withdrawn else "stats.survey_error_again"
            )
            st.warning(page.md(again, when=fmt_datetime(when), who=who))
            return
        if st.button(
            t("stats.survey_confirm"), type="primary", key=f"survey_go_{table.digest[:12]}"
        ):
            page.save(
                lambda s: import_survey_answers(
                    actor=actor,
                    session=s,
                    campaign_id=campaign_id,
                    source=table.digest,
                    rows=checked.rows,
                    file_name=upload.name,
                ),
                flash=lambda n: page.md("stats.survey_done", count=n),
                on_error=lambda exc: _refusals(exc, table.sheet, lang),
            )


def _mapping(
    table: survey_import.SurveyTable, campaign_id: int, lang: str
) -> tuple[survey_import.Mapping, list[str], list[str]]:
    """Which column is what (suggested from the headers, then as the office chose): the
    mapping, the campaign's months that take answers and the locked ones."""
    suggested = survey_import.suggest_mapping(table)
    columns = list(range(len(table.headers)))
    key = table.digest[:12]

    def header(i: int | None) -> str:
        return t("stats.survey_no_column", lang) if i is None else table.headers[i] or f"#{i + 1}"

    def column(where: Any, label: str, suggestion: int | None, name: str) -> int | None:
        """An optional column of the file, the suggested one chosen to begin with."""
        return where.selectbox(
            t(label),
            [None, *columns],
            index=0 if suggestion is None else suggestion + 1,
            format_func=header,
            key=f"survey_{name}_{key}",
        )

    left, right = st.columns(2)
    department = column(left, "stats.survey_map_department", suggested.department, "dept")
    date = column(right, "stats.survey_map_date", suggested.date, "date")
    months, locked = survey.answer_months(campaign_id)
    period = None
    if date is None and months:
        period = right.selectbox(
            t("stats.survey_map_month"),
            list(reversed(months)),
            format_func=fmt_period,
            key=f"survey_month_{key}",
        )
    items = st.multiselect(
        t("stats.survey_map_items"),
        [c for c in columns if c not in (department, date)],
        default=[c for c in suggested.items if c not in (department, date)],
        format_func=header,
        key=f"survey_items_{key}",
    )
    scales = list(survey_import.SCALES)
    scale = left.selectbox(
        t("stats.survey_map_scale"),
        scales,
        index=scales.index(suggested.scale),
        format_func=lambda s: t(f"stats.survey_scale_{s}", lang),
        key=f"survey_scale_{key}",
    )
    answers = list(survey_import.SCALES[scale])
    top = right.selectbox(
        t("stats.survey_map_top"),
        list(reversed(answers)),
        help=t("stats.survey_map_top_help"),
        key=f"survey_top_{key}_{scale}",
    )
    mapping = survey_import.Mapping(department, date, items, scale, top, period)
    return mapping, months, locked


def _preview(checked: survey_import.CheckedFile, lang: str) -> None:
    """What the import would add: respondents, answers, departments and months."""
    counts = checked.counts()
    names = _department_names(lang)
    months_seen = sorted({p for _d, p in counts})
    st.success(
        page.md(
            "stats.survey_preview",
            respondents=checked.respondents,
            answers=len(checked.rows),
            departments=len({d for d, _p in counts}),
            months="、".join(fmt_period(p) for p in months_seen),
        )
    )
    if checked.skipped:
        st.caption(page.md("stats.survey_skipped", count=checked.skipped))
    st.markdown(f"**{t('stats.survey_preview_table')}**")
    page.table(
        pd.DataFrame(
            {
                t("col.department"): [names.get(d, str(d)) for d, _p in counts],
                t("col.period"): each(fmt_period, [p for _d, p in counts]),
                t("stats.survey_col_respondents"): list(counts.values()),
            }
        ),
        hide_index=True,
    )


def _refusals(exc: ServiceError, sheet: str, lang: str) -> None:
    """Every row the write service refused (a month locked since the preview …), by
    sheet and row; the first one's message is already shown."""
    if not isinstance(exc, BulkRefused):
        return
    lines = dict.fromkeys(  # one line per row and reason (a row holds several answers)
        t("stats.survey_error_row", lang, sheet=sheet, row=r.ref, reason=r.error.message(lang))
        for r in exc.refusals
    )
    for text in list(lines)[:200]:
        st.markdown(page.md("- {text}", text=text))


@st.cache_data(show_spinner=False, max_entries=4)
def _read(
    data: bytes, name: str
) -> tuple[survey_import.SurveyTable | None, list[survey_import.SurveyProblem]]:
    """The uploaded file read once (widget changes rerun the page, not the reading)."""
    return survey_import.read_table(data, name)


def _department_names(lang: str) -> dict[int, str]:
    detail = survey.department_names()
    return {int(r.id): local_name(r.name, r.name_en, lang) for r in detail.itertuples(index=False)}


def imports_section(campaign_id: int, lang: str, actor: Any) -> None:
    """The files imported into the campaign (who, when, what they hold, withdrawn or
    not), and the withdrawal of a wrong one with its reason."""
    files = survey.imports(campaign_id)
    with st.expander(page.md("stats.survey_imports", count=len(files))):
        if files.empty:
            st.caption(t("stats.survey_no_imports"))
            return

        def state(row: Any) -> str:
            if row.withdrawn_at is None:
                return t("stats.survey_state_active")
            return t(
                "stats.survey_state_withdrawn",
                when=fmt_datetime(row.withdrawn_at),
                who=row.withdrawer,
                reason=row.reason or "—",
            )

        rows = list(files.itertuples(index=False))
        tables.show_rows(
            rows,
            {
                t("stats.survey_col_file"): lambda r: r.file_name or r.source[:12],
                t("stats.survey_col_imported"): lambda r: fmt_datetime(r.imported_at),
                t("stats.survey_col_importer"): lambda r: r.importer,
                t("stats.survey_col_respondents"): lambda r: r.respondents,
                t("stats.survey_col_answers"): lambda r: r.answers,
                t("col.period"): lambda r: "、".join(fmt_period(p) for p in r.months),
                t("stats.survey_col_state"): state,
            },
        )
        active = {r.source: r for r in rows if r.withdrawn_at is None}
        if not active:
            return
        with st.form("survey_withdraw", clear_on_submit=True):
            source = st.selectbox(
                t("stats.survey_withdraw_file"),
                list(active),
                format_func=lambda s: t(
                    "stats.survey_withdraw_option",
                    file=active[s].file_name or s[:12],
                    when=fmt_datetime(active[s].imported_at),
                    answers=active[s].answers,
                ),
            )
            reason = st.text_input(t("stats.survey_withdraw_reason"), max_chars=1000)
            st.caption(t("stats.survey_withdraw_help"))
            if st.form_submit_button(t("stats.survey_withdraw")):
                page.save(
                    lambda s: withdraw_survey_import(
                        actor=actor,
                        session=s,
                        campaign_id=campaign_id,
                        source=str(source),
                        reason=reason,
                    ),
                    flash=lambda n: page.md("stats.survey_withdrawn", count=n),
                )
