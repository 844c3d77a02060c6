"""Command line: ``python -m lib.cli COMMAND`` (honours DATABASE_URL).

Commands: init, demo [--reset], create-user, set-password, backup OUT, restore IN,
unlock USERNAME [--block-address ADDR], unblock-address ADDR, login-locks [USERNAME],
import-plan, import-excel, excel-template, export-excel, export-deck, circular [--send CHANNEL],
export-report, channel add/list/test/disable/enable, set-leader, reminder-rules, remind.
Exit codes: 0 success, 1 refused or failed (message on stderr), 2 bad arguments.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import func, select

from lib import demo
from lib.config import database_url
from lib.db import current_revision, get_engine, session_scope, upgrade
from lib.domain.permissions import Actor
from lib.i18n import current_lang, fmt_datetime, join_list, role_label, set_default_lang, t
from lib.io import backup as backup_mod
from lib.models import ROLES, Campaign, Department, MonthlyUpdate
from lib.write import ServiceError, create_user, set_password


def _engine():  # type: ignore[no-untyped-def]
    return get_engine(database_url())


def _safe_url() -> str:
    return _engine().url.render_as_string(hide_password=True)


def cmd_init(_args: argparse.Namespace) -> int:
    engine = _engine()
    upgrade(engine)
    print(t("cli.init_done", revision=current_revision(engine), url=_safe_url()))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    engine = _engine()
    upgrade(engine)
    today = dt.date.fromisoformat(args.today) if args.today else None
    with session_scope(engine) as session:
        if args.reset:
            demo.reset(session)
        elif demo.has_data(session):
            print(t("cli.demo_exists"))
            return 0
        accounts = demo.load_demo(session, today=today)
        campaigns = session.scalar(select(func.count(Campaign.id)))
        departments = session.scalar(select(func.count(Department.id)))
        updates = session.scalar(select(func.count(MonthlyUpdate.id)))
    print(t("cli.demo_loaded", campaigns=campaigns, departments=departments, updates=updates))
    print(t("cli.demo_accounts", password=demo.DEMO_PASSWORD))
    for acc in accounts:
        dept = f"\t{acc.department}" if acc.department else ""
        print(f"  {acc.username}\t{acc.role}\t{role_label(acc.role)}{dept}")
    return 0


# The longest line read from stdin: a password is at most 72 bytes, so an endless line
# is never held in memory (what is cut off fails the password rules).
MAX_STDIN_LINE = 1024
# Plan documents (.txt/.docx) read by import-plan: the same limit as an upload in the app.
MAX_PLAN_FILE_BYTES = 10 * 1024 * 1024


def _read_password(args: argparse.Namespace) -> str | None:
    if not args.password_stdin:
        return None
    value = sys.stdin.readline(MAX_STDIN_LINE).rstrip("\r\n")
    return value or None


def cmd_create_user(args: argparse.Namespace) -> int:
    password = _read_password(args)
    if password is None:
        print(t("cli.password_stdin_empty"), file=sys.stderr)
        return 2
    engine = _engine()
    upgrade(engine)
    with session_scope(engine) as session:
        create_user(
            actor=Actor.system(),
            session=session,
            username=args.username,
            password=password,
            roles=args.role,
            display_name=args.display_name,
            department_code=args.department,
        )
    print(t("cli.user_created", username=args.username.lower(), roles=",".join(args.role)))
    return 0


def cmd_set_password(args: argparse.Namespace) -> int:
    password = _read_password(args)
    if password is None:
        print(t("cli.password_stdin_empty"), file=sys.stderr)
        return 2
    engine = _engine()
    with session_scope(engine) as session:
        set_password(
            actor=Actor.system(), session=session, username=args.username, new_password=password
        )
    print(t("cli.password_set", username=args.username))
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    rows = backup_mod.backup(_engine(), Path(args.out))
    print(t("cli.backup_done", rows=rows, path=args.out))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        print(t("cli.file_missing", path=path), file=sys.stderr)
        return 1
    max_bytes = int(args.max_mb * 1024 * 1024) if args.max_mb else backup_mod.MAX_RESTORE_BYTES
    try:
        rows = backup_mod.restore(_engine(), path, max_bytes=max_bytes)
    except backup_mod.BackupError as exc:
        messages = {
            "not-empty": t("cli.restore_not_empty", path=path),
            "bomb": t(
                "cli.backup_bomb",
                path=path,
                max=max_bytes // (1024 * 1024),
                ratio=backup_mod.MAX_RATIO,
            ),
            "too-deep": t("cli.backup_too_deep", path=path),
            "rows": t("cli.backup_rows_invalid", path=path, table=exc.params.get("table", "—")),
        }
        print(messages.get(exc.kind, t("cli.backup_invalid", path=path)), file=sys.stderr)
        return 1
    print(t("cli.restore_done", rows=rows, path=path))
    return 0


def cmd_unlock(args: argparse.Namespace) -> int:
    """Clear every login lock of a user (the real owner's way back in); optionally block
    the attacking address at the same time."""
    from lib.domain.login_policy import block_network
    from lib.write import unlock_login

    engine = _engine()
    upgrade(engine)
    with session_scope(engine) as session:
        count = unlock_login(
            actor=Actor.system(),
            session=session,
            username=args.username,
            block=args.block_address,
            reason=args.reason,
        )
    print(t("cli.unlock_done", username=args.username.strip().lower(), count=count))
    if args.block_address:
        print(t("cli.address_blocked", network=block_network(args.block_address)))
    return 0


def cmd_unblock_address(args: argparse.Namespace) -> int:
    from lib.domain.login_policy import block_network
    from lib.write import unblock_address

    engine = _engine()
    upgrade(engine)
    with session_scope(engine) as session:
        unblock_address(actor=Actor.system(), session=session, address=args.address)
    print(t("cli.address_unblocked", network=block_network(args.address)))
    return 0


def cmd_login_locks(args: argparse.Namespace) -> int:
    """Locks in force and blocked addresses (the audit log has every failed attempt)."""
    from lib.read import logins

    engine = _engine()
    upgrade(engine)
    locks = logins.current_locks(args.username, engine=engine)
    blocked = logins.blocked_addresses(engine=engine)
    if not locks and not blocked:
        print(t("cli.locks_none"))
    for row in locks:
        print(
            t(
                "cli.lock_line",
                username=row["username"],
                address=row["address"],
                locks=row["locks"],
                until=fmt_datetime(row["locked_until"], seconds=True),
            )
        )
    for row in blocked:
        print(
            t(
                "cli.blocked_line",
                network=row["network"],
                reason=row["reason"] or "—",
                by=row["blocked_by"],
                at=fmt_datetime(row["blocked_at"], seconds=True),
            )
        )
    return 0


def cmd_import_plan(args: argparse.Namespace) -> int:
    """Parse a plan document; --dry-run prints the draft and what to check, otherwise
    creates the campaign. Nothing is guessed: a plan without tasks, a plan that does not
    state its year (20xx) without --year, or one without any date without --start/--end
    is refused (exit 1) with the reason."""
    import json

    from lib.domain.plan import parse_plan, plan_warnings
    from lib.io.plan_file import PlanFileError, read_plan_file
    from lib.write import create_campaign_from_plan

    path = Path(args.file)
    if not path.is_file():
        print(t("cli.file_missing", path=path), file=sys.stderr)
        return 1
    size = path.stat().st_size
    if size > MAX_PLAN_FILE_BYTES:
        print(
            t(
                "cli.file_too_large",
                path=path,
                size=f"{size / 1048576:.1f}",
                max=MAX_PLAN_FILE_BYTES >> 20,
            ),
            file=sys.stderr,
        )
        return 1
    try:
        start = dt.date.fromisoformat(args.start) if args.start else None
        end = dt.date.fromisoformat(args.end) if args.end else None
    except ValueError:
        print(t("cli.error", message="--start/--end: YYYY-MM-DD"), file=sys.stderr)
        return 2
    try:
        draft = parse_plan(read_plan_file(str(path)), year=args.year)
    except PlanFileError as exc:
        print(t("cli.error", message=t(exc.key)), file=sys.stderr)
        return 1
    warnings = plan_warnings(draft, start)
    messages = [t(key, **params) for key, params in warnings]
    if args.dry_run:
        if args.json:
            data = draft.to_json()
            data["warnings"] = [
                {"key": key, "message": msg}
                for (key, _), msg in zip(warnings, messages, strict=True)
            ]
            print(json.dumps(data, ensure_ascii=False))
        else:
            print(
                t(
                    "cli.plan_summary",
                    title=draft.title or "—",
                    phases=len(draft.phases),
                    areas=len(draft.areas),
                    tasks=len(draft.tasks),
                )
            )
            for msg in messages:
                print(t("cli.warning", message=msg))
        if not draft.tasks:
            print(t("cli.plan_no_tasks"), file=sys.stderr)
            return 1
        return 0
    keys = {key for key, _ in warnings}
    refusal = None
    if not draft.tasks:
        refusal = "cli.plan_no_tasks"
    elif keys & {"plan.warn_year_placeholder", "plan.warn_year_unknown"}:
        refusal = "cli.plan_year_needed"
    else:
        stated_start, stated_end = draft.stated_span()
        if (stated_start is None and start is None) or (stated_end is None and end is None):
            refusal = "cli.plan_dates_needed"
    if refusal:
        print(t(refusal), file=sys.stderr)
        return 1
    for msg in messages:
        print(t("cli.warning", message=msg), file=sys.stderr)
    engine = _engine()
    upgrade(engine)
    with session_scope(engine) as session:
        campaign = create_campaign_from_plan(
            actor=Actor.system(),
            session=session,
            draft=draft,
            start=start,
            end=end,
            organisation_code=args.organisation,
        )
        campaign_id = campaign.id
    print(json.dumps({"id": campaign_id}) if args.json else campaign_id)
    return 0


def cmd_import_excel(args: argparse.Namespace) -> int:
    """Validate a workbook whole; write it only when every row is valid."""
    from lib.io.excel_import import import_workbook

    path = Path(args.file)
    if not path.is_file():
        print(t("cli.file_missing", path=path), file=sys.stderr)
        return 1
    shown = [-1]

    def progress(fraction: float, what: str) -> None:
        step = int(fraction * 10)  # a line per tenth
        if step != shown[0]:
            shown[0] = step
            print(f"{int(fraction * 100):3d}% {what}", file=sys.stderr, flush=True)

    engine = _engine()
    upgrade(engine)
    with session_scope(engine) as session:
        result = import_workbook(
            path.read_bytes(),
            actor=Actor.system(),
            session=session,
            campaign_id=args.campaign,
            dry_run=args.dry_run,
            progress=progress if args.progress else None,
        )
        if result.problems:
            session.rollback()
    for note in result.notes:
        print(t("import.note", message=note.message()), file=sys.stderr)
    if result.problems:
        for problem in result.problems:
            print(problem.message(), file=sys.stderr)
        print(t("import.refused", count=len(result.problems)), file=sys.stderr)
        return 1
    key = "import.dry_run_ok" if args.dry_run else "import.done"
    print(t(key, created=result.created, updated=result.updated, unchanged=result.unchanged))
    return 0


def cmd_excel_template(args: argparse.Namespace) -> int:
    """The empty workbook to fill in, with drop-downs of the stored departments and units."""
    from sqlalchemy import select

    from lib.io.excel_import import template_workbook
    from lib.models import Department, Indicator, Task

    engine = _engine()
    upgrade(engine)
    with session_scope(engine) as session:
        departments = [
            (code, name)
            for code, name in session.execute(
                select(Department.code, Department.name)
                .where(Department.active.is_(True))
                .order_by(Department.sort_order, Department.code)
            )
        ]
        units = sorted(
            {u for (u,) in session.execute(select(Indicator.unit).distinct()) if u}
            | {u for (u,) in session.execute(select(Task.target_unit).distinct()) if u}
        )
    data = template_workbook(
        args.sheets.split(",") if args.sheets else None,
        lang=args.template_lang or current_lang(),
        departments=departments,
        units=units,
    )
    _write(args.out, data)
    print(t("cli.excel_template_done", path=args.out))
    return 0


def cmd_export_excel(args: argparse.Namespace) -> int:
    from lib.io.excel_export import export_workbook

    engine = _engine()
    with session_scope(engine) as session:
        data = export_workbook(session, campaign_id=args.campaign)
    Path(args.out).write_bytes(data)
    print(t("cli.export_done", path=args.out))
    return 0


def _meeting_data(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """Campaign and month from the arguments, or a ServiceError naming what is wrong."""
    from lib.domain.periods import is_period
    from lib.i18n import current_lang
    from lib.io import meeting
    from lib.read import queries, views

    if not is_period(args.period):
        raise ServiceError("cli.bad_period", period=args.period)
    get_engine(database_url())
    ctx = views.context(args.campaign, queries.today(), args.period)
    if ctx is None:
        raise ServiceError("cli.no_campaign", campaign=args.campaign)
    if args.period not in views.campaign_periods(ctx):
        raise ServiceError("cli.period_outside", period=args.period)
    return meeting.meeting_data(ctx, args.doc_lang or current_lang())


def _write(path: str, data: bytes) -> None:
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)


def cmd_export_deck(args: argparse.Namespace) -> int:
    from lib.io import deck

    data = _meeting_data(args)
    _write(args.out, deck.build_deck(data))
    print(t("cli.written", path=args.out))
    return 0


def cmd_circular(args: argparse.Namespace) -> int:
    from lib.io import circular

    if not args.out and not args.send:
        print(t("cli.error", message="--out FILE or --send CHANNEL"), file=sys.stderr)
        return 2
    if args.send:
        return _send_circular(args)
    data = _meeting_data(args)
    head = circular.circular_head(data, issuer=args.issuer, prefix=args.prefix, number=args.number)
    text = circular.circular_text(data, head)
    if args.out.endswith(".md"):
        out = text.encode("utf-8")
    elif args.out.endswith(".pdf"):
        try:
            out = circular.circular_pdf(text, head)
        except RuntimeError as exc:
            print(str(exc), file=sys.stderr)
            return 1
    else:
        out = circular.circular_docx(text, head)
    _write(args.out, out)
    print(t("cli.written", path=args.out))
    return 0


def cmd_export_report(args: argparse.Namespace) -> int:
    from lib.io import report_xlsx

    _write(args.out, report_xlsx.excel_report(_meeting_data(args)))
    print(t("cli.written", path=args.out))
    return 0


# --- reaching people (issue 22) ------------------------------------------------------------


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


def _send_circular(args: argparse.Namespace) -> int:
    from lib.domain.periods import is_period
    from lib.notify import dispatch
    from lib.read import queries

    if not is_period(args.period):
        raise ServiceError("cli.bad_period", period=args.period)
    engine = _engine()
    upgrade(engine)
    ch = _channel_or_fail(args.send)
    _meeting_data(args)  # refuses an unknown campaign or a month outside it
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

    engine = _engine()
    upgrade(engine)
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

    engine = _engine()
    upgrade(engine)
    with session_scope(engine) as session:
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

    engine = _engine()
    upgrade(engine)
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
    engine = _engine()
    upgrade(engine)
    deliveries = dispatch.run_reminders(
        today,
        campaign_ids=[args.campaign] if args.campaign else None,
        dry_run=args.dry_run,
        engine=engine,
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m lib.cli", description=t("app.title"))
    parser.add_argument(
        "--lang",
        choices=["zh", "en"],
        default=None,
        help="message language (default: APP_LOCALE or zh)",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("init", help="create or upgrade the database schema").set_defaults(func=cmd_init)
    p = sub.add_parser("demo", help="load the demo campaigns and accounts")
    p.add_argument("--reset", action="store_true", help="delete all data first")
    p.add_argument("--today", help="anchor date YYYY-MM-DD (default: today)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("create-user", help="create a login")
    p.add_argument("username")
    p.add_argument("--role", action="append", required=True, choices=ROLES)
    p.add_argument("--department", help="department code (required for liaison)")
    p.add_argument("--display-name")
    p.add_argument("--password-stdin", action="store_true", required=True)
    p.set_defaults(func=cmd_create_user)

    p = sub.add_parser("set-password", help="set a user's password")
    p.add_argument("username")
    p.add_argument("--password-stdin", action="store_true", required=True)
    p.set_defaults(func=cmd_set_password)

    p = sub.add_parser("unlock", help="clear a user's login locks (and block an address)")
    p.add_argument("username")
    p.add_argument("--block-address", help="also refuse every login from this address/network")
    p.add_argument("--reason", help="why the address is blocked (kept with the block)")
    p.set_defaults(func=cmd_unlock)

    p = sub.add_parser("unblock-address", help="lift a block set with unlock --block-address")
    p.add_argument("address")
    p.set_defaults(func=cmd_unblock_address)

    p = sub.add_parser("login-locks", help="list login locks in force and blocked addresses")
    p.add_argument("username", nargs="?")
    p.set_defaults(func=cmd_login_locks)

    p = sub.add_parser("backup", help="write every row to a backup file")
    p.add_argument("out")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="restore a backup into an empty database")
    p.add_argument("file")
    p.add_argument(
        "--max-mb",
        type=float,
        default=None,
        help=f"refuse a file that unpacks to more (default {backup_mod.MAX_RESTORE_BYTES >> 20})",
    )
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("import-plan", help="read a plan document (.txt/.docx) into a campaign")
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="parse only, write nothing")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--organisation", help="organising department code")
    p.add_argument("--year", type=int, help="the plan's year where it writes 20xx or none")
    p.add_argument("--start", help="campaign start, YYYY-MM-DD (default: from the plan)")
    p.add_argument("--end", help="campaign end, YYYY-MM-DD (default: from the plan)")
    p.set_defaults(func=cmd_import_plan)

    p = sub.add_parser("import-excel", help="import an Excel workbook (all or nothing)")
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
    p.add_argument("--campaign", type=int, help="campaign id for sheets without one")
    p.add_argument("--progress", action="store_true", help="show progress on stderr")
    p.set_defaults(func=cmd_import_excel)

    p = sub.add_parser("excel-template", help="write the empty import workbook (.xlsx)")
    p.add_argument("out")
    p.add_argument("--sheets", help="sheet keys, comma-separated (default: every sheet)")
    p.add_argument("--template-lang", choices=["zh", "en"], help="headers' language")
    p.set_defaults(func=cmd_excel_template)

    p = sub.add_parser("export-excel", help="export a campaign (or everything) to .xlsx")
    p.add_argument("out")
    p.add_argument("--campaign", type=int, help="campaign id (default: every campaign)")
    p.set_defaults(func=cmd_export_excel)

    for name, helptext, handler in (
        ("export-deck", "write the meeting deck (.pptx) for a campaign and month", cmd_export_deck),
        (
            "circular",
            "write the monthly circular (.docx; .md for Markdown, .pdf through LibreOffice)",
            cmd_circular,
        ),
        ("export-report", "write the Excel report for a campaign and month", cmd_export_report),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("--campaign", type=int, required=True, help="campaign id")
        p.add_argument("--period", required=True, help="month, YYYY-MM")
        if name == "circular":
            p.add_argument("--out", help="output file")
            p.add_argument("--send", metavar="CHANNEL", help="send it to a channel (name or id)")
            p.add_argument("--deck", action="store_true", help="with --send: attach the deck")
        else:
            p.add_argument("--out", required=True, help="output file")
        p.add_argument(
            "--lang",
            dest="doc_lang",
            choices=["zh", "en"],
            default=None,
            help="language of the document (default: the CLI language)",
        )
        if name == "circular":
            p.add_argument("--issuer", help="issuing office (default: campaign setting)")
            p.add_argument("--prefix", help="document number prefix, e.g. 服务办")
            p.add_argument("--number", type=int, help="document number (default: month index)")
        p.set_defaults(func=handler)

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
    p.set_defaults(func=cmd_remind)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    import logging
    import os

    import streamlit  # noqa: F401  (creates its loggers, which we quieten below)

    # the read caches work without a Streamlit server; do not warn about it on every call
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.ERROR)

    set_default_lang(os.environ.get("APP_LOCALE", "zh"))
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.lang:
        set_default_lang(args.lang)
    if args.command == "demo" and args.today:
        try:
            dt.date.fromisoformat(args.today)
        except ValueError:
            parser.error("--today must be YYYY-MM-DD")
    try:
        return int(args.func(args))
    except ServiceError as exc:
        print(t("cli.error", message=exc.message()), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
