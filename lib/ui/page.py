"""Shared Streamlit pieces used by app.py and the pages: language, sidebar, guards."""

from __future__ import annotations

import functools
import re

import streamlit as st

from lib.config import settings
from lib.domain.permissions import can
from lib.i18n import LANG_LABELS, LANGS, current_lang, join_list, local_name, role_label, t
from lib.read import queries
from lib.read.campaigns import CampaignRecord
from lib.ui.auth import CurrentUser

HIDE_DEPLOY_CSS = """
<style>
  [data-testid="stAppDeployButton"] {display: none;}
</style>
"""


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
    if "lang" not in st.session_state:
        st.session_state["lang"] = settings().default_locale if _settings_ok() else "zh"


def _settings_ok() -> bool:
    try:
        settings()
    except Exception:
        return False
    return True


def _on_language_change() -> None:
    choice = st.session_state.get("lang_switch")
    if choice in LANGS:  # a click on the selected option deselects it: keep the language
        st.session_state["lang"] = choice


def language_switch() -> None:
    """中文 / English in the sidebar. ``lang`` is plain session state, not a widget key,
    so it survives page changes."""
    if st.session_state.get("lang_switch") not in LANGS:
        st.session_state.pop("lang_switch", None)
    st.sidebar.segmented_control(
        t("sidebar.language"),
        options=list(LANGS),
        format_func=lambda code: LANG_LABELS[code],
        default=st.session_state.get("lang", "zh"),
        key="lang_switch",
        selection_mode="single",
        on_change=_on_language_change,
    )


def login_page_extras(demo_mode: bool) -> None:
    """Under the login form: what this is, and in demo mode the demo accounts."""
    st.caption(t("app.title") + " · " + t("app.subtitle"))
    if not demo_mode:
        st.caption(t("login.intro"))
        return
    from lib.demo import DEMO_PASSWORD

    st.info(t("login.demo_notice", password=DEMO_PASSWORD))
    rows = [f"- `{name}` — {role_label(name)}" for name in ("admin", "office", "leader", "viewer")]
    st.markdown(f"**{t('login.demo_accounts')}**\n\n" + "\n".join(rows))
    st.markdown(
        t("login.demo_liaisons", examples="`liaison_office`、`liaison_dispatch`、`liaison_card`")
    )


def login_placeholder() -> None:
    """The only page registered before login (the form is drawn by app.py)."""


def sidebar(user: CurrentUser) -> None:
    """Campaign selector and who is logged in."""
    campaigns = queries.list_campaigns()
    with st.sidebar:
        if campaigns.empty:
            st.caption(t("sidebar.no_campaign"))
            st.session_state["campaign_id"] = None
        else:
            ids = campaigns["id"].tolist()
            names = dict(
                zip(
                    ids,
                    campaigns["name"]
                    if current_lang() == "zh"
                    else campaigns["name_en"].fillna(campaigns["name"]),
                    strict=True,
                )
            )
            if st.session_state.get("campaign_id") not in ids:
                own = (
                    queries.campaigns_of_department(user.department_id)
                    if user.department_id
                    else []
                )
                st.session_state["campaign_id"] = own[0] if own else ids[0]
            # the widget key carries the language so its labels are redrawn on a switch;
            # the choice itself lives in plain session state ("campaign_id")
            widget_key = f"campaign_select_{current_lang()}"
            if st.session_state.get(widget_key) != st.session_state["campaign_id"]:
                st.session_state.pop(widget_key, None)

            def _changed() -> None:
                st.session_state["campaign_id"] = st.session_state[widget_key]

            st.selectbox(
                t("sidebar.campaign"),
                ids,
                index=ids.index(st.session_state["campaign_id"]),
                format_func=lambda i: names[i],
                key=widget_key,
                on_change=_changed,
            )
        st.session_state["_period_slot"] = st.container()
        roles = join_list([role_label(r) for r in sorted(user.roles)])
        st.caption(t("sidebar.signed_in_as", name=user.display_name, roles=roles))


def current_user() -> CurrentUser:
    """The logged-in user (set by app.py); pages stop if there is none."""
    user = st.session_state.get("current_user")
    if not isinstance(user, CurrentUser):
        st.stop()
    return user


def require_action(user: CurrentUser, action: str) -> None:
    if not can(user.actor, action):
        st.error(t("error.permission_denied"))
        st.stop()


def selected_campaign_id() -> int | None:
    value = st.session_state.get("campaign_id")
    return int(value) if value is not None else None


def period_selector(periods: list[str]) -> str:
    """The period (month) to look at, in the sidebar. ``period`` is plain session state
    (not a widget key), so the choice is remembered across pages; it resets to the newest
    month when the campaign changes."""
    from lib.i18n import fmt_period

    options = list(reversed(periods))
    if st.session_state.get("period") not in options:
        st.session_state["period"] = options[0]
    widget_key = f"period_select_{current_lang()}"  # labels redrawn on a language switch
    if st.session_state.get(widget_key) != st.session_state["period"]:
        st.session_state.pop(widget_key, None)

    def _changed() -> None:
        st.session_state["period"] = st.session_state[widget_key]

    slot = st.session_state.get("_period_slot") or st.sidebar
    slot.selectbox(
        t("sidebar.period"),
        options,
        index=options.index(st.session_state["period"]),
        format_func=fmt_period,
        key=widget_key,
        on_change=_changed,
    )
    return str(st.session_state["period"])


def campaign_context(user: CurrentUser):  # type: ignore[no-untyped-def]
    """The selected campaign for the selected period, or stop with an explanation."""
    from lib.read import views

    campaign_id = selected_campaign_id()
    if campaign_id is None:
        st.info(t("overview.no_campaign"))
        st.stop()
    ctx = views.context(campaign_id, queries.today())
    if ctx is None:
        st.info(t("overview.no_campaign"))
        st.stop()
    period = period_selector(views.campaign_periods(ctx))
    if period != ctx.period:
        ctx = views.context(campaign_id, queries.today(), period)
    return ctx


def focus_note(total: int, own: bool = False) -> None:
    """Say that a chart draws only the best and worst units (see views.chart_focus)."""
    from lib.read.views import CHART_DEPARTMENTS

    if total > CHART_DEPARTMENTS:
        st.caption(
            t(
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


# Markdown, HTML and Streamlit directive characters (":red[...]", ":material/x:", "$x$")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&=^\"'])")


def md_escape(value: object) -> str:
    """User text for ``st.markdown``/``st.caption``/``st.title``: every Markdown, HTML and
    Streamlit directive character is backslash-escaped, so the text shows exactly as typed
    (a link, an image, a script tag or ``**bold**`` stays text)."""
    text = "" if value is None else str(value)
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")


def campaign_name(campaign: CampaignRecord) -> str:
    """The campaign's name in the current language, escaped for Markdown."""
    return md_escape(local_name(campaign.name, campaign.name_en))
