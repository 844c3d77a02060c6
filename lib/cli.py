"""Command line: ``python -m lib.cli COMMAND`` (honours DATABASE_URL).

Commands: init, demo [--reset], create-user, set-password, backup OUT, restore IN,
unlock USERNAME [--block-address ADDR], unblock-address ADDR, login-locks [USERNAME],
import-plan, import-excel, export-excel, export-deck, circular, export-report.
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
from lib.i18n import role_label, set_default_lang, t
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
                until=row["locked_until"].isoformat(sep=" ", timespec="seconds"),
            )
        )
    for row in blocked:
        print(
            t(
                "cli.blocked_line",
                network=row["network"],
                reason=row["reason"] or "—",
                by=row["blocked_by"],
                at=row["blocked_at"].isoformat(sep=" ", timespec="seconds"),
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
    engine = _engine()
    upgrade(engine)
    with session_scope(engine) as session:
        result = import_workbook(
            path.read_bytes(),
            actor=Actor.system(),
            session=session,
            campaign_id=args.campaign,
            dry_run=args.dry_run,
        )
        if result.problems:
            session.rollback()
    if result.problems:
        for problem in result.problems:
            print(problem.message(), file=sys.stderr)
        print(t("import.refused", count=len(result.problems)), file=sys.stderr)
        return 1
    key = "import.dry_run_ok" if args.dry_run else "import.done"
    print(t(key, created=result.created, updated=result.updated, unchanged=result.unchanged))
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
    p.set_defaults(func=cmd_import_excel)

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
