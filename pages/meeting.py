"""会议模式 Meeting mode: full-screen slides for the weekly and monthly meetings, frozen to
one period and one moment so the numbers do not move while the room is looking. The
slides are the deck's (:func:`lib.io.meeting.slide_plan`). The presentation view shows
nothing but the slide: the controls are hidden, ←/→, space, PageUp/PageDown move, Esc
leaves, and a small overlay in the bottom-right corner appears on hover."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable

import streamlit as st
import streamlit.components.v1 as components

from lib.domain import scoring
from lib.domain.clock import local_now
from lib.i18n import fmt_date, fmt_pct, fmt_period, local_col, status_label, t
from lib.io import meeting
from lib.io.deck import build_deck
from lib.read import views
from lib.ui import charts, page, state

# the slide's own style: a keyed container (class st-key-meeting_slide) holds every element
# of the slide, so the rules below reach them (1920 × 1080: body 32 px, numbers 88 px)
SLIDE_CSS = """
<style>
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"] {display: none;}
  [data-testid="stHeader"] {display: none;}
  .block-container {padding-top: 1.2rem; padding-bottom: 0; max-width: 100%;}
  .st-key-meeting_slide h1 {font-size: 3.6rem !important; line-height: 1.2;}
  .st-key-meeting_slide h3 {font-size: 2.4rem !important;}
  .st-key-meeting_slide p, .st-key-meeting_slide li {font-size: 2rem !important;
      line-height: 1.5;}
  .st-key-meeting_slide [data-testid="stMetric"] {padding: 1.6rem 0 1.2rem 0;}
  .st-key-meeting_slide [data-testid="stMetricValue"],
  .st-key-meeting_slide [data-testid="stMetricValue"] * {font-size: 6.5rem !important;
      line-height: 1.1; font-weight: 700;}
  .st-key-meeting_slide [data-testid="stMetricLabel"],
  .st-key-meeting_slide [data-testid="stMetricLabel"] * {font-size: 2.1rem !important;}
  .st-key-meeting_slide table.meeting-table {width: 100%; border-collapse: collapse;}
  .st-key-meeting_slide table.meeting-table th,
  .st-key-meeting_slide table.meeting-table td {font-size: 1.9rem; padding: 0.25rem 0.8rem;
      border-bottom: 1px solid #CFD8DC; text-align: left;}
  .st-key-meeting_slide table.meeting-table th {background: #1565C0; color: #fff;}
  .st-key-meeting_slide table.meeting-table td.num {text-align: right;
      font-variant-numeric: tabular-nums;}
  .st-key-meeting_cover {padding: 16vh 0 0 4vw;}
  .st-key-meeting_cover h1 {font-size: 4.6rem !important; color: #0D47A1;}
</style>
"""
# the presentation view: nothing but the slide; the overlay appears on hover
PRESENT_CSS = """
<style>
  .st-key-meeting_controls {display: none !important;}
  .block-container {padding: 0.8rem 2.5rem 0 2.5rem !important;}
  .st-key-meeting_overlay {position: fixed; right: 1rem; bottom: 0.8rem; z-index: 1000;
      width: auto !important; opacity: 0.08; transition: opacity 0.2s;
      background: rgba(255, 255, 255, 0.95); padding: 0.4rem 0.8rem; border-radius: 0.6rem;
      box-shadow: 0 2px 10px rgba(0, 0, 0, 0.2);}
  .st-key-meeting_overlay:hover {opacity: 1;}
  .st-key-meeting_overlay p {font-size: 0.9rem !important;}
</style>
"""
# ←/→, space, PageUp/PageDown and Esc press the (hidden) buttons of the page
KEYS_JS = """
<script>
// The handler is made in the page's own window (not in this frame's): Streamlit replaces
// this frame when the layout changes (e.g. entering the presentation view), and a handler
// belonging to a removed frame stops working while still registered. Each load replaces
// the previous handler, so there is always exactly one.
const doc = window.parent.document;
const body = `
  const el = e.target || {};
  const tag = el.tagName || "";
  const typing = el.isContentEditable || tag === "TEXTAREA" || tag === "SELECT" ||
    (tag === "INPUT" && !["checkbox", "radio", "button"].includes(el.type));
  if (typing) return;
  const keys = {ArrowRight: "meeting_next", " ": "meeting_next", PageDown: "meeting_next",
                ArrowLeft: "meeting_prev", PageUp: "meeting_prev", Escape: "meeting_exit"};
  const key = keys[e.key];
  if (!key) return;
  const button = document.querySelector(".st-key-" + key + " button");
  if (button) { e.preventDefault(); button.click(); }
`;
const handler = new doc.defaultView.Function("e", body);
if (doc.__meetingKeys) doc.removeEventListener("keydown", doc.__meetingKeys);
doc.__meetingKeys = handler;
doc.addEventListener("keydown", handler);
</script>
"""

pg = page.open("read.overview", campaign="today", css=SLIDE_CSS)
lang, campaign_id = pg.lang, pg.campaign_id
periods = list(reversed(views.campaign_periods(pg.view)))

# the meeting is frozen: period and moment are chosen once and kept for the session
frozen_period = state.MEETING_PERIOD(campaign_id)
frozen_moment = state.MEETING_AT(campaign_id)
slide = state.MEETING_SLIDE(campaign_id)
advanced_at = state.MEETING_ADVANCED_AT(campaign_id)
present = state.MEETING_PRESENT(campaign_id)


def _freeze(period: str) -> None:
    frozen_period.set(period)
    frozen_moment.set(local_now().replace(microsecond=0))
    slide.set(0)


if frozen_period.get() not in periods:
    remembered = state.PERIOD.get_or(periods[0])
    _freeze(remembered if remembered in periods else periods[0])

presenting = bool(present.get_or(False))
if presenting:
    st.markdown(PRESENT_CSS, unsafe_allow_html=True)


@st.cache_data(show_spinner=False, max_entries=16, ttl=6 * 3600)
def frozen_data(campaign_id: int, period: str, lang: str, frozen_at: dt.datetime):  # type: ignore[no-untyped-def]
    """Keyed by the moment the meeting was frozen, not by the data version: later
    writes do not change what the room sees."""
    ctx = views.context(campaign_id, frozen_at.date(), period)
    assert ctx is not None
    data = meeting.meeting_data(ctx, lang)
    return data


def _move(step: int, total: int) -> None:
    slide.set((slide.get_or(0) + step) % total)


def _stop_presenting() -> None:
    present.set(False)


controls = st.container(key="meeting_controls")
with controls:
    top = st.columns([2, 2, 2, 2, 1, 1])
    top[0].page_link("pages/overview.py", label="← " + t("page.overview"))
    chosen = top[1].selectbox(
        t("meeting.freeze"),
        periods,
        format_func=fmt_period,
        index=periods.index(frozen_period.get_or(periods[0])),
    )
    if chosen != frozen_period.get():
        _freeze(chosen)
    auto = top[2].number_input(t("meeting.auto"), min_value=0, max_value=600, value=0, step=5)
    top[3].toggle(t("meeting.present"), key=present.key, help=t("meeting.present_hint"))

frozen_at = frozen_moment.get_or(local_now().replace(microsecond=0))
data = frozen_data(campaign_id, frozen_period.get_or(chosen), lang, frozen_at)
ctx = data.ctx
SLIDES = meeting.slide_plan(data)

with controls:
    if top[4].button(t("meeting.prev"), key="meeting_prev", width="stretch"):
        _move(-1, len(SLIDES))
    if top[5].button(t("meeting.next"), key="meeting_next", width="stretch"):
        _move(1, len(SLIDES))
    components.html(KEYS_JS, height=0)


def _table(heads: list[str], rows: list[list[tuple[str, str]]]) -> None:
    """An HTML table in the slide's type; cells are (text, css) with the text escaped."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in heads)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="{cls.split(";")[0]}" style="{cls.partition(";")[2]}">{html.escape(v)}</td>'
            for v, cls in row
        )
        + "</tr>"
        for row in rows
    )
    st.html(f'<table class="meeting-table"><tr>{head}</tr>{body}</table>')


def _status_css(status: str) -> str:
    colour = scoring.STATUS_COLOURS[status]
    text = "#fff" if colour in ("#2E7D32", "#EF6C00", "#C62828", "#9E9E9E") else "#212121"
    return f"status;background:{colour};color:{text};text-align:center"


def _title_slide(_key: str) -> None:
    lines = [
        t("meeting.title_period", lang, period=fmt_period(ctx.period, lang)),
        t("meeting.as_of", lang, date=fmt_date(ctx.at, lang)),
        ctx.header.organiser or "",
    ]
    with st.container(key="meeting_cover"):
        st.title(page.md_escape(data.title))
        st.html("".join(f"<p>{html.escape(x)}</p>" for x in lines if x))


def _headline_slide(_key: str) -> None:
    st.title(t("meeting.slide_headline"))
    pairs = meeting.headline(data)
    if not pairs:
        st.info(t("overview.no_tasks"))
    for row in range(0, len(pairs), 3):
        cols = st.columns(3)
        for col, (label, value) in zip(cols, pairs[row : row + 3], strict=False):
            col.metric(label, value)


def _phases_slide(_key: str) -> None:
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
        timeline = charts.phase_timeline(phases, ctx.at, lang, marker_size=28, bar_height=48)
        st.altair_chart(charts.large(timeline, height=560), width="stretch")


def _runchart_slide(_key: str) -> None:
    st.title(t("meeting.slide_runchart"))
    lines = meeting.run_lines(data)
    if data.run is None:
        st.info(lines[0])
        return
    chart_col, words_col = st.columns([2, 1], gap="large")
    chart = charts.run_chart(
        data.run.frame, data.run.analysis, lang, y_title=t("overview.completion")
    )
    with chart_col:
        st.altair_chart(
            charts.large(chart, height=600).configure_legend(
                orient="bottom", labelFontSize=24, symbolSize=300, labelLimit=400
            ),
            width="stretch",
        )
    method = t(f"runchart.method_{data.run.method}")
    words_col.markdown(page.md("### {text}", text=t("meeting.runchart_signals", method=method)))
    words_col.markdown(page.md_join("\n", (page.md("- {line}", line=line) for line in lines)))


def _ranking_slide(key: str) -> None:
    name_col = data.name_col
    number = int(key.split(":", 1)[1])
    pages = meeting.ranking_pages(data)
    st.title(
        page.md("meeting.ranking_page", page=number + 1, pages=pages)
        if pages > 1
        else page.md("meeting.slide_ranking")
    )
    if data.ranking.empty:
        st.info(t("meeting.no_ranking"))
        return
    ranked = data.ranking.assign(dept_status=meeting.department_statuses(data))
    rows = ranked.iloc[number * meeting.RANK_ROWS : (number + 1) * meeting.RANK_ROWS]
    _table(
        [
            t("meeting.col_rank"),
            t("col.department"),
            t("meeting.col_score"),
            t("meeting.col_completion"),
            t("col.expected"),
            t("meeting.col_status"),
        ],
        [
            [
                (str(int(r.rank)), "num;"),
                (str(getattr(r, name_col)), ";"),
                (f"{r.composite:.2f}", "num;font-weight:700"),
                (fmt_pct(r.completion), "num;"),
                (fmt_pct(r.expected), "num;"),
                (status_label(r.dept_status), _status_css(r.dept_status)),
            ]
            for r in rows.itertuples(index=False)
        ],
    )


def _honours_slide(_key: str) -> None:
    name_col = data.name_col
    st.title(t("meeting.slide_honours"))
    left, right = st.columns(2)
    for col, frame, title_key, count_key in (
        (left, data.commend, "ranking.commend", "commend_count"),
        (right, data.laggard, "ranking.laggard", "laggard_count"),
    ):
        lines = page.md_join(
            "\n\n",
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


def _lagging_slide(_key: str) -> None:
    st.title(t("meeting.slide_lagging"))
    rows = data.lagging.head(8)
    if rows.empty:
        st.success(t("overview.no_lagging"))
        return
    depts_col = local_col("departments")
    _table(
        [t("col.task"), t("col.departments"), t("col.progress"), t("col.status")],
        [
            [
                (f"{r.code} {r.title}", ";"),
                (str(getattr(r, depts_col)), ";"),
                (f"{r.percent:.0f}%", "num;"),
                (status_label(r.status), _status_css(r.status)),
            ]
            for r in rows.itertuples(index=False)
        ],
    )


def _satisfaction_slide(_key: str) -> None:
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
        st.altair_chart(
            charts.large(chart, height=640).configure_legend(
                orient="bottom", labelFontSize=24, symbolSize=300, labelLimit=400
            ),
            width="stretch",
        )


def _spotlight_slide(key: str) -> None:
    name_col = data.name_col
    dept_id = int(key.split(":", 1)[1])
    row = data.ranking[data.ranking["department_id"] == dept_id].iloc[0]
    st.title(t("meeting.slide_spotlight", name=page.md_escape(row[name_col])))
    figures, tasks = st.columns([3, 2], gap="large")
    with figures:
        pairs = meeting.spotlight_figures(data, dept_id)
        for i in range(0, len(pairs), 3):
            cols = st.columns(3)
            for col, (label, value) in zip(cols, pairs[i : i + 3], strict=False):
                col.metric(label, value)
    with tasks:
        st.markdown(f"### {t('meeting.slide_lagging')}")
        late = meeting.spotlight_tasks(data, dept_id)
        lines = page.md_join(
            "\n",
            (
                page.md(
                    "- {code} {title} · {percent}% · :"
                    + ("red" if r.status == "overdue" else "orange")
                    + "[{status}]",
                    code=r.code,
                    title=r.title,
                    percent=f"{r.percent:.0f}",
                    status=status_label(r.status),
                )
                for r in late.itertuples(index=False)
            ),
        )
        st.markdown(lines or page.md("overview.no_lagging"))


def _roll_slide(_key: str) -> None:
    st.title(page.md_escape(data.roll["title"]))
    st.caption(page.md_escape(data.roll["subtitle"]))
    st.markdown(
        page.md_join(
            "\n",
            (
                page.md("- **{name}** {reasons}", name=name, reasons=reasons)
                for name, reasons in data.roll["lines"]
            ),
        )
    )


def _closing_slide(_key: str) -> None:
    st.title(t("meeting.closing"))
    st.markdown(page.md_escape(data.title))


DRAWERS: dict[str, Callable[[str], None]] = {
    "title": _title_slide,
    "headline": _headline_slide,
    "phases": _phases_slide,
    "runchart": _runchart_slide,
    "ranking": _ranking_slide,
    "honours": _honours_slide,
    "lagging": _lagging_slide,
    "satisfaction": _satisfaction_slide,
    "spot": _spotlight_slide,
    "roll": _roll_slide,
    "closing": _closing_slide,
}


def show(key: str) -> None:
    """The slide ``key`` (a name, or ``ranking:<page>`` / ``spot:<department id>``)."""
    name, _sep, _arg = key.partition(":")
    if name == "roll" and not data.roll:
        return
    slide = DRAWERS.get(name)
    if slide is not None:
        slide(key)


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
    with st.container(key="meeting_slide"):
        show(SLIDES[index])
    if not presenting:
        st.caption(
            page.md(
                "{slide} · {frozen}",
                slide=t("meeting.slide_of", n=index + 1, total=len(SLIDES)),
                frozen=t("meeting.frozen_at", date=frozen_at.strftime("%Y-%m-%d %H:%M")),
            )
        )


slide_area()

if presenting:  # outside the fragment: leaving the view redraws the whole page
    with st.container(key="meeting_overlay", horizontal=True):
        st.button("◀", key="meeting_prev_overlay", on_click=_move, args=(-1, len(SLIDES)))
        st.button("▶", key="meeting_next_overlay", on_click=_move, args=(1, len(SLIDES)))
        st.button(t("meeting.exit_present"), key="meeting_exit", on_click=_stop_presenting)
        st.caption(
            page.md("meeting.slide_of", n=slide.get_or(0) % len(SLIDES) + 1, total=len(SLIDES))
        )

with controls:
    st.caption(t("meeting.exit_hint") + " " + t("meeting.present_hint"))

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
