"""满意度 Satisfaction: item trends against target (patients and staff), each item's run
chart with its signals, every department's satisfaction with its answers (n), Wilson 95%
interval and rank (样本量不足 below the campaign's minimum sample: not ranked), the
department × item heat map, the items below target on the evidence with their real
direction and the rectification tasks linked to them, the peer benchmark, and — where
item-level survey answers exist — the top-box share with n and intervals, with the
import of a survey platform's export for the campaign office (lib/ui/survey.py)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.domain.permissions import can
from lib.i18n import each, fmt_period, local_col, local_name, t
from lib.read import queries, runcharts, views
from lib.read import satisfaction as sat_stats
from lib.ui import charts, page, tables
from lib.ui import runcharts as runchart_view
from lib.ui import survey as survey_view

pg = page.open("read.all", title="page.satisfaction", campaign="view")
ctx, user, lang = pg.view, pg.user, pg.lang
name_col, item_col = local_col("department"), local_col("name")
method = runcharts.method_of(ctx.settings)
min_sample = int(ctx.settings["min_sample"])
histories = runcharts.indicator_histories(ctx.campaign_id, ctx.period)


def _n(value: object) -> str:
    return "—" if value is None or pd.isna(value) else str(int(value))  # type: ignore[call-overload, arg-type]


bench = queries.peer_benchmarks(ctx.campaign_id, ctx.period)
if not bench.empty:
    st.subheader(t("satisfaction.benchmark"))
    latest = bench[bench["period"] == bench["period"].max()]
    previous = bench[bench["period"] < bench["period"].max()]
    cols = st.columns(min(len(latest), 5))
    for col, r in zip(cols, latest.itertuples(index=False), strict=False):
        prev = previous[(previous["label"] == r.label) & (previous["peer_group"] == r.peer_group)]
        delta = None
        if not prev.empty and r.score is not None:
            delta = f"{r.score - prev['score'].iloc[-1]:+.2f}"
        col.metric(
            page.md("{label} · {group}", label=r.label, group=r.peer_group),
            f"{r.score:.2f}" if r.score else "—",
            delta=delta,
        )
        col.caption(
            page.md(
                "satisfaction.rate_rank",
                rate=f"{r.rate:.2f}%" if r.rate else "—",
                rank=r.rank or "—",
                peers=r.peer_count or "—",
            )
        )
    st.caption(
        page.md(
            "satisfaction.benchmark_source",
            period=fmt_period(latest["period"].iloc[0]),
            source=latest["source"].iloc[0] or "—",
        )
    )

tabs = st.tabs([t("satisfaction.patient"), t("satisfaction.staff")])
for tab, group in zip(tabs, ("patient", "staff"), strict=True):
    with tab:
        trend = queries.indicator_trend(ctx.campaign_id, group, ctx.period)
        if trend.empty:
            st.info(t("satisfaction.no_data"))
            continue
        trend = trend[trend["unit"] != "件"]
        trend = trend.assign(
            item=trend[item_col].fillna(trend["name"]), value=trend["value"].astype(float)
        )
        target = trend["target"].dropna().max() if trend["target"].notna().any() else None
        st.markdown(f"**{t('satisfaction.trend')}**")
        pivot = trend.pivot_table(index="item", columns="period", values="value").round(2)
        pivot.columns = [fmt_period(c) for c in pivot.columns]
        page.chart(
            charts.trend_with_target(trend, target, lang, y_title=t("col.value")),
            pivot.reset_index().rename(columns={"item": t("col.item")}),
            key=f"trend_{group}",
        )

        # each item's run chart (mean over departments, month by month)
        mine = histories[histories["group"] == group] if not histories.empty else histories
        if not mine.empty:
            st.markdown(f"**{t('runchart.item')}**")
            names = {
                int(i): local_name(one["name"].iloc[0], one["name_en"].iloc[0], lang)
                for i, one in mine.groupby("indicator_id", sort=False)
            }
            chosen = st.selectbox(
                t("col.item"),
                list(names),
                format_func=names.__getitem__,
                key=f"run_item_{group}_{lang}",
            )
            one = mine[mine["indicator_id"] == chosen]
            item_target = one["target"].iloc[0]
            runchart_view.show(
                one[["period", "value"]],
                key=f"run_{group}",
                method=method,
                higher_is_better=runcharts.higher_is_better(one["direction"].iloc[0]),
                y_title=t("col.value"),
                target=None if pd.isna(item_target) else float(item_target),
                lang=lang,
            )

        # every department with its answers, interval and rank
        departments = sat_stats.department_table(ctx.campaign_id, ctx.period, group, min_sample)
        if not departments.empty:
            st.markdown(f"**{t('stats.department_table')}**")
            st.caption(page.md("stats.department_help", n=min_sample))
            page.table(
                pd.DataFrame(
                    {
                        t("col.rank"): [_n(r) for r in departments["rank"]],
                        t("col.department"): departments[name_col],
                        t("col.value"): departments["value"].round(1),
                        t("stats.col_n"): [_n(n) for n in departments["n"]],
                        t("stats.col_interval"): tables.intervals(departments),
                        t("stats.col_sample"): [
                            "" if ok else t("stats.insufficient") for ok in departments["enough"]
                        ],
                    }
                ),
                hide_index=True,
                width="stretch",
            )

        values, heat_pivot, by_department, means = views.indicator_grid(
            ctx.campaign_id, ctx.period, group, lang
        )
        if values.empty:
            continue
        st.markdown(f"**{t('satisfaction.heatmap')}**")
        drawn = views.chart_focus(by_department, "value", keep_id=user.department_id)
        page.focus_note(
            len(by_department), user.department_id in set(by_department["department_id"])
        )
        page.chart(
            charts.department_heatmap(
                values,
                drawn,
                "item",
                name_col,
                "value",
                x_title=t("col.item"),
                value_title=t("col.value"),
                fmt=".1f",
                domain=(80, 100),
            ),
            heat_pivot,
            key=f"heat_{group}",
        )

        items = sat_stats.item_table(ctx.campaign_id, ctx.period, group)
        if not items.empty:
            st.markdown(f"**{t('stats.items')}**")
            page.table(
                pd.DataFrame(
                    {
                        t("col.item"): tables.local_names(items, "name", lang),
                        t("col.value"): items["value"].round(1),
                        t("stats.col_n"): [_n(n) for n in items["n"]],
                        t("stats.col_interval"): tables.intervals(items),
                        t("col.target"): items["target"],
                        t("stats.col_standing"): each(
                            lambda s, lang=None: t(f"stats.standing_{s}", lang), items["standing"]
                        ),
                    }
                ),
                hide_index=True,
                width="stretch",
            )
        lowest = sat_stats.lowest_items(items)
        st.markdown(f"**{t('stats.lowest_title')}**")
        st.caption(t("stats.lowest_help"))
        if lowest.empty:
            st.info(t("stats.none_below"))
            continue
        links = queries.tasks_for_indicators(tuple(int(i) for i in lowest["indicator_id"]))
        for r in lowest.itertuples(index=False):
            linked = links[links["indicator_id"] == r.indicator_id] if not links.empty else links
            tasks = page.md_join(
                "；",
                (
                    page.md("{code} {title}", code=x.code, title=x.title)
                    for x in linked.itertuples(index=False)
                ),
            )
            if r.change is None or pd.isna(r.change) or abs(r.change) < 0.005:
                icon = ":material/trending_flat:"
            elif r.change > 0:
                icon = ":material/trending_up:"
            else:
                icon = ":material/trending_down:"
            text = page.md(
                "stats.lowest_item",
                item=local_name(r.name, r.name_en, lang),
                value=f"{r.value:.2f}",
                gap=f"{r.value - r.target:+.2f}",
                n=_n(r.n),
                interval=tables.interval(r.low, r.high),
                change="—" if r.change is None or pd.isna(r.change) else f"{r.change:+.2f}",
            )
            st.markdown(page.md("- " + icon + " {text}", text=text))
            st.caption(
                page.md("satisfaction.linked_tasks", tasks=tasks)
                if tasks
                else t("satisfaction.no_linked_tasks")
            )

# item-level survey answers: the top-box share with n and intervals, and their import
survey_view.show_top_box(ctx.campaign_id, ctx.period, min_sample, lang)
if can(user.actor, "data.import"):
    survey_view.import_section(ctx.campaign_id, lang, user.actor)
    survey_view.imports_section(ctx.campaign_id, lang, user.actor)
