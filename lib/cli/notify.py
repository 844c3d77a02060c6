"""Commands that reach people (issue 22): channels, leaders, reminder rules, reminders."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from lib.cli.common import (
    MAX_STDIN_LINE,
    meeting_data,
    system_session,
    upgraded_engine,
)
from lib.db import session_scope
from lib.domain.permissions import Actor
from lib.i18n import current_lang, join_list, t
from lib.write import ServiceError


def _channel_or_fail(name: str):  # type: ignore[no-untyped-def]
    from lib.read import notifications as reads

    ch = reads.channel(name)
    if ch is None:
        raise ServiceError("notify.error_channel_unknown", channel=name)
    return ch


def _print_delivery(d) -> None:  # type: ignore[no-untyped-def]
    line = t(
        "notify.cli_line",
        status=t(f"notify.status_{d.status}"),
        kind=d.kind,
        channel=d.channel,
        departments=join_list(list(d.departments)) if d.departments else "—",
    )
    print(line if d.error is None else f"{line}\t{d.error}")


def send_circular(args: argparse.Namespace) -> int:
    from lib.domain.periods import is_period
    from lib.notify import dispatch
    from lib.read import queries

    if not is_period(args.period):
        raise ServiceError("cli.bad_period", period=args.period)
    engine = upgraded_engine()
    ch = _channel_or_fail(args.send)
    meeting_data(args)  # refuses an unknown campaign or a month outside it
    d = dispatch.send_circular(
        args.campaign,
        args.period,
        ch,
        today=queries.today(),
        engine=engine,
        lang=args.doc_lang or current_lang(),
        with_deck=args.deck,
    )
    _print_delivery(d)
    return 0 if d.status == "sent" else 1


def cmd_channel(args: argparse.Namespace) -> int:
    from lib.notify import dispatch
    from lib.read import notifications as reads
    from lib.write import notifications as wn

    engine = upgraded_engine()
    if args.action == "add":
        secret = args.secret
        if args.secret_stdin:
            secret = sys.stdin.readline(MAX_STDIN_LINE).strip() or None
        with session_scope(engine) as session:
            ch = wn.save_channel(
                actor=Actor.system(),
                session=session,
                kind=args.kind,
                target=args.target,
                name=args.name,
                secret=secret,
                department_codes=args.department or [],
                role=args.role,
                leader=args.leader,
            )
            new_id = ch.id
        print(new_id)
        return 0
    if args.action == "list":
        chans = reads.channels()
        if not chans:
            print(t("notify.cli_none"))
        for c in chans:
            audience = ",".join(
                [*(f"dept:{d}" for d in c.departments)]
                + ([f"role:{c.role}"] if c.role else [])
                + ([f"leader:{c.leader_user_id}"] if c.leader_user_id else [])
            )
            print(
                t(
                    "notify.cli_channel",
                    id=c.id,
                    name=c.name,
                    kind=c.kind,
                    target=c.target_shown,
                    audience=audience or "—",
                    state=t("notify.active" if c.active else "notify.inactive"),
                )
            )
        return 0
    if not args.channel:
        print(t("cli.error", message="NAME_OR_ID"), file=sys.stderr)
        return 2
    if args.action == "test":
        d = dispatch.send_test(_channel_or_fail(args.channel), engine=engine)
        if d.status == "sent":
            print(t("notify.cli_sent", name=d.channel))
            return 0
        print(t("notify.cli_failed", name=d.channel, error=d.error), file=sys.stderr)
        return 1
    active = args.action == "enable"
    with session_scope(engine) as session:
        ch = wn.set_channel_active(
            actor=Actor.system(), session=session, channel=args.channel, active=active
        )
        name = ch.name
    print(t("notify.cli_enabled" if active else "notify.cli_disabled", name=name))
    return 0


def cmd_set_leader(args: argparse.Namespace) -> int:
    from lib.write import notifications as wn

    with system_session() as session:
        wn.set_department_leader(
            actor=Actor.system(),
            session=session,
            department_code=args.department,
            leader=None if args.clear else args.leader,
        )
    print(t("notify.cli_leader_set", department=args.department, leader=args.leader or "—"))
    return 0


def cmd_reminder_rules(args: argparse.Namespace) -> int:
    import json

    from lib.write import notifications as wn

    engine = upgraded_engine()
    changes: dict[str, object] = {}
    for name in ("blue_before", "red_after", "circular_day"):
        value = getattr(args, name)
        if value is not None:
            changes[name] = value
    if args.circular_channel is not None:
        changes["circular_channels"] = args.circular_channel
    if args.off or args.on:
        changes["enabled"] = bool(args.on)
    if args.deck is not None:
        changes["circular_deck"] = args.deck
    with session_scope(engine) as session:
        rules = wn.set_reminder_rules(
            actor=Actor.system(), session=session, campaign_id=args.campaign, rules=changes
        )
    print(json.dumps(rules, ensure_ascii=False))
    return 0


def cmd_remind(args: argparse.Namespace) -> int:
    from lib.notify import dispatch
    from lib.read import queries

    try:
        today = dt.date.fromisoformat(args.today) if args.today else queries.today()
    except ValueError:
        print(t("cli.error", message="--today YYYY-MM-DD"), file=sys.stderr)
        return 2
    engine = upgraded_engine()
    deliveries = dispatch.run_reminders(
        today,
        campaign_ids=[args.campaign] if args.campaign else None,
        dry_run=args.dry_run,
        engine=engine,
        wait=max(0.0, args.wait),
    )
    for d in deliveries:
        _print_delivery(d)
    count = {s: sum(d.status == s for d in deliveries) for s in ("sent", "failed", "dry_run")}
    print(
        t(
            "notify.cli_summary",
            total=len(deliveries),
            sent=count["sent"],
            failed=count["failed"],
            dry_run=count["dry_run"],
        )
    )
    return 1 if count["failed"] else 0


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """channel, set-leader, reminder-rules, remind."""
    p = sub.add_parser("channel", help="notification channels: add, list, test, disable, enable")
    p.add_argument("action", choices=["add", "list", "test", "disable", "enable"])
    p.add_argument("channel", nargs="?", help="channel name or id (test, disable, enable)")
    p.add_argument("--kind", choices=["wecom", "dingtalk", "email"])
    p.add_argument("--target", help="webhook URL, or e-mail addresses")
    p.add_argument("--name")
    p.add_argument("--secret", help="DingTalk signing secret (or --secret-stdin)")
    p.add_argument("--secret-stdin", action="store_true")
    p.add_argument("--department", action="append", help="department code (repeatable)")
    p.add_argument("--role", choices=["office", "leader"])
    p.add_argument("--leader", help="a leader account: gets the red 督办 of their departments")
    p.set_defaults(func=cmd_channel)

    p = sub.add_parser("set-leader", help="set a department's leader in charge (分管领导)")
    p.add_argument("department", help="department code")
    p.add_argument("leader", nargs="?", help="leader account")
    p.add_argument("--clear", action="store_true")
    p.set_defaults(func=cmd_set_leader)

    p = sub.add_parser("reminder-rules", help="a campaign's reminder rules")
    p.add_argument("--campaign", type=int, required=True)
    p.add_argument("--blue-before", type=int, help="days before the deadline (blue)")
    p.add_argument("--red-after", type=int, help="days after the deadline (red)")
    p.add_argument(
        "--circular-day", type=int, help="day of the month the circular is sent (0: off)"
    )
    p.add_argument("--circular-channel", action="append", help="channel for the circular")
    p.add_argument(
        "--deck",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="attach the deck to the circular e-mail",
    )
    p.add_argument("--on", action="store_true")
    p.add_argument("--off", action="store_true")
    p.set_defaults(func=cmd_reminder_rules)

    p = sub.add_parser("remind", help="send the reminders and escalations due (cron)")
    p.add_argument("--campaign", type=int, help="campaign id (default: every active one)")
    p.add_argument("--today", help="the day, YYYY-MM-DD (default: today)")
    p.add_argument("--dry-run", action="store_true", help="print what would be sent")
    p.add_argument(
        "--wait",
        type=float,
        default=300.0,
        help="seconds to wait for another remind run still sending (default 300)",
    )
    p.set_defaults(func=cmd_remind)
