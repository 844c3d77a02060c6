"""The channel setup page (通知渠道) through AppTest: add a WeCom robot pointing at a
real local receiver, send the test message, never show the webhook key back, see the
delivery log; the 分管领导 and reminder-rule tabs save."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, select

from lib.models import Campaign, Department, DepartmentLeader, NotifyChannel, NotifyLog, User
from tests.apphelpers import logged_in
from tests.notify_servers import Receiver, start_receiver

KEY = "page-secret-key-0123456789"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state, server = start_receiver()
    yield state
    server.shutdown()
    server.server_close()


def _open(username: str):  # type: ignore[no-untyped-def]
    at = logged_in(username)
    at.switch_page("pages/setup_channels.py").run()
    assert not at.exception, at.exception
    return at


def _rows(url: str, stmt):  # type: ignore[no-untyped-def]
    eng = create_engine(url)
    with eng.connect() as conn:
        rows = conn.execute(stmt).all()
    eng.dispose()
    return rows


def test_add_a_channel_test_it_and_never_see_its_key(app_db: str, receiver: Receiver) -> None:
    at = _open("office")
    assert any("还没有通知渠道" in i.value for i in at.info)
    at.text_input[0].set_value("急救科群")
    at.text_input[1].set_value(f"{receiver.url}/cgi-bin/webhook/send?key={KEY}")
    at.multiselect[0].set_value(["DISPATCH"])
    next(b for b in at.button if b.label == "保存").click().run()
    assert not at.exception, at.exception
    assert any("渠道“急救科群”已保存" in s.value for s in at.success)
    [(target,)] = _rows(app_db, select(NotifyChannel.target))
    assert target.endswith(KEY)
    shown = " ".join(str(df.value.to_dict()) for df in at.dataframe)
    assert "急救科群" in shown and KEY not in shown and "?***" in shown
    # edit it: the key is not put back in the form
    at.selectbox(key="notify_edit_pick").set_value(1).run()
    assert all(KEY not in (ti.value or "") for ti in at.text_input)
    at.button(key="notify_test").click().run()
    assert any("已发送到“急救科群”" in s.value for s in at.success)
    [post] = receiver.posts
    assert post.body["msgtype"] == "markdown" and "测试消息" in post.body["markdown"]["content"]
    [(status, kind)] = _rows(app_db, select(NotifyLog.status, NotifyLog.kind))
    assert (status, kind) == ("sent", "test")
    at.run()
    log_text = " ".join(str(df.value.to_dict()) for df in at.dataframe)
    assert "测试消息" in log_text and "已发送" in log_text and KEY not in log_text


def test_a_failing_test_message_is_reported(app_db: str, receiver: Receiver) -> None:
    receiver.replies["/bad"] = [(200, {"errcode": 93000, "errmsg": "invalid webhook url"})]
    at = _open("admin")
    at.text_input[0].set_value("坏群")
    at.text_input[1].set_value(f"{receiver.url}/bad?key={KEY}")
    at.selectbox[2].set_value("office")  # role
    next(b for b in at.button if b.label == "保存").click().run()
    at.selectbox(key="notify_edit_pick").set_value(1).run()
    at.button(key="notify_test").click().run()
    assert any("93000" in e.value for e in at.error)
    assert all(KEY not in e.value for e in at.error)


def test_leader_in_charge_and_rules_tabs_save(app_db: str) -> None:
    at = _open("office")
    at.selectbox(key="notify_leader_dept").set_value("DISPATCH")
    at.selectbox(key="notify_leader_who").set_value("leader_zhang")
    at.button(key="notify_leader_save").click().run()
    assert not at.exception, at.exception
    rows = _rows(
        app_db,
        select(User.username)
        .join(DepartmentLeader, DepartmentLeader.user_id == User.id)
        .join(Department, Department.id == DepartmentLeader.department_id)
        .where(Department.code == "DISPATCH"),
    )
    assert rows == [("leader_zhang",)]
    red = next(n for n in at.number_input if "红色督办" in n.label)
    red.set_value(5)
    [b for b in at.button if b.label == "保存"][-1].click().run()
    assert not at.exception, at.exception
    settings = [s for (s,) in _rows(app_db, select(Campaign.settings))]
    assert any((s or {}).get("reminders", {}).get("red_after") == 5 for s in settings)


def test_liaison_and_leader_cannot_open_the_page(app_db: str) -> None:
    for username in ("liaison_card", "leader"):
        at = logged_in(username)
        with pytest.raises(ValueError):
            at.switch_page("pages/setup_channels.py")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_has_no_raw_keys_in_either_language(app_db: str, lang: str) -> None:
    from tests.apphelpers import raw_keys

    at = logged_in("admin")
    at.session_state["lang"] = lang
    at.switch_page("pages/setup_channels.py").run()
    assert not at.exception, at.exception
    assert raw_keys(at) == []
    title = at.title[0].value
    assert title == ("通知渠道" if lang == "zh" else "Channels")
