"""Shared Streamlit pieces used by app.py and the pages: language, sidebar, the page
opening (``open``), the save helpers (``save``, ``submit``), names in the user's
language, tables.

A page reads::

    pg = page.open("report.review", title="page.review", campaign="record")
    ...
    if st.button(t("review.approve")):
        page.submit(write.review_reports, pg.actor, ...,
                    flash=lambda count: t("review.done_approved", count=count))

``page.submit(service, actor, **fields)`` is ``page.save`` of one service call; a write that
does more in its transaction gives ``page.save`` a function of the session. Read-only
tables, downloads and other shared pieces are in ``lib/ui/tables.py`` and
``lib/ui/widgets.py``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

import pandas as pd
import streamlit as st

from lib.config import settings
from lib.db import session_scope
from lib.domain.permissions import Actor, can
from lib.i18n import (
    LANG_LABELS,
    LANGS,
    current_lang,
    fmt_period,
    join_list,
    local_name,
    role_label,
    t,
)
from lib.read import queries
from lib.read.campaigns import CampaignRecord
from lib.ui import state
from lib.ui.auth import CurrentUser

# the escaping rule (lib/ui/text.py), for pages as page.md(...), page.md_escape(...)
from lib.ui.text import Markdown as Markdown
from lib.ui.text import error_md as error_md
from lib.ui.text import md as md
from lib.ui.text import md_escape as md_escape
from lib.ui.text import md_join as md_join
from lib.ui.text import md_numbered as md_numbered
from lib.write import ServiceError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from lib.read.views import CampaignContext

T = TypeVar("T")

HIDE_DEPLOY_CSS = """
<style>
  [data-testid="stAppDeployButton"] {display: none;}
