"""A run chart on a page: the chart (with its data table one click away), an XmR
switch, and the signals listed in words under it (issue 21)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.domain import runchart
from lib.i18n import each, fmt_period, t
from lib.read import runcharts
from lib.ui import charts, page


def show(
    series: pd.DataFrame,
    *,
    key: str,
    method: str = "ihi",
    higher_is_better: bool | None = True,
    y_title: str = "",
    target: float | None = None,
    lang: str | None = None,
) -> runchart.Analysis | None:
    """Draw the run chart of ``series`` (period, value) and list its signals; None (and
    a note) when there is nothing to draw."""
    if series.empty:
        st.info(t("runchart.no_data"))
        return None
    xmr = st.toggle(t("runchart.show_xmr"), key=f"xmr_{key}")
    analysis = runcharts.read_series(
        series, method=method, higher_is_better=higher_is_better, xmr=xmr
    )
    data = runcharts.chart_frame(series, analysis)
    table = pd.DataFrame(
        {
            t("col.period"): each(fmt_period, data["period"]),
            t("col.value"): data["value"].round(2),
            t("runchart.signal"): [t(f"runchart.kind_{k or 'none'}") for k in data["signal"]],
        }
    )
    page.chart(
        charts.run_chart(data, analysis, lang, y_title=y_title, target=target), table, key=key
    )
    method_label = t(f"runchart.method_{method}")
    texts = runcharts.signal_texts(series, analysis, lang)
    if texts:
        st.markdown(
            page.md("**{text}**", text=t("runchart.signals_with_method", method=method_label))
        )
        for text in texts:
            st.markdown(f"- {page.md_escape(text)}")
    else:
        st.caption(
            page.md(
                "{text} · {method}",
                text=runcharts.quiet_text(len(series), lang),
                method=method_label,
            )
        )
    return analysis
