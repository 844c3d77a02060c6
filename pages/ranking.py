"""排名 Ranking: composite score with rank and movement, rank over months, the score's
components, and the commend and laggard lists (红黑榜), with the weights shown."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from lib.domain import scoring
from lib.i18n import local_col, t
from lib.read import views
from lib.ui import charts, page

pg = page.open("read.all", title="page.ranking", campaign="view")
ctx, user, lang = pg.view, pg.user, pg.lang
name_col = local_col("department")

ranked = views.ranking(ctx)
if ranked.empty:
    st.info(t("overview.no_tasks"))
    st.stop()

weights = ctx.settings["weights"]
rules = ctx.settings["deductions"]
total = sum(float(weights.get(c, 0)) for c in scoring.COMPONENTS) or 1
st.info(
    t(
        "ranking.weights",
        completion=f"{100 * float(weights['completion']) / total:.0f}%",
        timeliness=f"{100 * float(weights['timeliness']) / total:.0f}%",
        satisfaction=f"{100 * float(weights['satisfaction']) / total:.0f}%",
        inspection=f"{100 * float(weights['inspection']) / total:.0f}%",
        per_complaint=f"{rules['per_complaint']:g}",
        per_overdue=f"{rules['per_overdue']:g}",
        max=f"{rules['max']:g}",
    )
)

highlight = None
own = user.department_id is not None and user.department_id in set(ranked["department_id"])
if own:
    highlight = ranked.loc[ranked["department_id"] == user.department_id, name_col].iloc[0]
# a city or province has hundreds of units: charts draw the best and worst (and your own)
drawn = views.chart_focus(ranked, "rank", ascending=True, keep_id=user.department_id)

commend, laggard = views.honour_lists(ctx, ranked)
left, right = st.columns(2)


def _honour_list(title: str, df: pd.DataFrame) -> page.Markdown:
    lines = page.md_numbered(
        "\n",
        "{i}. **{name}** — {score} · {rank}",
        df.itertuples(index=False),
        lambda r: {
            "name": getattr(r, name_col),
            "score": f"{r.composite:.2f}",
            "rank": t("ranking.rank_of", rank=int(r.rank), total=len(ranked)),
        },
    )
    return page.md("**{title}**\n\n{lines}", title=title, lines=lines)


with left:
    st.success(
        _honour_list(t("ranking.commend", count=int(ctx.settings["commend_count"])), commend)
    )
with right:
    st.warning(
        _honour_list(t("ranking.laggard", count=int(ctx.settings["laggard_count"])), laggard)
    )


def _floats(values: pd.Series) -> Any:
    """A column as floats, missing values NaN (NaN != NaN tells them apart without a
    pandas call per row: a province has 3 000 units)."""
    return values.to_numpy(dtype=float, na_value=np.nan)


def _fmt(values: pd.Series) -> list[str]:
    return ["—" if v != v else f"{v:.1f}" for v in _floats(values)]


table = pd.DataFrame(
    {
        t("col.rank"): ranked["rank"],
        t("col.department"): ranked[name_col],
        t("col.composite"): ranked["composite"],
        t("col.movement"): ["—" if m != m else f"{int(m):+d}" for m in _floats(ranked["movement"])],
        t("component.completion"): _fmt(ranked["completion"]),
        t("component.timeliness"): _fmt(ranked["timeliness"]),
        t("component.satisfaction"): _fmt(ranked["satisfaction"]),
        t("component.inspection"): _fmt(ranked["inspection"]),
        t("col.deductions"): ranked["deductions"].round(1),
    }
)

tab_score, tab_bump, tab_parts = st.tabs(
    [t("ranking.tab_score"), t("ranking.tab_history"), t("ranking.tab_components")]
)
with tab_score:
    page.focus_note(len(ranked), own)
    page.chart(charts.ranking_bars(drawn, lang, highlight), table, key="ranking")
with tab_bump:
    history = views.rank_history(ctx)
    if history.empty or history["period"].nunique() < 2:
        st.info(t("ranking.no_history"))
    else:
        pivot = views.rank_history_table(ctx, name_col, t("col.department"), lang)
        page.focus_note(len(ranked), own)
        lines = history[history["department_id"].isin(set(drawn["department_id"]))]
        if len(drawn) == len(ranked):
            page.chart(charts.bump_chart(lines, lang, highlight), pivot, key="bump")
        else:  # the best and worst of many: a grid of ranks, lines would bunch
            st.caption(t("ranking.grid_note", total=len(ranked)))
            order = drawn.sort_values(["rank", name_col])[name_col].tolist()
            grid = charts.rank_grid(lines, len(ranked), lang, highlight, order)
            page.chart(grid, pivot, key="bump")
with tab_parts:
    page.focus_note(len(ranked), own)
    page.chart(charts.component_breakdown(drawn, weights, lang), table, key="parts")
st.caption(t("ranking.method"))
