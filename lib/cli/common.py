"""What every command of the command line shares: the engine, reading a password or a
secret from stdin, writing a file, the campaign and month of a document."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.orm import Session

from lib.config import database_url
from lib.db import get_engine, session_scope, upgrade
from lib.i18n import current_lang, t
from lib.write import ServiceError


def open_engine():  # type: ignore[no-untyped-def]
    return get_engine(database_url())


def upgraded_engine():  # type: ignore[no-untyped-def]
    """The engine, its schema created or upgraded first."""
    engine = open_engine()
    upgrade(engine)
    return engine


@contextmanager
def system_session() -> Iterator[Session]:
    """One transaction of the upgraded database, for a command acting as the system."""
    with session_scope(upgraded_engine()) as session:
        yield session


def safe_url() -> str:
    return open_engine().url.render_as_string(hide_password=True)


# The longest line read from stdin: a password is at most 72 bytes, so an endless line
# is never held in memory (what is cut off fails the password rules).
MAX_STDIN_LINE = 1024
# Plan documents (.txt/.docx) read by import-plan: the same limit as an upload in the app.
MAX_PLAN_FILE_BYTES = 10 * 1024 * 1024


def read_password(args: argparse.Namespace) -> str | None:
    """The password given on stdin, or None after saying on stderr that there is none."""
    value = sys.stdin.readline(MAX_STDIN_LINE).rstrip("\r\n") if args.password_stdin else ""
    if not value:
        print(t("cli.password_stdin_empty"), file=sys.stderr)
        return None
    return value


def existing_file(name: str) -> Path | None:
    """The file named on the command line, or None after saying on stderr it is missing."""
    path = Path(name)
    if not path.is_file():
        print(t("cli.file_missing", path=path), file=sys.stderr)
        return None
    return path


def meeting_data(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """Campaign and month from the arguments, or a ServiceError naming what is wrong."""
    from lib.domain.periods import is_period
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


def write_file(path: str, data: bytes) -> None:
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
