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

from lib.cli import accounts, documents, notify
from lib.i18n import set_default_lang, t
from lib.write import ServiceError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m lib.cli", description=t("app.title"))
    parser.add_argument(
        "--lang",
        choices=["zh", "en"],
        default=None,
        help="message language (default: APP_LOCALE or zh)",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    accounts.add_parsers(sub)
    documents.add_parsers(sub)
    notify.add_parsers(sub)
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
