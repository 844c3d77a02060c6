"""The shared page pieces: tables (lib/ui/tables.py), downloads and banners
(lib/ui/widgets.py), numbered Markdown lists (lib/ui/text.py) and ``page.submit``."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import func, select

from lib.db import make_engine, session_scope
from lib.models import Department
from lib.ui import tables, widgets
from lib.ui.text import Markdown, md_numbered
from tests.test_ui_helpers import empty_db  # noqa: F401  (the migrated empty database)


def test_frame_takes_keys_and_functions_per_column() -> None:
    rows = [{"name": "甲", "active": True}, {"name": "乙", "active": False}]
    frame = tables.frame(rows, {"姓名": "name", "在用": lambda r: "✓" if r["active"] else ""})
    assert frame.to_dict("list") == {"姓名": ["甲", "乙"], "在用": ["✓", ""]}
    assert list(tables.frame([], {"姓名": "name"}).columns) == ["姓名"]


def test_download_takes_the_content_type_from_the_file_ending() -> None:
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    class Column:
        def download_button(self, *args: Any, **kwargs: Any) -> None:
            calls.append((args, kwargs))

    for name in ("a.docx", "b.xlsx", "c.pptx", "d.pdf", "e.md", "f.csv"):
        widgets.download("下载", b"x", name, where=Column())
    assert [kw["mime"] for _, kw in calls] == [
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/pdf",
        "text/markdown",
        "text/csv",
    ]
    assert calls[0] == (
        ("下载",),
        {"data": b"x", "file_name": "a.docx", "mime": calls[0][1]["mime"], "key": None},
    )
    with pytest.raises(KeyError):  # an unknown kind of file is a mistake, not a guess
        widgets.download("下载", b"x", "g.bin", where=Column())


def test_numbered_list_counts_from_one_and_escapes_every_value() -> None:
    text = md_numbered(
        "\n",
        "{i}. **{name}** {score}",
        [("A*", 1.5), ("[x](y)", 2)],
        lambda r: {"name": r[0], "score": r[1]},
    )
    assert isinstance(text, Markdown)
    assert text == "1. **A\\*** 1.5\n2. **\\[x\\]\\(y\\)** 2"
    assert md_numbered("\n", "{i}. {name}", [], lambda r: {"name": r}) == ""


def _tables_script() -> None:
    import pandas as pd
    import streamlit as st

    from lib.ui import tables

    rows = st.session_state.get("rows", [])
    tables.show(
        pd.DataFrame({"进度": [40, 90], "预期": [50, 60]}), bars=["进度"], percents=["预期"]
    )
    tables.show(pd.DataFrame({"a": [r for r in rows]}), empty="还没有记录")
    tables.show_rows(rows, {"b": lambda r: r}, empty="没有数据", empty_as="info")


def _tables_app(rows: list[int]):  # type: ignore[no-untyped-def]
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_tables_script, default_timeout=60)
    at.session_state["rows"] = rows
    at.run()
    assert not at.exception, at.exception
    return at


def test_table_shows_bars_and_percentages_without_the_index() -> None:
    at = _tables_app([1])
    assert len(at.dataframe) == 3
    first = at.dataframe[0]
    assert first.value.to_dict("list") == {"进度": [40, 90], "预期": [50, 60]}
    config = json.loads(first.proto.columns)
    assert config["进度"]["type_config"] == {
        "type": "progress",
        "format": "%d%%",
        "min_value": 0,
        "max_value": 100,
    }
    assert config["预期"]["type_config"] == {"type": "number", "format": "%d%%"}
    assert config["_index"] == {"hidden": True}
    assert not at.caption and not at.info


def test_an_empty_table_is_replaced_by_its_note() -> None:
    at = _tables_app([])
    assert len(at.dataframe) == 1, "only the table with rows is drawn"
    assert [c.value for c in at.caption] == ["还没有记录"]
    assert [i.value for i in at.info] == ["没有数据"]


def _submit_script() -> None:
    import streamlit as st

    from lib.domain.permissions import Actor
    from lib.models import Department
    from lib.ui import page
    from lib.write import ServiceError

    def add_department(*, actor, session, code, name):  # type: ignore[no-untyped-def]
        st.write(f"actor {actor.username}")
        session.add(Department(code=code, name=name))
        session.flush()
        if code == "BAD":
            raise ServiceError("error.old_password_wrong")
        return code

    actor = Actor(user_id=1, username="office", roles=frozenset({"office"}), department_id=None)
    code = st.session_state["code"]
    if st.button("go", key="go"):
        page.submit(
            add_department, actor, code=code, name="新科室", success=lambda c: f"已保存 {c}"
        )


def _count(url: str) -> int:
    engine = make_engine(url)
    with session_scope(engine) as s:
        n = s.scalar(
            select(func.count()).select_from(Department).where(Department.code.in_(["NEW", "BAD"]))
        )
    engine.dispose()
    return int(n or 0)


@pytest.mark.parametrize("code", ["NEW", "BAD"])
def test_submit_calls_the_service_with_actor_session_and_fields(
    empty_db: str,  # noqa: F811  (the fixture imported above)
    code: str,
) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_submit_script, default_timeout=60)
    at.session_state["code"] = code
    at.run()
    at.button(key="go").click().run()
    assert not at.exception, at.exception
    assert "actor office" in [m.value for m in at.markdown]
    if code == "NEW":
        assert [s.value for s in at.success] == ["已保存 NEW"]
        assert _count(empty_db) == 1
    else:
        assert not at.success and len(at.error) == 1
        assert _count(empty_db) == 0, "a refused write leaves nothing behind"


def test_frame_of_rows_matches_a_frame_built_by_hand() -> None:
    rows = [{"n": 1, "locks": 0}, {"n": 2, "locks": 3}]
    built = tables.frame(rows, {"n": "n", "locks": lambda r: r["locks"] or "—"})
    by_hand = pd.DataFrame(
        {"n": [r["n"] for r in rows], "locks": [r["locks"] or "—" for r in rows]}
    )
    pd.testing.assert_frame_equal(built, by_hand)
