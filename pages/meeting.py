"""会议模式 Meeting mode: full-screen slides for the weekly and monthly meetings, frozen to
one period and one moment so the numbers do not move while the room is looking."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from lib.domain.clock import local_now
from lib.i18n import fmt_date, fmt_period, local_col, status_label, t
from lib.io import meeting
from lib.io.deck import build_deck
from lib.read import views
from lib.ui import charts, page, state

FULL_SCREEN = """
<style>
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"] {display: none;}
  [data-testid="stHeader"] {display: none;}
  .block-container {padding-top: 1.2rem; max-width: 100%;}
  h1 {font-size: 3.2rem !important; line-height: 1.2;}
  .meeting p, .meeting li {font-size: 1.9rem; line-height: 1.6;}
  [data-testid="stMetricValue"] {font-size: 4rem;}
  [data-testid="stMetricLabel"] p {font-size: 1.6rem;}
</style>
"""
pg = page.open("read.overview", campaign="today", css=FULL_SCREEN)
lang, campaign_id = pg.lang, pg.campaign_id
periods = list(reversed(views.campaign_periods(pg.view)))

# the meeting is frozen: period and moment are chosen once and kept for the session
frozen_period = state.MEETING_PERIOD(campaign_id)
frozen_moment = state.MEETING_AT(campaign_id)
slide = state.MEETING_SLIDE(campaign_id)
advanced_at = state.MEETING_ADVANCED_AT(campaign_id)


def _freeze(period: str) -> None:
    frozen_period.set(period)
    frozen_moment.set(local_now().replace(microsecond=0))
    slide.set(0)


if frozen_period.get() not in periods:
    remembered = state.PERIOD.get_or(periods[0])
    _freeze(remembered if remembered in periods else periods[0])

top = st.columns([3, 2, 2, 1, 1])
with top[0]:
    st.page_link("pages/overview.py", label="← " + t("page.overview"))
chosen = top[1].selectbox(
    t("meeting.freeze"),
    periods,
    format_func=fmt_period,
    index=periods.index(frozen_period.get_or(periods[0])),
)
if chosen != frozen_period.get():
    _freeze(chosen)
frozen_at = frozen_moment.get_or(local_now().replace(microsecond=0))
auto = top[2].number_input(t("meeting.auto"), min_value=0, max_value=600, value=0, step=5)


@st.cache_data(show_spinner=False, max_entries=16, ttl=6 * 3600)
def frozen_data(campaign_id: int, period: str, lang: str, frozen_at: dt.datetime):  # type: ignore[no-untyped-def]
    """Keyed by the moment the meeting was frozen, not by the data version: later
    writes do not change what the room sees."""
    ctx = views.context(campaign_id, frozen_at.date(), period)
    assert ctx is not None
    data = meeting.meeting_data(ctx, lang)
    return data


data = frozen_data(campaign_id, frozen_period.get_or(chosen), lang, frozen_at)
ctx = data.ctx
spotlights = meeting.spotlight_departments(data)
SLIDES = [
    "title",
    "headline",
    "phases",
    "ranking",
    "honours",
    "lagging",
    "satisfaction",
    *[f"spot:{d}" for d in spotlights],
]

with top[3]:
    if st.button(t("meeting.prev"), key="meeting_prev", width="stretch"):
        slide.set((slide.get_or(0) - 1) % len(SLIDES))
with top[4]:
    if st.button(t("meeting.next"), key="meeting_next", width="stretch"):
        slide.set((slide.get_or(0) + 1) % len(SLIDES))


def show(slide: str) -> None:
    name_col = data.name_col
    st.markdown('<div class="meeting">', unsafe_allow_html=True)
    if slide == "title":
        st.title(page.md_escape(data.title))
        st.markdown(t("meeting.title_period", lang, period=fmt_period(ctx.period, lang)))
        st.markdown(
            page.md(
                "{organiser} · {date}",
                organiser=ctx.header.organiser or "",
                date=fmt_date(ctx.today, lang),
            )
        )
    elif slide == "headline":
        st.title(t("meeting.slide_headline"))
        pairs = meeting.headline(data)
        if not pairs:
            st.info(t("overview.no_tasks"))
        for row in range(0, len(pairs), 3):
            cols = st.columns(3)
            for col, (label, value) in zip(cols, pairs[row : row + 3], strict=False):
                col.metric(label, value)
    elif slide == "phases":
        st.title(t("meeting.slide_phases"))
        st.markdown(
            page.md(
                "**{phase}** · {days}",
                phase=meeting.current_phase_name(ctx, lang),
                days=meeting.days_text(ctx, lang),
            )
        )
        phases = views.phase_timeline(ctx.header, lang)
        if not phases.empty:
            st.altair_chart(
                charts.large(charts.phase_timeline(phases, ctx.today, lang), step=70),
                width="stretch",
            )
    elif slide == "ranking":
        st.title(t("meeting.slide_ranking"))
        if data.ranking.empty:
            st.info(t("meeting.no_ranking"))
        else:
            st.altair_chart(
                charts.large(
                    charts.ranking_bars(data.ranking.head(15), lang, text_size=22), step=40
                ),
                width="stretch",
            )
    elif slide == "honours":
        st.title(t("meeting.slide_honours"))
        left, right = st.columns(2)
        for col, frame, title_key, count_key in (
            (left, data.commend, "ranking.commend", "commend_count"),
            (right, data.laggard, "ranking.laggard", "laggard_count"),
        ):
            lines = page.md_join(
                "\n",
                (
                    page.md(
                        "{i}. **{name}** {score}",
                        i=i,
                        name=getattr(r, name_col),
                        score=f"{r.composite:.2f}",
                    )
                    for i, r in enumerate(frame.itertuples(index=False), start=1)
                ),
            )
            col.markdown(
                page.md(
                    "### {title}\n\n{lines}",
                    title=t(title_key, count=int(ctx.settings[count_key])),
                    lines=lines or "—",
                )
            )
    elif slide == "lagging":
        st.title(t("meeting.slide_lagging"))
        rows = data.lagging.head(8)
        if rows.empty:
            st.success(t("overview.no_lagging"))
        for r in rows.itertuples(index=False):
            depts = getattr(r, local_col("departments"))
            colour = "red" if r.status == "overdue" else "orange"
            st.markdown(
                page.md(
                    "- {code} {title}（{depts}）· {percent}% · :" + colour + "[{status}]",
                    code=r.code,
                    title=r.title,
                    depts=depts,
                    percent=f"{r.percent:.0f}",
                    status=status_label(r.status),
                )
            )
    elif slide == "satisfaction":
        st.title(t("meeting.slide_satisfaction"))
        if data.satisfaction.empty:
            st.info(t("overview.no_satisfaction"))
        else:
            trend = data.satisfaction.assign(
                item=data.satisfaction[local_col("name")].fillna(data.satisfaction["name"]),
                value=data.satisfaction["value"].astype(float),
            )
            target = trend["target"].dropna().max() if trend["target"].notna().any() else None
            chart = charts.trend_with_target(trend, target, lang, t("col.value"))
            st.altair_chart(charts.large(chart, height=520), width="stretch")
    elif slide.startswith("spot:"):
        dept_id = int(slide.split(":", 1)[1])
        row = data.ranking[data.ranking["department_id"] == dept_id].iloc[0]
        st.title(page.md("meeting.slide_spotlight", name=row[name_col]))
        st.markdown(
            page.md_join(
                "\n",
                (page.md("- {line}", line=line) for line in meeting.spotlight_lines(data, dept_id)),
            )
        )
    st.markdown("</div>", unsafe_allow_html=True)


@st.fragment(run_every=dt.timedelta(seconds=int(auto)) if auto else None)
def slide_area() -> None:
    """The current slide; with auto-advance on, it moves on every ``auto`` seconds."""
    now = local_now()
    last = advanced_at.get()
    if auto and last is not None and (now - last).total_seconds() >= auto - 0.5:
        slide.set((slide.get_or(0) + 1) % len(SLIDES))
        advanced_at.set(now)
    elif last is None or not auto:
        advanced_at.set(now)
    index = slide.get_or(0) % len(SLIDES)
    show(SLIDES[index])
    st.caption(
        page.md(
            "{slide} · {frozen}",
            slide=t("meeting.slide_of", n=index + 1, total=len(SLIDES)),
            frozen=t("meeting.frozen_at", date=frozen_at.strftime("%Y-%m-%d %H:%M")),
        )
    )


slide_area()
st.caption(t("meeting.exit_hint"))


@st.cache_data(show_spinner=False, max_entries=8, ttl=6 * 3600)
def frozen_deck(campaign_id: int, period: str, lang: str, frozen_at: dt.datetime) -> bytes:
    """The same frozen slides as an editable PowerPoint file."""
    return build_deck(frozen_data(campaign_id, period, lang, frozen_at))


if st.toggle(t("meeting.prepare_deck"), key=f"meeting_{campaign_id}_deck"):
    with st.spinner(t("reports.building")):
        deck = frozen_deck(campaign_id, ctx.period, lang, frozen_at)
    st.download_button(
        t("meeting.download_deck"),
        data=deck,
        file_name=f"meeting_{campaign_id}_{ctx.period}_{lang}.pptx",
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
    )
