"""Reaching people (issue 22): 三色督办 rules, channels against real local servers (a
WeCom / DingTalk receiver over HTTP, an SMTP server), the dispatcher's who-gets-what,
idempotence, rate limit, retries, failures, secrets, the CLI."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from email.header import decode_header, make_header

import pytest
from sqlalchemy import Engine, select

from lib import write
from lib.db import session_scope
from lib.domain import escalation as esc
from lib.domain.periods import period_start, report_deadline
from lib.domain.permissions import Actor
from lib.models import AuditLog, Campaign, MonthlyUpdate, NotifyLog, utcnow
from lib.notify import channels as chmod
from lib.notify import dispatch
from lib.notify.channels import Clock, Message, RateLimiter, Sender, SendError
from lib.write import ServiceError
from lib.write import notifications as wn
from tests.notify_servers import Mailbox, Receiver, start_receiver, start_smtp

RULES = esc.reminder_rules({})
SYSTEM = Actor.system()
WEBHOOK_KEY = "a1b2c3d4-secret-webhook-key"
DING_TOKEN = "dingtoken0123456789abcdef"
DING_SECRET = "SECdeadbeefcafebabe0123456789"


# --- the pure rules ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "stage", "colour"),
    [
        (-5, None, None),
        (-4, None, None),
        (-3, "blue_before", "blue"),
        (-1, "blue_before", "blue"),
        (0, "blue_due", "blue"),
        (1, "yellow", "yellow"),
        (2, "yellow", "yellow"),
        (3, "red", "red"),
        (30, "red", "red"),
    ],
)
def test_colour_of_a_department_month_by_days_from_the_deadline(
    days: int, stage: str | None, colour: str | None
) -> None:
    assert esc.stage_for(days, RULES) == stage
    assert esc.colour_of(days, RULES) == colour


def test_rules_are_editable_and_clamped() -> None:
    rules = esc.reminder_rules({"reminders": {"red_after": 5, "blue_before": 1, "bogus": 1}})
    assert rules["red_after"] == 5 and rules["blue_before"] == 1 and "bogus" not in rules
    assert esc.stage_for(4, rules) == "yellow" and esc.stage_for(5, rules) == "red"
    assert esc.stage_for(-2, rules) is None


def test_chased_month_moves_when_the_next_months_reminders_start() -> None:
    periods = ["2026-10", "2026-11", "2026-12"]
    assert esc.chased_period(dt.date(2026, 10, 21), 25, periods, RULES) is None
    assert esc.chased_period(dt.date(2026, 10, 22), 25, periods, RULES) == "2026-10"
    assert esc.chased_period(dt.date(2026, 11, 21), 25, periods, RULES) == "2026-10"
    assert esc.chased_period(dt.date(2026, 11, 22), 25, periods, RULES) == "2026-11"


def test_who_gets_what() -> None:
    dept = esc.Recipient(frozenset({1}), None, frozenset())
    office = esc.Recipient(frozenset(), "office", frozenset())
    leaders = esc.Recipient(frozenset(), "leader", frozenset())
    wang = esc.Recipient(frozenset(), None, frozenset({1}))
    for stage, expect in {
        "blue_before": (True, False, False, False),
        "blue_due": (True, False, False, False),
        "yellow": (True, True, False, False),
        "red": (True, True, True, True),
    }.items():
        got = tuple(esc.channel_wants(r, 1, stage) for r in (dept, office, leaders, wang))
        assert got == expect, stage
    assert not esc.channel_wants(dept, 2, "red")
    assert not esc.channel_wants(wang, 2, "red")  # not one of wang's departments


def test_red_needs_a_reason_rule() -> None:
    today = dt.date(2026, 11, 29)
    assert esc.needs_reason("in_progress", 40, dt.date(2026, 11, 1), "overdue", today)
    assert esc.needs_reason("in_progress", 40, None, "behind", today)
    assert esc.needs_reason("in_progress", 40, None, "at_risk", today)
    assert not esc.needs_reason("in_progress", 90, None, "on_track", today)
    assert not esc.needs_reason("done", 100, dt.date(2026, 11, 1), "overdue", today)


# --- channels against real servers ------------------------------------------------------


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state, server = start_receiver()
    state.secrets["/robot/send"] = DING_SECRET
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    yield from start_smtp()


class FakeClock(Clock):
    """Time that only moves when the sender sleeps (no test waits a real minute)."""

    def __init__(self) -> None:
        self.t = 1000.0
        self.sleeps: list[float] = []
        super().__init__(now=lambda: self.t, sleep=self._sleep)

    def _sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += seconds


def _sender(**kw: object) -> Sender:
    return Sender(clock=FakeClock(), limiter=RateLimiter(), **kw)  # type: ignore[arg-type]


MSG = Message(
    title="【红色督办】测试",
    markdown="### 督办\n- 未报送：1 任务一",
    text="督办",
    html="<p>督办</p>",
)


def test_wecom_robot_gets_markdown_json(receiver: Receiver) -> None:
    url = f"{receiver.url}/cgi-bin/webhook/send?key={WEBHOOK_KEY}"
    assert _sender().send("wecom", url, None, MSG) == 1
    [post] = receiver.posts
    assert post.query == {"key": WEBHOOK_KEY}
    assert post.body == {"msgtype": "markdown", "markdown": {"content": MSG.markdown}}


def test_dingtalk_robot_signs_timestamp_and_secret(receiver: Receiver) -> None:
    url = f"{receiver.url}/robot/send?access_token={DING_TOKEN}"
    assert _sender().send("dingtalk", url, DING_SECRET, MSG) == 1
    [post] = receiver.posts
    assert post.sign_ok is True
    assert post.query["access_token"] == DING_TOKEN
    ts = post.query["timestamp"]
    expected = base64.b64encode(
        hmac.new(DING_SECRET.encode(), f"{ts}\n{DING_SECRET}".encode(), hashlib.sha256).digest()
    ).decode()
    assert post.query["sign"] == expected
    assert post.body == {
        "msgtype": "markdown",
        "markdown": {"title": MSG.title, "text": MSG.markdown},
    }
    # a wrong secret: the robot refuses (errcode 310000), reported, not retried
    with pytest.raises(SendError) as err:
        _sender().send("dingtalk", url, "SECwrong", MSG)
    assert "310000" in str(err.value) and err.value.attempts == 1
    assert DING_TOKEN not in str(err.value)


def test_twenty_messages_a_minute_per_robot_then_the_queue_waits(receiver: Receiver) -> None:
    sender = _sender()
    clock = sender.clock
    assert isinstance(clock, FakeClock)
    url = f"{receiver.url}/cgi-bin/webhook/send?key={WEBHOOK_KEY}"
    sent_at = []
    for _ in range(45):
        sender.send("wecom", url, None, MSG)
        sent_at.append(clock.t)
    assert len(receiver.posts) == 45
    for i, at in enumerate(sent_at):  # never more than 20 in any 60 seconds
        assert sum(1 for other in sent_at[i:] if other - at < 60) <= 20
    assert len(clock.sleeps) == 2 and clock.sleeps[0] == pytest.approx(60.0)
    # another robot has its own budget
    other = f"{receiver.url}/other?key=x"
    before = len(clock.sleeps)
    sender.send("wecom", other, None, MSG)
    assert len(clock.sleeps) == before


def test_retries_after_a_502_with_backoff(receiver: Receiver) -> None:
    receiver.replies["/cgi-bin/webhook/send"] = [(502, {}), (503, {})]
    sender = _sender()
    attempts = sender.send("wecom", f"{receiver.url}/cgi-bin/webhook/send?key=k", None, MSG)
    assert attempts == 3 and len(receiver.posts) == 3
    assert isinstance(sender.clock, FakeClock) and sender.clock.sleeps == list(chmod.BACKOFF)


def test_rate_limited_errcode_is_retried_other_errcodes_are_not(receiver: Receiver) -> None:
    receiver.replies["/a"] = [(200, {"errcode": 45009, "errmsg": "api freq out of limit"})]
    assert _sender().send("wecom", f"{receiver.url}/a?key=k", None, MSG) == 2
    receiver.replies["/b"] = [(200, {"errcode": 93000, "errmsg": "invalid webhook url"})]
    with pytest.raises(SendError, match="93000"):
        _sender().send("wecom", f"{receiver.url}/b?key=k", None, MSG)
    receiver.replies["/c"] = [(500, {})] * 3
    with pytest.raises(SendError, match="HTTP 500") as err:
        _sender().send("wecom", f"{receiver.url}/c?key=k", None, MSG)
    assert err.value.attempts == 3


def test_unreachable_robot_is_reported_without_the_key() -> None:
    with pytest.raises(SendError) as err:
        _sender().send("wecom", f"http://127.0.0.1:9/send?key={WEBHOOK_KEY}", None, MSG)
    assert WEBHOOK_KEY not in str(err.value) and err.value.attempts == 3


def test_email_is_multipart_with_the_chinese_subject(smtp: tuple[Mailbox, int]) -> None:
    box, port = smtp
    sender = _sender(smtp_url=f"smtp://127.0.0.1:{port}", smtp_from="督办 <noreply@example.org>")
    msg = Message(
        title="【红色督办】急救科未报送",
        markdown="",
        text="纯文本 正文",
        html="<p>网页 正文</p>",
        attachments=(("月度通报-2026-11.docx", b"PK\x03\x04docx", "application/octet-stream"),),
    )
    sender.send("email", "a@example.org, b@example.org", None, msg)
    [(rcpt, mail)] = box.messages
    assert rcpt == ["a@example.org", "b@example.org"]
    raw_subject = mail.get("Subject", "")
    assert str(make_header(decode_header(raw_subject))) == "【红色督办】急救科未报送"
    assert mail.get_body(("plain",)).get_content().strip() == "纯文本 正文"  # type: ignore[union-attr]
    assert "网页 正文" in mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
    [att] = list(mail.iter_attachments())
    assert att.get_filename() == "月度通报-2026-11.docx"
    assert att.get_content() == b"PK\x03\x04docx"


def test_email_without_smtp_url_fails_cleanly() -> None:
    with pytest.raises(SendError, match="SMTP_URL"):
        _sender().send("email", "a@example.org", None, MSG)


# --- the dispatcher over a real database ------------------------------------------------


@pytest.fixture
def setup(app_engine: Engine, receiver: Receiver, smtp: tuple[Mailbox, int], monkeypatch):  # type: ignore[no-untyped-def]
    """The service world with channels: department A's WeCom group, department B's
    DingTalk group (signed), the office's WeCom group, the leader of A (分管领导) by
    e-mail, and the leadership group (role leader) on WeCom."""
    from tests.factories import make_world

    box, port = smtp
    monkeypatch.setenv("SMTP_URL", f"smtp://127.0.0.1:{port}")
    monkeypatch.setenv("SMTP_FROM", "noreply@example.org")
    monkeypatch.setenv("APP_BASE_URL", "https://campaigns.example.org/")
    world = make_world(app_engine)
    url = receiver.url
    with session_scope(app_engine) as s:
        # the campaign starts this month: no earlier month is still being chased
        campaign = s.get(Campaign, world.campaign_id)
        assert campaign is not None
        campaign.start_date = period_start(world.period)
        wn.set_department_leader(actor=SYSTEM, session=s, department_code="A", leader="leader")
        for name, kind, target, extra in (
            ("甲科群", "wecom", f"{url}/dept-a?key={WEBHOOK_KEY}", {"department_codes": ["A"]}),
            (
                "乙科群",
                "dingtalk",
                f"{url}/robot/send?access_token={DING_TOKEN}",
                {"department_codes": ["B"], "secret": DING_SECRET},
            ),
            ("办公室群", "wecom", f"{url}/office?key=k2", {"role": "office"}),
            ("分管领导邮箱", "email", "leader@example.org", {"leader": "leader"}),
            ("领导小组群", "wecom", f"{url}/leaders?key=k3", {"role": "leader"}),
        ):
            wn.save_channel(actor=SYSTEM, session=s, kind=kind, target=target, name=name, **extra)  # type: ignore[arg-type]
    deadline = report_deadline(world.period, 25)
    return world, deadline, box


def _run(app_engine: Engine, day: dt.date, **kw: object) -> list[dispatch.Delivery]:
    sender = dispatch.default_sender()
    sender.clock = FakeClock()
    sender.limiter = RateLimiter()
    return dispatch.run_reminders(day, engine=app_engine, sender=sender, lang="zh", **kw)  # type: ignore[arg-type]


def _by_channel(deliveries: list[dispatch.Delivery]) -> dict[str, tuple[str, tuple[str, ...]]]:
    return {d.channel: (d.kind, d.departments) for d in deliveries if d.status == "sent"}


def test_blue_yellow_red_reach_the_right_channels_once(setup, app_engine, receiver) -> None:  # type: ignore[no-untyped-def]
    world, deadline, box = setup
    assert _run(app_engine, deadline - dt.timedelta(days=4)) == []

    blue = _run(app_engine, deadline - dt.timedelta(days=3))
    assert _by_channel(blue) == {
        "甲科群": ("blue_before", ("甲科",)),
        "乙科群": ("blue_before", ("乙科",)),
    }
    [a_post] = receiver.bodies("/dept-a")
    content = a_post["markdown"]["content"]
    assert "【蓝色提醒】测试活动" in content and "未报送：1 任务一" in content
    assert "联络员：liaison\\_a" in content  # user text escaped for markdown
    assert "(https://campaigns.example.org/report)" in content
    [b_post] = [p for p in receiver.posts if p.path == "/robot/send"]
    assert b_post.sign_ok is True

    # the same day again: nothing new
    assert _run(app_engine, deadline - dt.timedelta(days=3)) == []
    # a day in between: still blue_before, already sent
    assert _run(app_engine, deadline - dt.timedelta(days=1)) == []

    due = _run(app_engine, deadline)
    assert {k: v[0] for k, v in _by_channel(due).items()} == {
        "甲科群": "blue_due",
        "乙科群": "blue_due",
    }

    # department B reports everything before the warning; A does not
    with session_scope(app_engine) as s:
        write.save_reports(
            actor=world.liaison_b,
            session=s,
            period=world.period,
            submit=True,
            items=[
                write.ReportInput(
                    assignment_id=world.asg_b1,
                    percent_done=50,
                    status="in_progress",
                    problems="人手不足",
                    next_steps="下月补齐",
                )
            ],
        )
    yellow = _run(app_engine, deadline + dt.timedelta(days=1))
    assert _by_channel(yellow) == {
        "甲科群": ("yellow", ("甲科",)),
        "办公室群": ("yellow", ("甲科",)),
    }
    office = receiver.bodies("/office")[-1]["markdown"]["content"]
    assert "【黄色预警】" in office and "逾期 1 天" in office and "/tracker)" in office
    assert _run(app_engine, deadline + dt.timedelta(days=2)) == []

    red = _run(app_engine, deadline + dt.timedelta(days=3))
    assert _by_channel(red) == {
        "甲科群": ("red", ("甲科",)),
        "办公室群": ("red", ("甲科",)),
        "分管领导邮箱": ("red", ("甲科",)),
        "领导小组群": ("red", ("甲科",)),
    }
    [(rcpt, mail)] = box.messages
    assert rcpt == ["leader@example.org"]
    assert str(make_header(decode_header(mail["Subject"]))).startswith("【红色督办】测试活动")
    assert "甲科" in mail.get_body(("plain",)).get_content()
    assert "<b>" in mail.get_body(("html",)).get_content()
    # the cron job runs twice on the red day: nothing is sent twice
    assert _run(app_engine, deadline + dt.timedelta(days=3)) == []
    with session_scope(app_engine) as s:
        log = s.scalars(select(NotifyLog)).all()
    assert {row.status for row in log} == {"sent"}
    assert sum(row.kind == "red" for row in log) == 4


def test_escalation_to_the_leader_in_charge_waits_n_days(setup, app_engine) -> None:  # type: ignore[no-untyped-def]
    world, deadline, _box = setup
    with session_scope(app_engine) as s:
        wn.set_reminder_rules(
            actor=SYSTEM, session=s, campaign_id=world.campaign_id, rules={"red_after": 5}
        )
    for days in (1, 2, 3, 4):
        sent = _run(app_engine, deadline + dt.timedelta(days=days))
        assert "分管领导邮箱" not in _by_channel(sent), days
    red = _run(app_engine, deadline + dt.timedelta(days=5))
    assert _by_channel(red)["分管领导邮箱"] == ("red", ("甲科",))


def test_a_failing_channel_is_logged_and_does_not_block_the_others(
    setup, app_engine, receiver
) -> None:  # type: ignore[no-untyped-def]
    _world, deadline, _box = setup
    receiver.replies["/dept-a"] = [(500, {})] * 3
    first = _run(app_engine, deadline - dt.timedelta(days=3))
    status = {d.channel: d.status for d in first}
    assert status == {"甲科群": "failed", "乙科群": "sent"}
    failed = next(d for d in first if d.status == "failed")
    assert failed.attempts == 3 and failed.error == "HTTP 500"
    # the next run retries what failed, and only that
    again = _run(app_engine, deadline - dt.timedelta(days=2))
    assert {d.channel: d.status for d in again} == {"甲科群": "sent"}


class _SlowSender:
    """The real sender, each message a little slow (a robot answering late): long enough
    for a second run to read the delivery log before the first has written it."""

    def __init__(self, inner: object, pause: float) -> None:
        self.inner, self.pause = inner, pause

    def send(self, *args: object, **kwargs: object) -> int:
        time.sleep(self.pause)
        return self.inner.send(*args, **kwargs)  # type: ignore[attr-defined, no-any-return]


def test_two_runs_at_once_send_each_message_once(setup, app_engine, receiver) -> None:  # type: ignore[no-untyped-def]
    """Two cron runs started at the same moment (two app servers): the second waits for
    the first, then finds everything delivered and sends nothing."""
    _world, deadline, _box = setup
    day = deadline - dt.timedelta(days=3)
    inner = dispatch.default_sender()
    inner.clock = FakeClock()
    inner.limiter = RateLimiter()
    slow = _SlowSender(inner, 0.6)
    results: list[list[dispatch.Delivery]] = []
    start = threading.Barrier(2)

    def one_run() -> None:
        start.wait()
        results.append(dispatch.run_reminders(day, engine=app_engine, sender=slow, lang="zh"))  # type: ignore[arg-type]

    threads = [threading.Thread(target=one_run) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    assert len(results) == 2
    assert sorted(len(r) for r in results) == [0, 2]
    assert len(receiver.bodies("/dept-a")) == 1
    assert len([p for p in receiver.posts if p.path == "/robot/send"]) == 1
    with session_scope(app_engine) as s:
        assert len(s.scalars(select(NotifyLog)).all()) == 2


def test_a_run_gives_up_on_a_live_lease_and_takes_a_lapsed_one(
    setup, app_engine, receiver, capsys
) -> None:  # type: ignore[no-untyped-def]
    from lib.cli import main
    from lib.models import JobLease
    from lib.write import leases

    _world, deadline, _box = setup
    day = deadline - dt.timedelta(days=3)
    assert leases.acquire(app_engine, "remind", "other-host:1", seconds=600)
    with pytest.raises(ServiceError) as busy:
        _run(app_engine, day, wait=0)
    assert busy.value.key == "notify.error_busy"
    assert receiver.posts == []
    # the command line says so in the user's language, and fails
    capsys.readouterr()
    assert main(["remind", "--today", day.isoformat(), "--wait", "0"]) == 1
    assert "另一次提醒发送（remind）仍在进行" in capsys.readouterr().err
    with session_scope(app_engine) as s:
        assert s.scalars(select(NotifyLog)).all() == []
    # the other run died: once its lease has run out, the next run takes it
    with session_scope(app_engine) as s:
        lease = s.get(JobLease, "remind")
        assert lease is not None and lease.holder == "other-host:1"
        lease.until = utcnow() - dt.timedelta(seconds=1)
    sent = _run(app_engine, day, wait=0)
    assert {d.status for d in sent} == {"sent"} and len(sent) == 2
    with session_scope(app_engine) as s:
        lease = s.get(JobLease, "remind")
        assert lease is not None and lease.holder != "other-host:1"
        assert lease.until < utcnow()  # given back at the end of the run


def test_dry_run_sends_and_logs_nothing(setup, app_engine, receiver) -> None:  # type: ignore[no-untyped-def]
    _world, deadline, _box = setup
    dry = _run(app_engine, deadline + dt.timedelta(days=3), dry_run=True)
    assert {d.status for d in dry} == {"dry_run"} and len(dry) == 5
    assert receiver.posts == []
    with session_scope(app_engine) as s:
        assert s.scalars(select(NotifyLog)).all() == []


def test_overdue_problems_are_chased(setup, app_engine, receiver) -> None:  # type: ignore[no-untyped-def]
    world, deadline, _box = setup
    today = deadline + dt.timedelta(days=1)
    with session_scope(app_engine) as s:
        write.register_problem(
            actor=world.office,
            session=s,
            campaign_id=world.campaign_id,
            title="候诊区座椅不足",
            source="complaint",
            found_on=today - dt.timedelta(days=20),
            department_ids=[world.dept_b],
            measure="增加座椅",
            due_date=today - dt.timedelta(days=4),
        )
        write.save_reports(
            actor=world.liaison_b,
            session=s,
            period=world.period,
            submit=True,
            items=[
                write.ReportInput(
                    assignment_id=world.asg_b1,
                    percent_done=50,
                    status="in_progress",
                    problems="人手不足",
                    next_steps="补齐",
                )
            ],
        )
    sent = _by_channel(_run(app_engine, today))
    assert sent["乙科群"][0] == "red" and sent["领导小组群"] == ("red", ("乙科",))
    text = [p for p in receiver.posts if p.path == "/robot/send"][-1].body["markdown"]["text"]
    assert "问题逾期未销号" in text and "候诊区座椅不足" in text and "逾期 4 天" in text


def test_secrets_never_reach_the_audit_the_log_or_the_listing(
    setup, app_engine, receiver, capsys
) -> None:  # type: ignore[no-untyped-def]
    from lib.cli import main

    _world, deadline, _box = setup
    receiver.replies["/dept-a"] = [(500, {})] * 3
    assert main(["remind", "--today", (deadline - dt.timedelta(days=3)).isoformat()]) == 1
    assert main(["channel", "list"]) == 0
    out = capsys.readouterr().out
    with session_scope(app_engine) as s:
        audit = [
            json.dumps([r.before, r.after], ensure_ascii=False) for r in s.scalars(select(AuditLog))
        ]
        log = [f"{r.error}" for r in s.scalars(select(NotifyLog))]
    for secret in (WEBHOOK_KEY, DING_TOKEN, DING_SECRET):
        assert secret not in out
        assert not any(secret in row for row in audit)
        assert not any(secret in row for row in log)
    assert "甲科群" in out and "?***" in out


def test_cli_channel_add_list_test_disable_and_remind(setup, app_engine, receiver, capsys) -> None:  # type: ignore[no-untyped-def]
    from lib.cli import main

    _world, deadline, _box = setup
    code = main(
        [
            "channel",
            "add",
            "--kind",
            "wecom",
            "--target",
            f"{receiver.url}/new?key=zz",
            "--name",
            "新群",
            "--department",
            "B",
        ]
    )
    assert code == 0
    new_id = int(capsys.readouterr().out.strip())
    assert main(["channel", "test", str(new_id)]) == 0
    assert "测试消息" in receiver.bodies("/new")[0]["markdown"]["content"]
    assert main(["channel", "disable", "新群"]) == 0
    capsys.readouterr()
    assert (
        main(["remind", "--today", (deadline - dt.timedelta(days=3)).isoformat(), "--dry-run"]) == 0
    )
    out = capsys.readouterr().out.splitlines()
    assert all("新群" not in line for line in out)
    assert out[-1] == "共 2 条消息：已发送 0，失败 0，演练 2。"
    assert main(["remind", "--today", (deadline - dt.timedelta(days=3)).isoformat()]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "已发送\tblue_before\t甲科群\t甲科" in lines
    assert lines[-1] == "共 2 条消息：已发送 2，失败 0，演练 0。"
    assert (
        main(
            ["channel", "add", "--kind", "email", "--target", "not-an-address", "--role", "office"]
        )
        == 1
    )
    assert main(["set-leader", "B", "liaison_b"]) == 1  # not a leader account
    assert main(["set-leader", "B", "leader"]) == 0


def test_circular_is_sent_by_email_with_the_file_and_as_markdown_to_robots(
    setup, app_engine, receiver
) -> None:  # type: ignore[no-untyped-def]
    from lib.cli import main

    world, _deadline, box = setup
    assert (
        main(
            [
                "circular",
                "--campaign",
                str(world.campaign_id),
                "--period",
                world.period,
                "--send",
                "分管领导邮箱",
            ]
        )
        == 0
    )
    [(_rcpt, mail)] = box.messages
    assert str(make_header(decode_header(mail["Subject"]))).startswith("【通报】测试活动")
    [att] = list(mail.iter_attachments())
    assert att.get_filename().endswith(".docx") and att.get_content()[:2] == b"PK"
    assert (
        main(
            [
                "circular",
                "--campaign",
                str(world.campaign_id),
                "--period",
                world.period,
                "--send",
                "办公室群",
            ]
        )
        == 0
    )
    content = receiver.bodies("/office")[-1]["markdown"]["content"]
    assert content.startswith("# ") and "(https://campaigns.example.org/reports)" in content


def test_scheduled_circular_goes_out_once_on_its_day(setup, app_engine, receiver) -> None:  # type: ignore[no-untyped-def]
    world, deadline, _box = setup
    with session_scope(app_engine) as s:
        wn.set_reminder_rules(
            actor=SYSTEM,
            session=s,
            campaign_id=world.campaign_id,
            rules={"circular_day": 5, "circular_channels": ["办公室群"], "enabled": False},
        )
    day = (deadline.replace(day=1) + dt.timedelta(days=32)).replace(day=5)  # next month
    first = _run(app_engine, day)
    assert [(d.kind, d.channel, d.status) for d in first] == [("circular", "办公室群", "sent")]
    second = _run(app_engine, day)
    assert [d.status for d in second] == ["skipped"]
    assert _run(app_engine, day + dt.timedelta(days=1)) == []


def test_red_needs_a_reason_on_submit(world, app_engine) -> None:  # type: ignore[no-untyped-def]
    """A task behind, at risk or overdue is submitted only with 存在问题 and 下步计划."""
    from lib.write import ServiceError

    def submit(percent: int, problems: str | None, next_steps: str | None) -> None:
        with session_scope(app_engine) as s:
            current = s.scalar(
                select(MonthlyUpdate.version).where(
                    MonthlyUpdate.assignment_id == world.asg_a1,
                    MonthlyUpdate.period == world.period,
                )
            )
            write.save_reports(
                actor=world.liaison_a,
                session=s,
                period=world.period,
                submit=True,
                require_reasons=True,
                items=[
                    write.ReportInput(
                        assignment_id=world.asg_a1,
                        percent_done=percent,
                        status="in_progress",
                        problems=problems,
                        next_steps=next_steps,
                        expected_version=current,
                    )
                ],
            )

    with pytest.raises(ServiceError) as err:
        submit(5, None, None)  # far behind the expected progress: at risk
    assert err.value.key == "notify.reason_required"
    with pytest.raises(ServiceError):
        submit(5, "人手不足", "  ")  # both are needed
    submit(5, "人手不足", "下月增派人员")
    submit(100, None, None)  # done: nothing to explain


def test_the_circular_shows_the_reasons_of_lagging_tasks(world, app_engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from lib.cli import main

    with session_scope(app_engine) as s:
        write.save_reports(
            actor=world.liaison_a,
            session=s,
            period=world.period,
            submit=True,
            require_reasons=True,
            items=[
                write.ReportInput(
                    assignment_id=world.asg_a1,
                    percent_done=5,
                    status="in_progress",
                    problems="设备采购流程较长。",
                    next_steps="下月完成采购",
                )
            ],
        )
    out = tmp_path / "circular.md"
    assert (
        main(
            [
                "circular",
                "--campaign",
                str(world.campaign_id),
                "--period",
                world.period,
                "--out",
                str(out),
            ]
        )
        == 0
    )
    text = out.read_text("utf-8")
    assert "  - 甲科：存在问题：设备采购流程较长；下步计划：下月完成采购" in text


def test_a_long_digest_is_split_by_department_within_the_robot_limit() -> None:
    from lib.notify import messages
    from lib.read.notifications import Missing

    long_title = "以“管理提升年”为工作主题，构建“智慧医疗”“智慧管理”“智慧服务”三大体系" * 2
    depts = [
        messages.DepartmentDue(
            department_id=i,
            name=f"科室{i:02d}",
            stage="red" if i % 3 else "yellow",
            liaisons=(f"联络员{i}",),
            items=tuple(Missing("missing", str(n), long_title) for n in range(1, 4 + i % 5)),
        )
        for i in range(33)
    ]
    # one department alone beyond the limit lists fewer items
    depts.append(
        messages.DepartmentDue(
            99,
            "超长科室",
            "red",
            (),
            tuple(Missing("missing", str(n), long_title) for n in range(40)),
        )
    )
    parts = messages.digest_parts(
        campaign="测试活动",
        period="2026-11",
        deadline=dt.date(2026, 11, 25),
        today=dt.date(2026, 11, 28),
        departments=depts,
        link="https://x.example/tracker",
        max_bytes=4000,
    )
    assert len(parts) > 1
    assert all(len(m.markdown.encode()) <= 4000 for _g, m in parts)
    covered = [d.department_id for group, _m in parts for d in group]
    assert sorted(covered) == sorted(d.department_id for d in depts)
    longest = next(m for g, m in parts if g[0].department_id == 99)
    assert "另有" in longest.markdown and "(https://x.example/tracker)" in longest.markdown
    # no limit (e-mail): one message
    assert (
        len(
            messages.digest_parts(
                campaign="测试活动",
                period="2026-11",
                deadline=dt.date(2026, 11, 25),
                today=dt.date(2026, 11, 28),
                departments=depts,
                link="https://x.example/tracker",
            )
        )
        == 1
    )
