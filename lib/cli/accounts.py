"""Commands that set up the installation: schema, demo data, logins, backups, login locks."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from lib import demo
from lib.cli.common import (
    existing_file,
    open_engine,
    read_password,
    safe_url,
    system_session,
    upgraded_engine,
)
from lib.db import current_revision, session_scope
from lib.domain.permissions import Actor
from lib.i18n import fmt_datetime, role_label, t
from lib.io import backup as backup_mod
from lib.models import ROLES, Campaign, Department, MonthlyUpdate
from lib.write import create_user, set_password


def cmd_init(_args: argparse.Namespace) -> int:
    engine = upgraded_engine()
    print(t("cli.init_done", revision=current_revision(engine), url=safe_url()))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    engine = upgraded_engine()
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


def cmd_create_user(args: argparse.Namespace) -> int:
    password = read_password(args)
    if password is None:
        return 2
    with system_session() as session:
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
    password = read_password(args)
    if password is None:
        return 2
    engine = open_engine()
    with session_scope(engine) as session:
        set_password(
            actor=Actor.system(), session=session, username=args.username, new_password=password
        )
    print(t("cli.password_set", username=args.username))
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    rows = backup_mod.backup(open_engine(), Path(args.out))
    print(t("cli.backup_done", rows=rows, path=args.out))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    path = existing_file(args.file)
    if path is None:
        return 1
    max_bytes = int(args.max_mb * 1024 * 1024) if args.max_mb else backup_mod.MAX_RESTORE_BYTES
    try:
        rows = backup_mod.restore(open_engine(), path, max_bytes=max_bytes)
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

    with system_session() as session:
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

    with system_session() as session:
        unblock_address(actor=Actor.system(), session=session, address=args.address)
    print(t("cli.address_unblocked", network=block_network(args.address)))
    return 0


def cmd_login_locks(args: argparse.Namespace) -> int:
    """Locks in force and blocked addresses (the audit log has every failed attempt)."""
    from lib.read import logins

    engine = upgraded_engine()
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


def _command(
    sub: argparse._SubParsersAction,  # type: ignore[type-arg]
    name: str,
    func: Callable[[argparse.Namespace], int],
    help: str,
    *positional: str,
) -> argparse.ArgumentParser:
    """The subcommand ``name`` running ``func``, with its ``positional`` arguments; add
    its options to the parser returned."""
    p = sub.add_parser(name, help=help)
    for arg in positional:
        p.add_argument(arg)
    p.set_defaults(func=func)
    return p


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """init, demo, create-user, set-password, unlock, unblock-address, login-locks, backup,
    restore."""
    _command(sub, "init", cmd_init, "create or upgrade the database schema")
    p = _command(sub, "demo", cmd_demo, "load the demo campaigns and accounts")
    p.add_argument("--reset", action="store_true", help="delete all data first")
    p.add_argument("--today", help="anchor date YYYY-MM-DD (default: today)")

    p = _command(sub, "create-user", cmd_create_user, "create a login", "username")
    p.add_argument("--role", action="append", required=True, choices=ROLES)
    p.add_argument("--department", help="department code (required for liaison)")
    p.add_argument("--display-name")
    p.add_argument("--password-stdin", action="store_true", required=True)

    p = _command(sub, "set-password", cmd_set_password, "set a user's password", "username")
    p.add_argument("--password-stdin", action="store_true", required=True)

    p = _command(
        sub, "unlock", cmd_unlock, "clear a user's login locks (and block an address)", "username"
    )
    p.add_argument("--block-address", help="also refuse every login from this address/network")
    p.add_argument("--reason", help="why the address is blocked (kept with the block)")

    _command(
        sub,
        "unblock-address",
        cmd_unblock_address,
        "lift a block set with unlock --block-address",
        "address",
    )
    _command(
        sub, "login-locks", cmd_login_locks, "list login locks in force and blocked addresses"
    ).add_argument("username", nargs="?")
    _command(sub, "backup", cmd_backup, "write every row to a backup file", "out")
    p = _command(sub, "restore", cmd_restore, "restore a backup into an empty database", "file")
    p.add_argument(
        "--max-mb",
        type=float,
        default=None,
        help=f"refuse a file that unpacks to more (default {backup_mod.MAX_RESTORE_BYTES >> 20})",
    )
