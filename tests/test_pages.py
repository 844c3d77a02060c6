"""Every page opens for every role that has it, in both languages, with no exception and
no raw i18n key; a role cannot reach a page it lacks; pages never import sqlalchemy."""

from __future__ import annotations

import ast

import pytest

from lib.models import ROLES
from lib.ui.nav import PAGES, pages_for
from tests.apphelpers import ROLE_USER, logged_in, raw_keys, visible_text
from tests.conftest import ROOT

CASES = [(role, spec.key) for role in ROLES for spec in pages_for({role})]


def _open(role: str, page_key: str, lang: str = "zh"):  # type: ignore[no-untyped-def]
    at = logged_in(ROLE_USER[role])
    if lang != "zh":
        at.session_state["lang"] = lang
    spec = next(p for p in PAGES if p.key == page_key)
    at.switch_page(spec.path).run()
    return at


@pytest.mark.parametrize(("role", "page_key"), CASES)
def test_page_opens_for_role(app_db: str, role: str, page_key: str) -> None:
    at = _open(role, page_key)
    assert not at.exception, at.exception
    assert at.title, "every page has a title"
    assert raw_keys(at) == []
    assert not at.error, [e.value for e in at.error]
    # missing values read "—", not Streamlit's English "None"
    assert [el.proto.placeholder for el in at.dataframe] == ["—"] * len(at.dataframe)


@pytest.mark.parametrize("page_key", [p.key for p in PAGES])
def test_page_in_english_has_no_chinese_ui_leftovers(app_db: str, page_key: str) -> None:
    at = _open("admin", page_key, lang="en")
    assert not at.exception
    assert raw_keys(at) == []
    labels = [str(m.label) for m in at.metric] + [str(b.label) for b in at.button]
    han = [x for x in labels if any("\u4e00" <= c <= "\u9fff" for c in x)]
    assert han == [] or page_key == "account"


@pytest.mark.parametrize(
    ("role", "page_key"),
    [(role, spec.key) for role in ROLES for spec in PAGES if not spec.roles & {role}],
)
def test_role_cannot_reach_page_it_lacks(app_db: str, role: str, page_key: str) -> None:
    at = logged_in(ROLE_USER[role])
    spec = next(p for p in PAGES if p.key == page_key)
    with pytest.raises(ValueError):
        at.switch_page(spec.path)
    # and the page refuses by itself even if its file were run for this user
    assert page_key not in [p.key for p in pages_for({role})]


def test_there_is_at_least_one_restricted_page() -> None:
    assert any(set(ROLES) - spec.roles for spec in PAGES)


def test_overview_shows_real_numbers(app_db: str) -> None:
    at = _open("leader", "overview")
    metrics = {m.label: m.value for m in at.metric}
    assert "总体完成率" in metrics and metrics["总体完成率"].endswith("%")
    assert "本月报送率" in metrics
    text = visible_text(at)
    assert "第" in text and "天 / 共" in text  # 第N天 / 共M天
    charts = at.get("vega_lite_chart") or at.get("arrow_vega_lite_chart")
    assert charts, "status and timeline charts are drawn"


def test_pages_do_not_import_sqlalchemy() -> None:
    offenders = []
    for path in [*sorted((ROOT / "pages").glob("*.py")), ROOT / "app.py"]:
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            if any(n.split(".")[0] == "sqlalchemy" for n in names):
                offenders.append(path.name)
    assert offenders == []


def test_pages_draw_tables_through_ui() -> None:
    """``ui.table`` / ``ui.editor`` show a missing value as "—"; Streamlit's own
    elements would show the English word "None" in a Chinese table."""
    offenders = [
        path.name
        for path in [*sorted((ROOT / "pages").glob("*.py")), ROOT / "app.py"]
        if "st.dataframe(" in path.read_text("utf-8")
        or "st.data_editor(" in path.read_text("utf-8")
    ]
    assert offenders == []


def test_every_registered_page_file_exists() -> None:
    for spec in PAGES:
        assert (ROOT / spec.path).is_file(), spec.path
