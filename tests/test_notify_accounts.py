"""Liaison accounts sent to each department's own channel (issue 23), against a real
local robot receiver and SMTP server: each department's group gets only its own login
name and one-time password; the office and leadership groups get nothing; a department
without a channel is named for the printed list; no password reaches the delivery log
or the audit."""

from __future__ import annotations

import json

from sqlalchemy import select

from lib import write
from lib.db import session_scope
from lib.domain.permissions import Actor
from lib.models import AuditLog, NotifyLog
from lib.notify import accounts as send
from lib.notify.channels import RateLimiter
from lib.write import notifications as wn
from tests.test_notify import FakeClock, receiver, setup, smtp  # noqa: F401

SYSTEM = Actor.system()


def test_each_department_gets_only_its_own_account(setup, app_engine, receiver) -> None:  # noqa: F811  # type: ignore[no-untyped-def]
    _world, _deadline, _box = setup
    with session_scope(app_engine) as s:
        # a third department with no channel of its own
        write.upsert_department(actor=SYSTEM, session=s, code="C", name="丙科")
        issued = write.issue_liaison_accounts(
            actor=SYSTEM,
            session=s,
            department_codes=["A", "B", "C"],
            usernames={"A": "new_a", "B": "new_b", "C": "new_c"},
        )
    by_code = {a.department_code: a for a in issued}
    sender = send.default_sender()
    sender.clock = FakeClock()
    sender.limiter = RateLimiter()
    deliveries, unsent = send.send_accounts(issued, engine=app_engine, sender=sender, lang="zh")

    assert sorted(d.status for d in deliveries) == ["sent", "sent"]
    assert [a.department_code for a in unsent] == ["C"]
    a_posts = json.dumps(receiver.bodies("/dept-a"), ensure_ascii=False)
    b_posts = json.dumps(receiver.bodies("/robot/send"), ensure_ascii=False)
    assert by_code["A"].username in a_posts and by_code["A"].password in a_posts
    assert by_code["B"].password not in a_posts and by_code["C"].password not in a_posts
    assert by_code["B"].username in b_posts and by_code["B"].password in b_posts
    assert by_code["A"].password not in b_posts
    assert all(p.sign_ok for p in receiver.posts if p.path == "/robot/send")
    # the office's and the leadership's groups get no password
    assert receiver.bodies("/office") == [] and receiver.bodies("/leaders") == []

    with session_scope(app_engine) as s:
        logs = s.scalars(select(NotifyLog).where(NotifyLog.kind == "accounts")).all()
        audits = s.scalars(select(AuditLog)).all()
        assert sorted(log.channel_name for log in logs) == ["乙科群", "甲科群"]
        stored = " ".join(
            [json.dumps([a.before, a.after], ensure_ascii=False, default=str) for a in audits]
            + [f"{log.dedup_key} {log.error}" for log in logs]
        )
    for account in issued:
        assert account.password not in stored


def test_an_inactive_channel_gets_nothing(setup, app_engine, receiver) -> None:  # noqa: F811  # type: ignore[no-untyped-def]
    _world, _deadline, _box = setup
    with session_scope(app_engine) as s:
        wn.set_channel_active(actor=SYSTEM, session=s, channel="甲科群", active=False)
        issued = write.issue_liaison_accounts(
            actor=SYSTEM, session=s, department_codes=["A"], usernames={"A": "new_a"}
        )
    assert send.channels_for(issued) == {"A": []}
    deliveries, unsent = send.send_accounts(issued, engine=app_engine, lang="en")
    assert deliveries == [] and [a.username for a in unsent] == [issued[0].username]
    assert receiver.bodies("/dept-a") == []


def test_the_office_sends_new_accounts_from_the_accounts_page(app_db: str, receiver) -> None:  # noqa: F811  # type: ignore[no-untyped-def]
    """联络员账户, in the issuing session: 发送到科室渠道 reaches the new department's group
    with its password; a department without a channel is named for the printed list."""
    from sqlalchemy import create_engine

    from tests.apphelpers import logged_in

    engine = create_engine(app_db)
    with session_scope(engine) as s:
        for code, name in (("NEWD", "新设科室"), ("NOCH", "无群科室")):
            write.upsert_department(actor=SYSTEM, session=s, code=code, name=name)
        wn.save_channel(
            actor=SYSTEM,
            session=s,
            kind="wecom",
            target=f"{receiver.url}/newd?key=k-newd",
            name="新设科室群",
            department_codes=["NEWD"],
        )
    at = logged_in("office")
    at.switch_page("pages/setup_accounts.py").run()
    at.button(key="accounts_issue").click().run()
    assert not at.exception, at.exception
    issued = {a.department_code: a for a in at.session_state["_issued_accounts"]}
    at.button(key="accounts_send_channels").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("已发送到 1 个渠道" in m.value for m in at.success)
    assert any("无群科室" in w.value for w in at.warning)
    posted = json.dumps(receiver.bodies("/newd"), ensure_ascii=False)
    assert issued["NEWD"].password in posted and issued["NEWD"].username in posted
    assert issued["NOCH"].password not in posted
