"""Pure chart builders: DataFrame -> altair.Chart, one theme, one colour per status."""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd

from lib.i18n import current_lang, status_label, t
from lib.scoring import STATUS_COLOURS, STATUSES

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
NEUTRAL = "#90A4AE"
ACCENT = "#1565C0"


def themed(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Apply the product's font and quiet axes."""
    return (
        chart.configure(font=FONT)
        .configure_axis(labelFontSize=13, titleFontSize=13, grid=False)
        .configure_legend(labelFontSize=13, titleFontSize=13, orient="bottom")
        .configure_view(stroke=None)
    )


def status_scale(lang: str | None = None) -> alt.Scale:
    """Colour scale mapping translated status labels to the fixed status colours."""
    return alt.Scale(
        domain=[status_label(s, lang) for s in STATUSES],
        range=[STATUS_COLOURS[s] for s in STATUSES],
    )


def status_bar(counts: pd.DataFrame, lang: str | None = None) -> alt.TopLevelMixin:
    """Horizontal bar per status; ``counts`` has columns status, count."""
    df = counts.copy()
    df["label"] = [status_label(s, lang) for s in df["status"]]
    order = [status_label(s, lang) for s in STATUSES]
    base = alt.Chart(df).encode(
        y=alt.Y("label:N", sort=order, title=None),
        x=alt.X("count:Q", title=t("col.count", lang), axis=alt.Axis(tickMinStep=1)),
    )
    bars = base.mark_bar(cornerRadiusEnd=3).encode(
        color=alt.Color("label:N", scale=status_scale(lang), legend=None),
        tooltip=[
            alt.Tooltip("label:N", title=t("col.status", lang)),
            alt.Tooltip("count:Q", title=t("col.count", lang)),
        ],
    )
    text = base.mark_text(align="left", dx=4, fontSize=13).encode(text="count:Q")
    return themed((bars + text).properties(height=alt.Step(28)))


def _day_format(lang: str | None) -> str:
    """d3 time format for axis ticks: 3月15日 / 15 Mar."""
    return "%-m月%-d日" if (lang or current_lang()) == "zh" else "%-d %b"


def phase_timeline(
    phases: pd.DataFrame, today: dt.date, lang: str | None = None
) -> alt.TopLevelMixin:
    """Gantt of the campaign's phases with a today marker; ``phases`` has name/start/end."""
    df = phases.copy()
    df["end_excl"] = pd.to_datetime(df["end"]) + pd.Timedelta(days=1)
    df["start"] = pd.to_datetime(df["start"])
    df["current"] = (df["start"] <= pd.Timestamp(today)) & (df["end_excl"] > pd.Timestamp(today))
    bars = (
        alt.Chart(df)
        .mark_bar(cornerRadius=3, height=26)
        .encode(
            x=alt.X("start:T", title=None, axis=alt.Axis(format=_day_format(lang), labelAngle=0)),
            x2="end_excl:T",
            y=alt.Y("name:N", sort=None, title=None),
            color=alt.condition("datum.current", alt.value(ACCENT), alt.value(NEUTRAL)),
            tooltip=[
                alt.Tooltip("name:N", title=t("col.phase", lang)),
                alt.Tooltip("start:T", title=t("col.start", lang), format="%Y-%m-%d"),
                alt.Tooltip("end:N", title=t("col.end", lang)),
            ],
        )
    )
    marker = pd.DataFrame({"today": [pd.Timestamp(today)], "label": [t("overview.today", lang)]})
    rule = alt.Chart(marker).mark_rule(color="#C62828", strokeWidth=2).encode(x="today:T")
    label = (
        alt.Chart(marker)
        .mark_text(color="#C62828", dy=-8, fontSize=12, fontWeight="bold", baseline="bottom")
        .encode(x="today:T", text="label:N", y=alt.value(0))
    )
    return themed((bars + rule + label).properties(height=alt.Step(34)))
