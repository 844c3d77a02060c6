"""The page helpers of lib/ui (issue 24): the save helper (a refused write shows its
message in the user's language and writes nothing; a done write shows its success once),
the page opening's explained empty states, and the one registry of session-state keys
(a page, app.py or lib/ui touching ``st.session_state`` other than through
``lib/ui/state.py`` fails here)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lib.db import dispose_all, make_engine, session_scope, upgrade
from lib.i18n import t
from lib.models import Department
from lib.ui import state
from lib.ui.nav import PAGES
from tests.conftest import ROOT

# --- one registry of session-state keys -------------------------------------------------------

REGISTRY = ROOT / "lib" / "ui" / "state.py"
SCANNED = [
    *sorted((ROOT / "pages").glob("*.py")),
    ROOT / "app.py",
    *sorted(p for p in (ROOT / "lib" / "ui").glob("*.py") if p != REGISTRY),
]


def _direct_uses(source: str) -> list[str]:
    """Every place ``source`` reaches ``st.session_state`` itself (a literal key, a key
    made on the spot, an import of it) instead of a name of ``lib/ui/state.py``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "session_state":
            found.append(f"line {node.lineno}: {ast.get_source_segment(source, node)}")
        elif isinstance(node, ast.ImportFrom) and any(
            a.name == "session_state" for a in node.names
        ):
            found.append(f"line {node.lineno}: from {node.module} import session_state")
    return found


def test_the_check_catches_literal_keys() -> None:
    assert _direct_uses('st.session_state["report_flash"] = "ok"\n')
    assert _direct_uses('flash = st.session_state.pop("review_flash", None)\n')
    assert _direct_uses('if "lang" in st.session_state:\n    pass\n')
    assert _direct_uses('x = st.session_state.get(f"rp_seen_{key}")\n')
    assert _direct_uses("from streamlit import session_state\n")
    assert _direct_uses("ss = st.session_state\nss['x'] = 1\n")
    assert not _direct_uses('state.FLASH.set("ok")\nkey = state.REPORT_PERIOD.key\n')


@pytest.mark.parametrize("path", SCANNED, ids=lambda p: str(p.relative_to(ROOT)))
def test_session_state_only_through_the_registry(path: Path) -> None:
    uses = _direct_uses(path.read_text("utf-8"))
    assert uses == [], f"{path.name}: name the key in lib/ui/state.py and use it: {uses}"


def test_registry_keys_are_distinct() -> None:
    slots, families = state.registry()
    keys = [s.key for s in slots]
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
    shapes = [(f.prefix, f.suffix) for f in families]
    assert len(shapes) == len(set(shapes))
    clashes = [(s.key, f.prefix) for s in slots for f in families if f.matches(s.key)]
    assert clashes == [], "a key of a family is also a single key"
    # the keys other code reads by name: lib.i18n (language), the tests, the library
    assert state.LANG.key == "lang"
    assert state.CAMPAIGN_ID.key == "campaign_id"
    assert state.PERIOD.key == "period"
    assert state.CURRENT_USER.key == "current_user"
    assert state.AUTH_STATUS.key == "authentication_status"


def test_family_keys() -> None:
    assert state.REPORT_SHOWN.key(12, "2026-03") == "rp_shown_12_2026-03"
    assert state.MEETING_PERIOD.key(3) == "meeting_3_period"
    assert state.MEETING_PERIOD.matches("meeting_3_period")
    assert not state.REPORT_SHOWN.matches("rp_shown")
    assert not state.REPORT_SHOWN.matches("review_shown_1")


# --- the save helper ------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted((ROOT / "pages").glob("*.py")), ids=lambda p: p.name)
def test_pages_write_through_the_save_helper(path: Path) -> None:
    """A page opens no transaction and catches no ServiceError itself: ``page.save`` (or
    ``page.run_write``) does both, so every refusal is shown the same way."""
    source = path.read_text("utf-8")
    assert "session_scope" not in source
    assert "except ServiceError" not in source and "except write.ServiceError" not in source


@pytest.fixture
def empty_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A migrated empty SQLite database wired into the app's environment."""
    from lib import config
    from lib.read.cache import clear_caches

    url = f"sqlite:///{tmp_path / 'ui.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", url)
    config.settings.cache_clear()
    clear_caches()
    dispose_all()
    yield url
    config.settings.cache_clear()
    dispose_all()


def _departments(url: str) -> int:
    engine = make_engine(url)
    with session_scope(engine) as s:
        n = s.scalar(select(func.count()).select_from(Department))
    engine.dispose()
    return int(n or 0)


