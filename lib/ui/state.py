"""Every key this app keeps in ``st.session_state``, named once.

``app.py``, the pages and ``lib/ui`` read and write the session only through these
names (``tests/test_ui_helpers.py`` fails on any other use of ``st.session_state``):

    state.CAMPAIGN_ID.get()            # the campaign chosen in the sidebar, or None
    state.FLASH.set("已保存")            # shown once, on the next run
    key=state.REPORT_PERIOD.key        # a widget whose value the page reads back
    state.REPORT_SHOWN(aid, period).get()   # one of a family of keys
    state.REPORT_SHOWN.clear()          # forget the whole family

A ``Slot`` is one key; a ``Family`` is a key made of a prefix and parts
(``rp_shown_<assignment>_<period>``). Widget keys that are never read back
stay where the widget is drawn.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

import streamlit as st

if TYPE_CHECKING:
    import datetime as dt

    from streamlit.delta_generator import DeltaGenerator

    from lib.domain.plan import PlanSource
    from lib.ui.auth import CurrentUser

T = TypeVar("T")


@dataclass(frozen=True)
class Slot(Generic[T]):
    """One session-state key holding a ``T``."""

    key: str

    def get(self) -> T | None:
        return cast("T | None", st.session_state.get(self.key))

    def get_or(self, default: T) -> T:
        return cast(T, st.session_state.get(self.key, default))

    def set(self, value: T) -> None:
        st.session_state[self.key] = value

    def pop(self) -> T | None:
        return cast("T | None", st.session_state.pop(self.key, None))

    def setdefault(self, value: T) -> T:
        """The stored value; ``value`` is stored first if there is none."""
        return cast(T, st.session_state.setdefault(self.key, value))

    def is_set(self) -> bool:
        return self.key in st.session_state


@dataclass(frozen=True)
class Family(Generic[T]):
    """Keys ``<prefix>_<part>_<part>…<suffix>``, one per thing (a report, a campaign).
    ``in_form``: widgets inside an ``st.form``, whose browser side may hold what the user
    typed and has not sent yet (:func:`resend_widget_values` leaves them alone)."""

    prefix: str
    suffix: str = ""
    in_form: bool = False

    def key(self, *parts: object) -> str:
        return "_".join([self.prefix, *(str(p) for p in parts)]) + self.suffix

    def __call__(self, *parts: object) -> Slot[T]:
        return Slot(self.key(*parts))

    def matches(self, key: str) -> bool:
        return key.startswith(self.prefix + "_") and key.endswith(self.suffix)

    def keys(self) -> Iterator[str]:
        return iter([k for k in st.session_state if self.matches(str(k))])

    def clear(self) -> None:
        """Forget every key of the family (e.g. the versions a form was filled from)."""
        for key in list(self.keys()):
            del st.session_state[key]


# --- the router, the sidebar and every page ------------------------------------------------

CURRENT_USER: Slot[CurrentUser] = Slot("current_user")  # set by app.py on every run
LANG: Slot[str] = Slot("lang")  # "zh" / "en"; lib.i18n.current_lang reads this key too
LANG_SWITCH: Slot[str] = Slot("lang_switch")  # the sidebar's language widget
CAMPAIGN_ID: Slot[int | None] = Slot("campaign_id")  # the campaign chosen in the sidebar
CAMPAIGN_SELECT: Family[int] = Family("campaign_select")  # its widget, one per language
PERIOD: Slot[str] = Slot("period")  # the month the dashboards look at
PERIOD_SELECT: Family[str] = Family("period_select")  # its widget, one per language
PERIOD_SLOT: Slot[DeltaGenerator] = Slot("_period_slot")  # where the period widget goes
FLASH: Slot[str] = Slot("flash")  # a success message shown once, on the next run

# --- login (lib/ui/auth.py) ---------------------------------------------------------------

AUTHENTICATOR: Slot[Any] = Slot("_authenticator")
LOGIN_VIA_FORM: Slot[bool] = Slot("_login_via_form")
LOGIN_MESSAGE: Slot[str] = Slot("_login_message")
LOGIN_FAILED: Slot[bool] = Slot("_login_failed")  # this run's form login was refused
AUTH_USER: Slot[str] = Slot("_auth_user")
AUTH_AT: Slot[dt.datetime] = Slot("_auth_at")
# streamlit-authenticator's own keys
AUTH_STATUS: Slot[bool | None] = Slot("authentication_status")
USERNAME: Slot[str | None] = Slot("username")
LIBRARY_LOGIN_KEYS: tuple[Slot[Any], ...] = (
    Slot("name"),
    USERNAME,
    AUTH_STATUS,
    Slot("email"),
    Slot("roles"),
)
LOGGED_OUT: Slot[bool] = Slot("logout")  # the library then ignores the cookie this session

# --- 月度填报 report ---------------------------------------------------------------------

REPORT_DEPARTMENT: Slot[int] = Slot("report_department")  # widget
REPORT_PERIOD: Slot[str] = Slot("report_period")  # widget
REPORT_GEN: Slot[int] = Slot("report_gen")  # bumped to start the forms again
# per <assignment>_<period>: what the form displayed ({"version": v, "values": {...}}):
# a save is checked against it; when the stored version moves on, the form is seeded
# again from the stored report, merged with what the user typed
REPORT_SHOWN: Family[dict[str, Any]] = Family("rp_shown")
# per <assignment>_<period>: fields both the user and someone else changed (theirs, mine)
REPORT_CLASH: Family[dict[str, Any]] = Family("rp_clash")
REPORT_NOTICE: Slot[str] = Slot("report_notice")  # a refusal shown after the rerun
# the submission waiting for its confirmation: {"period": p, "department": d, "ids": [...]}
REPORT_PENDING: Slot[dict[str, Any]] = Slot("report_pending")
REPORT_CONFIRM_REST: Slot[bool] = Slot("report_confirm_rest")  # widget: 其余任务本月无变化
# the report widgets, per <assignment>_<period>_<version>_<generation>
REPORT_UNCHANGED: Family[bool] = Family("rp_same", in_form=True)  # 本月无变化
REPORT_PERCENT: Family[int] = Family("rp_pct", in_form=True)
REPORT_STATUS: Family[str] = Family("rp_status", in_form=True)
REPORT_WORK_DONE: Family[str] = Family("rp_work_done", in_form=True)
REPORT_PROBLEMS: Family[str] = Family("rp_problems", in_form=True)
REPORT_NEXT_STEPS: Family[str] = Family("rp_next_steps", in_form=True)
REPORT_FILES: Family[list[Any]] = Family("rp_files", in_form=True)
# per <indicator>_<period>_<generation>
INDICATOR_SEEN: Family[int | None] = Family("iv_seen")
INDICATOR_VALUE: Family[float | None] = Family("iv_val", in_form=True)
INDICATOR_SAMPLE: Family[int | None] = Family("iv_n", in_form=True)

# --- 审核队列 review ---------------------------------------------------------------------

# a decision of the department-month review, with the versions its form displayed
# (set by the form's callback, so it holds what was on screen when the button was pressed)
REVIEW_ACTION: Slot[dict[str, Any]] = Slot("review_action")
# choices whose labels depend on the language: one widget per language (a browser keeps
# a choice by its label), the choice itself kept in a plain slot
REVIEW_MONTH: Slot[str] = Slot("review_month")  # the department-month picked
REVIEW_MONTH_SELECT: Family[str] = Family("review_month_select")  # its widget, per language
REVIEW_FILTER_PERIOD: Family[str] = Family("review_filter_period")  # widget, per language
REVIEW_FILTER_STATE: Family[str] = Family("review_filter_state")  # widget, per language
REVIEW_FILTER_LATE: Slot[bool] = Slot("review_filter_late")  # widget
REVIEW_REASON: Slot[str] = Slot("review_reason")  # widget
REVIEW_PICKED: Family[list[int]] = Family(
    "review_picked"
)  # widget per department-month: tasks to return
REVIEW_COMMENT: Family[str] = Family("review_comment", in_form=True)  # widget, per report

# --- 锁定与督查评分 locks --------------------------------------------------------------

SCORES_GEN: Slot[int] = Slot("scores_gen")
# per <department>_<period>_<generation>
SCORES_SEEN: Family[int | None] = Family("scores_seen")
SCORE_VALUE: Family[float | None] = Family("score_value", in_form=True)
SCORE_COMMENT: Family[str] = Family("score_comment", in_form=True)

# --- 问题清单 problems -------------------------------------------------------------------

PROBLEM_FORM: Family[Any] = Family(
    "pf", in_form=True
)  # the registration form's widgets: pf_<field>

# --- 活动设置 setup_campaigns ------------------------------------------------------------

ISSUED_ACCOUNTS: Slot[list[Any]] = Slot("_issued_accounts")  # one-time passwords, this session only
PLAN_SOURCE: Slot[PlanSource] = Slot("plan_source")  # the plan being reviewed (text or .docx)

# --- 通报与报表 reports and 会议模式 meeting --------------------------------------------

DECK_READY: Family[bool] = Family("deck")  # per <campaign>_<period>_<lang>
CIRCULAR_PDF: Family[bytes] = Family("circular_pdf")  # per <campaign>_<period>_<lang>
# the meeting's presentation view (slides only, keyboard navigation), per campaign
MEETING_PRESENT: Family[bool] = Family("meeting", "_present")
# per campaign: the meeting's frozen period and moment, the slide shown
MEETING_PERIOD: Family[str] = Family("meeting", "_period")
MEETING_AT: Family[dt.datetime] = Family("meeting", "_at")
MEETING_SLIDE: Family[int] = Family("meeting", "_slide")
MEETING_ADVANCED_AT: Family[dt.datetime] = Family("meeting", "_advanced_at")


def registry() -> tuple[list[Slot[Any]], list[Family[Any]]]:
    """Every slot and family above (for the tests)."""
    slots = [v for v in globals().values() if isinstance(v, Slot)]
    slots += [s for s in LIBRARY_LOGIN_KEYS if s not in slots]
    families = [v for v in globals().values() if isinstance(v, Family)]
    return slots, families


def resend_widget_values() -> None:
    """Write every widget value back to itself, so the next run sends it to the browser
    again. Called when the language changes: a select box's browser side keeps the label
    it showed (a month in the old language) until its value is sent anew. Buttons, check
    boxes and uploads (bools and objects) are left alone: they cannot or need not be set,
    and so are the fields of forms (``Family.in_form``): sending their last submitted value
    would replace what the user typed and has not saved yet.
    """
    held = [f for f in registry()[1] if f.in_form]
    for key, value in list(st.session_state.items()):
        if any(f.matches(str(key)) for f in held):
            continue  # a form's field: the browser may hold what was typed, not yet sent
        plain = isinstance(value, (str, int, float)) and not isinstance(value, bool)
        listed = isinstance(value, list) and all(
            isinstance(v, (str, int)) and not isinstance(v, bool) for v in value
        )
        if plain or listed:
            st.session_state[key] = value
