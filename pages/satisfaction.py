"""满意度 Satisfaction: item trends against target (patients and staff), department ×
item heat map, the lowest items with the rectification tasks linked to them, and the
peer benchmark (score, rate, rank among N peers)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.i18n import fmt_period, local_col, t
from lib.read import queries, views
from lib.ui import charts, page

pg = page.open("read.all", title="page.satisfaction", campaign="view")
ctx, user, lang = pg.view, pg.user, pg.lang
name_col, item_col = local_col("department"), local_col("name")

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
            charts.heatmap(
                values[values["department_id"].isin(set(drawn["department_id"]))],
                "item",
                name_col,
                "value",
                x_title=t("col.item"),
                y_title=t("col.department"),
                value_title=t("col.value"),
                fmt=".1f",
                domain=(80, 100),
            ),
            heat_pivot,
            key=f"heat_{group}",
        )

        lowest = means.head(3)
        st.markdown(f"**{t('satisfaction.lowest')}**")
        links = queries.tasks_for_indicators(tuple(int(i) for i in lowest["indicator_id"]))
        for r in lowest.itertuples(index=False):
            gap = f"{r.value - r.target:+.2f}" if pd.notna(r.target) else "—"
            linked = links[links["indicator_id"] == r.indicator_id] if not links.empty else links
            tasks = page.md_join(
                "；",
                (
                    page.md("{code} {title}", code=x.code, title=x.title)
                    for x in linked.itertuples(index=False)
                ),
            )
            text = page.md("satisfaction.lowest_item", item=r.item, value=f"{r.value:.2f}", gap=gap)
            st.markdown(page.md("- :material/trending_down: {text}", text=text))
            st.caption(
                page.md("satisfaction.linked_tasks", tasks=tasks)
                if tasks
                else t("satisfaction.no_linked_tasks")
            )