def _save_script() -> None:
    """A page with one button whose write adds a department, then (mode "refuse") is
    refused after the row was flushed."""
    import streamlit as st

    from lib.models import Department
    from lib.ui import page
    from lib.write import ServiceError

    st.session_state["runs"] = st.session_state.get("runs", 0) + 1
    st.title("save")
    page.show_flash()
    mode = st.session_state.get("mode")

    def add(session, refuse: bool) -> int:  # type: ignore[no-untyped-def]
        session.add(Department(code="NEW", name="新科室"))
        session.flush()
        if refuse:
            raise ServiceError("error.old_password_wrong")
        return 1

    if st.button("go", key="go"):
        if mode == "refuse":
            answer = page.save(
                lambda s: add(s, True),
                flash="never shown",
                then=lambda _: st.write("then ran"),
                on_error=lambda exc: st.write(f"on_error {exc.key}"),
            )
            st.write(f"answer {answer}")
        elif mode == "flash":
            page.save(
                lambda s: add(s, False),
                flash=lambda n: f"已保存 {n} 项",
                then=lambda n: st.session_state.__setitem__("then", n),
            )
            st.write("not reached: the page runs again")
        else:
            answer = page.save(lambda s: add(s, False), success="已保存")
            st.write(f"answer {answer}")
    st.write("end of page")


def _app(mode: str, lang: str = "zh"):  # type: ignore[no-untyped-def]
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_save_script, default_timeout=60)
    at.session_state["mode"] = mode
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    return at


def _markdown(at) -> list[str]:  # type: ignore[no-untyped-def]
    return [m.value for m in at.markdown]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_refused_save_shows_the_message_in_the_users_language_and_writes_nothing(
    empty_db: str, lang: str
) -> None:
    at = _app("refuse", lang)
    at.button(key="go").click().run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [t("error.old_password_wrong", lang)]
    assert t("error.old_password_wrong", "zh") != t("error.old_password_wrong", "en")
    assert not at.success
    text = _markdown(at)
    assert "on_error error.old_password_wrong" in text and "answer False" in text
    assert "then ran" not in text and "end of page" in text  # the page goes on
    assert _departments(empty_db) == 0, "the flushed row was rolled back"
    assert "flash" not in at.session_state
    at.run()
    assert not at.success and not at.error


def test_done_save_shows_its_flash_once_on_the_next_run(empty_db: str) -> None:
    at = _app("flash")
    runs = at.session_state["runs"]
    at.button(key="go").click().run()
    assert not at.exception, at.exception
    assert at.session_state["runs"] == runs + 2, "the page ran again after the write"
    assert [s.value for s in at.success] == ["已保存 1 项"]
    assert at.session_state["then"] == 1
    assert "not reached: the page runs again" not in _markdown(at)
    assert _departments(empty_db) == 1
    at.run()  # the next interaction: the message is gone
    assert not at.success
    assert _departments(empty_db) == 1


def test_done_save_with_success_shows_it_here(empty_db: str) -> None:
    at = _app("success")
    runs = at.session_state["runs"]
    at.button(key="go").click().run()
    assert not at.exception, at.exception
    assert at.session_state["runs"] == runs + 1, "no second run"
    assert [s.value for s in at.success] == ["已保存"]
    assert "answer True" in _markdown(at)
    assert _departments(empty_db) == 1
    at.run()
    assert not at.success


# --- the page opening: explained empty states -------------------------------------------------

NO_CAMPAIGN = {  # page -> (title shown, the explanation)
    "overview": ("page.overview", "overview.no_campaign"),
    "progress": (None, "overview.no_campaign"),
    "ranking": (None, "overview.no_campaign"),
    "satisfaction": (None, "overview.no_campaign"),
    "ledger": (None, "overview.no_campaign"),
    "meeting": (None, "overview.no_campaign"),
    "reports": (None, "overview.no_campaign"),
    "report": ("page.report", "rep.no_campaign"),
    "review": ("page.review", "rep.no_campaign"),
    "tracker": ("page.tracker", "rep.no_campaign"),
    "locks": ("page.locks", "rep.no_campaign"),
    "problems": ("page.problems", "rep.no_campaign"),
    "setup_tasks": ("page.setup_tasks", "sidebar.no_campaign"),
}


@pytest.mark.parametrize("spec", PAGES, ids=lambda s: s.key)
def test_pages_without_a_campaign_say_why(empty_db: str, spec) -> None:  # type: ignore[no-untyped-def]
    """Every page opened by an administrator before any campaign exists: the campaign
    pages stop with their explanation, the others open."""
    from streamlit.testing.v1 import AppTest

    from lib import write
    from lib.domain.permissions import Actor
    from lib.ui.auth import CurrentUser

    engine = make_engine(empty_db)
    with session_scope(engine) as s:
        admin = write.create_user(
            actor=Actor.system(), session=s, username="root", password="R00t!pass", roles=["admin"]
        )
        user_id = admin.id
    engine.dispose()
    at = AppTest.from_file(f"../{spec.path}", default_timeout=60)
    at.session_state["current_user"] = CurrentUser(
        user_id, "root", "root", frozenset({"admin"}), None, None, None
    )
    at.run()
    assert not at.exception, (spec.key, at.exception)
    assert not at.error
    if spec.key not in NO_CAMPAIGN:
        assert at.title
        return
    title, message = NO_CAMPAIGN[spec.key]
    assert [i.value for i in at.info] == [t(message, "zh")]
    assert [x.value for x in at.title] == ([t(title, "zh")] if title else [])
    assert not at.button and not at.dataframe and not at.metric