</style>
"""


# --- language ----------------------------------------------------------------------------


def localise_streamlit_widgets() -> None:
    """Streamlit draws a few words itself (the file uploader's "Upload" and size note);
    in Chinese mode CSS puts our words in their place."""
    if current_lang() != "zh":
        return
    st.markdown(
        f"""<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {{
  font-size: 0;
}}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {{
  content: "{t("upload.button")}"; font-size: 0.875rem;
}}
[data-testid="stFileUploaderDropzoneInstructions"] span {{ font-size: 0; }}
[data-testid="stFileUploaderDropzoneInstructions"] span::after {{
  content: "{t("upload.hint")}"; font-size: 0.875rem;
}}
</style>""",
        unsafe_allow_html=True,
    )


def init_language() -> None:
    if not state.LANG.is_set():
        state.LANG.set(settings().default_locale if _settings_ok() else "zh")


def _settings_ok() -> bool:
    try:
        settings()
    except Exception:
        return False
    return True


def _on_language_change() -> None:
    choice = state.LANG_SWITCH.get()
    if choice in LANGS:  # a click on the selected option deselects it: keep the language
        state.LANG.set(str(choice))
        state.resend_widget_values()  # choices on screen are shown again in this language


def language_switch() -> None:
    """中文 / English in the sidebar. ``state.LANG`` is plain session state, not a widget
    key, so it survives page changes."""
    if state.LANG_SWITCH.get() not in LANGS:
        state.LANG_SWITCH.pop()
    st.sidebar.segmented_control(
        t("sidebar.language"),
        options=list(LANGS),
        format_func=lambda code: LANG_LABELS[code],
        default=state.LANG.get_or("zh"),
        key=state.LANG_SWITCH.key,
        selection_mode="single",
        on_change=_on_language_change,
    )


# --- login page and sidebar --------------------------------------------------------------


def login_page_extras(demo_mode: bool) -> None:
    """Under the login form: what this is, and in demo mode the demo accounts."""
    st.caption(t("app.title") + " · " + t("app.subtitle"))
    if not demo_mode:
        st.caption(t("login.intro"))
        return
    from lib.demo import DEMO_PASSWORD

    st.info(md("login.demo_notice", password=DEMO_PASSWORD))
    rows = md_join(
        "\n",
        (
            md("- `{name}` — {role}", name=name, role=role_label(name))
            for name in ("admin", "office", "leader", "viewer")
        ),
    )
    st.markdown(md("**{title}**\n\n{rows}", title=t("login.demo_accounts"), rows=rows))
    st.markdown(
        t("login.demo_liaisons", examples="`liaison_office`、`liaison_dispatch`、`liaison_card`")
    )


def login_placeholder() -> None:
    """The only page registered before login (the form is drawn by app.py)."""


def _remembered_select(
    label: str,
    options: list[T],
    chosen: state.Slot[T],
    widget: state.Family[T],
    format_func: Callable[[T], str],
    where: Any,
) -> T:
    """A selectbox whose choice lives in plain session state (``chosen``), so it survives
    page changes; the widget key carries the language so its labels are redrawn on a
    switch. ``chosen`` must hold one of ``options``."""
    slot = widget(current_lang())
    current = chosen.get()
    if slot.get() != current:
        slot.pop()

    def _changed() -> None:
        chosen.set(slot.get())  # type: ignore[arg-type]

    where.selectbox(
        label,
        options,
        index=options.index(current),  # type: ignore[arg-type]
        format_func=format_func,
        key=slot.key,
        on_change=_changed,
    )
    return current  # type: ignore[return-value]


def sidebar(user: CurrentUser) -> None:
    """Campaign selector and who is logged in."""
    campaigns = queries.list_campaigns()
    with st.sidebar:
        if campaigns.empty:
            st.caption(t("sidebar.no_campaign"))
            state.CAMPAIGN_ID.set(None)
        else:
            ids = campaigns["id"].tolist()
            names = names_by_id(campaigns)
            if state.CAMPAIGN_ID.get() not in ids:
                own = (
                    queries.campaigns_of_department(user.department_id)
                    if user.department_id
                    else []
                )
                state.CAMPAIGN_ID.set(own[0] if own else ids[0])
            _remembered_select(
                t("sidebar.campaign"),
                ids,
                state.CAMPAIGN_ID,
                state.CAMPAIGN_SELECT,  # type: ignore[arg-type]
                lambda i: names[i],
                st,
            )
        state.PERIOD_SLOT.set(st.container())
        todo_badge(user)
        roles = join_list([role_label(r) for r in sorted(user.roles)])
        st.caption(md("sidebar.signed_in_as", name=user.display_name, roles=roles))


def todo_badge(user: CurrentUser) -> None:
    """The to-do count in the sidebar: a liaison's returned reports and unreported tasks
    (the number 我的待办 shows), the campaign office's reports waiting for review."""
    from lib.read import todo

    if user.roles & {"office", "admin"}:
        campaign_id = selected_campaign_id()
        waiting = todo.waiting_count(campaign_id) if campaign_id is not None else 0
        if waiting:
            st.markdown(md(":orange-badge[{text}]", text=md("home.badge_waiting", count=waiting)))
    elif "liaison" in user.roles and user.department_id is not None:
        count = todo.todo_count(user.department_id, queries.today())
        if count:
            st.markdown(md(":red-badge[{text}]", text=md("home.badge", count=count)))
        else:
            st.markdown(f":green-badge[{t('home.badge_none')}]")


def period_selector(periods: list[str]) -> str:
    """The period (month) to look at, in the sidebar. ``state.PERIOD`` is plain session
    state (not a widget key), so the choice is remembered across pages; it resets to the
    newest month when the campaign changes."""
    options = list(reversed(periods))
    if state.PERIOD.get() not in options:
        state.PERIOD.set(options[0])
    return str(
        _remembered_select(
            t("sidebar.period"),
            options,
            state.PERIOD,
            state.PERIOD_SELECT,
            fmt_period,
            state.PERIOD_SLOT.get() or st.sidebar,
        )
    )


# --- opening a page ----------------------------------------------------------------------


def current_user() -> CurrentUser:
    """The logged-in user (set by app.py); pages stop if there is none."""
    user = state.CURRENT_USER.get()
    if not isinstance(user, CurrentUser):
        st.stop()
    return user  # type: ignore[return-value]


def require_action(user: CurrentUser, action: str) -> None:
    if not can(user.actor, action):
        st.error(t("error.permission_denied"))
        st.stop()


def selected_campaign_id() -> int | None:
    value = state.CAMPAIGN_ID.get()
    return int(value) if value is not None else None


@dataclass(frozen=True)
class Opened:
    """What every page knows once open: who, in which language."""

    user: CurrentUser
    lang: str

    @property
    def actor(self) -> Actor:
        return self.user.actor


@dataclass(frozen=True)
class OpenedCampaign(Opened):
    """... and the campaign chosen in the sidebar."""

    campaign_id: int


@dataclass(frozen=True)
class OpenedRecord(OpenedCampaign):
    """... with its record: name, dates, report day, months (``campaigns.record``)."""

    campaign: CampaignRecord


@dataclass(frozen=True)
class OpenedView(OpenedCampaign):
    """... looked at for one month, as the dashboards see it (``views.context``)."""

    view: CampaignContext

    @property
    def period(self) -> str:
        return self.view.period


CampaignNeed = Literal["id", "record", "today", "view"]


@overload
def open(
    action: str, *, title: str | None = ..., campaign: None = ..., css: str | None = ...
) -> Opened: ...
@overload
def open(
    action: str, *, title: str | None = ..., campaign: Literal["id"], css: str | None = ...
) -> OpenedCampaign: ...
@overload
def open(
    action: str, *, title: str | None = ..., campaign: Literal["record"], css: str | None = ...
) -> OpenedRecord: ...
@overload
def open(
    action: str,
    *,
    title: str | None = ...,
    campaign: Literal["today", "view"],
    css: str | None = ...,
    title_if_empty: str | None = ...,
) -> OpenedView: ...
def open(
    action: str,
    *,
    title: str | None = None,
    campaign: CampaignNeed | None = None,
    css: str | None = None,
    title_if_empty: str | None = None,
) -> Opened:
    """The top of every page: the logged-in user, the permission guard (a refusal stops
    the page before anything else is drawn), the language, then what the page needs:

    - ``title``: the i18n key of the page title, drawn here with the flash message of the
      last save under it (:func:`save`);
    - ``campaign="id"``: the campaign chosen in the sidebar (none: "暂无活动");
    - ``campaign="record"``: and its record (none: "请先在左侧选择活动");
    - ``campaign="view"``: and the month chosen in the sidebar's period selector, as the
      dashboards see it; the title comes after it, with "campaign · month" under it
      (none: "还没有任何活动…", under ``title_if_empty`` if given);
    - ``campaign="today"``: the same for the current month, without the period selector.

    ``css`` is drawn right after the guard (the meeting mode's full-screen style)."""
    user = current_user()
    require_action(user, action)
    lang = current_lang()
    if css:
        st.markdown(css, unsafe_allow_html=True)
    if campaign in ("today", "view"):
        view = _campaign_view(pick_period=campaign == "view", title_if_empty=title_if_empty)
        if title:
            st.title(t(title))
            show_flash()
            st.caption(
                md(
                    "{campaign} · {period}",
                    campaign=campaign_name(view.header),
                    period=fmt_period(view.period),
                )
            )
        return OpenedView(user, lang, view.campaign_id, view)
    if title:
        st.title(t(title))
        show_flash()
    if campaign is None:
        return Opened(user, lang)
    campaign_id = selected_campaign_id()
    if campaign == "id":
        if campaign_id is None:
            _empty("sidebar.no_campaign")
        return OpenedCampaign(user, lang, campaign_id)  # type: ignore[arg-type]
    from lib.read import campaigns

    info = campaigns.record(campaign_id) if campaign_id is not None else None
    if campaign_id is None or info is None:
        _empty("rep.no_campaign")
    return OpenedRecord(user, lang, campaign_id, info)  # type: ignore[arg-type]


def _empty(message_key: str, title: str | None = None) -> None:
    """An explained empty page: stop here."""
    if title:
        st.title(t(title))
    st.info(t(message_key))
    st.stop()


def _campaign_view(pick_period: bool, title_if_empty: str | None) -> CampaignContext:
    """The selected campaign for the selected (or current) period, or stop explaining."""
    from lib.read import views

    campaign_id = selected_campaign_id()
    ctx = views.context(campaign_id, queries.today()) if campaign_id is not None else None
    if campaign_id is None or ctx is None:
        _empty("overview.no_campaign", title_if_empty)
        raise AssertionError  # unreachable: st.stop() raised
    if pick_period:
        period = period_selector(views.campaign_periods(ctx))
        if period != ctx.period:
            ctx = views.context(campaign_id, queries.today(), period)
            assert ctx is not None
    return ctx


# --- saving --------------------------------------------------------------------------------


def show_flash() -> None:
    """The success message of the last save, shown once (see :func:`save`)."""
    message = state.FLASH.pop()
    if message:
        st.success(message)


def run_write(
    run: Callable[[Session], T], *, on_error: Callable[[ServiceError], object] | None = None
) -> T | None:
    """``run(session)`` in one transaction. Refused (``ServiceError``): nothing is written,
    the message is shown in the user's language, ``on_error(exc)`` runs, and the answer is
    None. (:func:`save` is the usual way; this is for a page that shows the result itself.)"""
    try:
        with session_scope() as session:
            return run(session)
    except ServiceError as exc:
        st.error(error_md(exc, current_lang()))
        if on_error is not None:
            on_error(exc)
        return None


def save(
    run: Callable[[Session], T],
    *,
    flash: str | Callable[[T], str] | None = None,
    success: str | Callable[[T], str] | None = None,
    then: Callable[[T], object] | None = None,
    on_error: Callable[[ServiceError], object] | None = None,
) -> bool:
    """One write from a page: ``run(session)`` in one transaction.

    Refused (``ServiceError``): nothing is written, its message is shown here in the
    user's language, ``on_error(exc)`` runs (e.g. a reload button after a conflict), and
    the answer is False. Done: ``then(result)`` runs (e.g. clear the form); then, with
    ``success``, that message is shown here and the answer is True; without it the page
    runs again from the stored data, with ``flash`` (if any) shown once under its title.
    Messages may be functions of ``run``'s result (a count, a new code)."""
    refused = False

    def _refused(exc: ServiceError) -> None:
        nonlocal refused
        refused = True
        if on_error is not None:
            on_error(exc)

    result = run_write(run, on_error=_refused)
    if refused:
        return False
    if then is not None:
        then(result)  # type: ignore[arg-type]
    if success is not None:
        st.success(success(result) if callable(success) else success)  # type: ignore[arg-type]
        return True
    if flash is not None:
        state.FLASH.set(flash(result) if callable(flash) else flash)  # type: ignore[arg-type]
    st.rerun()


def submit(
    service: Callable[..., T],
    actor: Actor,
    /,
    *,
    flash: str | Callable[[T], str] | None = None,
    success: str | Callable[[T], str] | None = None,
    then: Callable[[T], object] | None = None,
    on_error: Callable[[ServiceError], object] | None = None,
    **fields: Any,
) -> bool:
    """One write service called by ``actor`` from a page, as :func:`save` does it:
    ``service(actor=actor, session=session, **fields)`` in one transaction, with the same
    ``flash``, ``success``, ``then`` and ``on_error``::

        page.submit(rec.save_staff, actor, name=name, post=post, flash=t("staff.saved"))
    """
    return save(
        lambda session: service(actor=actor, session=session, **fields),
        flash=flash,
        success=success,
        then=then,
        on_error=on_error,
    )


# --- names in the user's language ----------------------------------------------------------


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def names_by_id(frame: pd.DataFrame, id_col: str = "id", name: str = "name") -> dict[int, str]:
    """``{id: name}`` in the user's language (``lib.i18n.local_name``) for a frame with
    ``<name>`` and ``<name>_en`` columns (departments, campaigns)."""
    lang = current_lang()
    return {
        int(i): local_name(_text(n), _text(e), lang)
        for i, n, e in zip(frame[id_col], frame[name], frame[f"{name}_en"], strict=True)
    }


def campaign_name(header: CampaignRecord) -> Markdown:
    """The campaign's name in the current language, escaped for Markdown."""
    return md("{name}", name=local_name(header.name, header.name_en))


# --- charts and tables ---------------------------------------------------------------------


def focus_note(total: int, own: bool = False) -> None:
    """Say that a chart draws only the best and worst units (see views.chart_focus)."""
    from lib.read.views import CHART_DEPARTMENTS

    if total > CHART_DEPARTMENTS:
        st.caption(
            md(
                "chart.focus",
                n=CHART_DEPARTMENTS // 2,
                total=total,
                own=t("chart.focus_own") if own else "",
            )
        )


MISSING = "—"  # a missing value in a table (Streamlit's own word for it is "None")


def table(data, **kwargs):  # type: ignore[no-untyped-def]
    """``st.dataframe`` with missing values shown as "—" in both languages."""
    return st.dataframe(data, placeholder=MISSING, **kwargs)


def editor(data, **kwargs):  # type: ignore[no-untyped-def]
    """``st.data_editor`` with missing values shown as "—" in both languages."""
    return st.data_editor(data, placeholder=MISSING, **kwargs)


def chart(chart_obj, table_data, *, key: str) -> None:  # type: ignore[no-untyped-def]
    """A chart with its data table one click away.

    The chart is sent without Altair's JSON-schema validation (a tenth of a second per
    chart on every run); ``tests/test_charts.py`` validates every chart builder."""
    object.__setattr__(chart_obj, "to_dict", functools.partial(chart_obj.to_dict, validate=False))
    st.altair_chart(chart_obj, width="stretch")
    with st.expander(t("chart.show_data"), expanded=False):
        table(table_data, hide_index=True, width="stretch", key=f"table_{key}")
