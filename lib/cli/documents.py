"""Commands that read or write documents: plans, Excel workbooks, deck, circular, report."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from sqlalchemy import select

from lib.cli.common import (
    MAX_PLAN_FILE_BYTES,
    existing_file,
    meeting_data,
    open_engine,
    system_session,
    write_file,
)
from lib.db import session_scope
from lib.domain.permissions import Actor
from lib.i18n import current_lang, t
from lib.models import Department


def cmd_import_plan(args: argparse.Namespace) -> int:
    """Parse a plan document; --dry-run prints the draft and what to check, otherwise
    creates the campaign. Nothing is guessed: a plan without tasks, a plan that does not
    state its year (20xx) without --year, or one without any date without --start/--end
    is refused (exit 1) with the reason."""
    import json

    from lib.domain.plan import parse_plan, plan_warnings
    from lib.io.plan_file import PlanFileError, read_plan_file
    from lib.write import create_campaign_from_plan

    path = existing_file(args.file)
    if path is None:
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
    with system_session() as session:
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

    path = existing_file(args.file)
    if path is None:
        return 1
    shown = [-1]

    def progress(fraction: float, what: str) -> None:
        step = int(fraction * 10)  # a line per tenth
        if step != shown[0]:
            shown[0] = step
            print(f"{int(fraction * 100):3d}% {what}", file=sys.stderr, flush=True)

    with system_session() as session:
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

    from lib.io.excel_import import template_workbook
    from lib.models import Indicator, Task

    with system_session() as session:
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
    write_file(args.out, data)
    print(t("cli.excel_template_done", path=args.out))
    return 0


def cmd_export_excel(args: argparse.Namespace) -> int:
    from lib.io.excel_export import export_workbook

    engine = open_engine()
    with session_scope(engine) as session:
        data = export_workbook(session, campaign_id=args.campaign)
    Path(args.out).write_bytes(data)
    print(t("cli.export_done", path=args.out))
    return 0


def cmd_export_deck(args: argparse.Namespace) -> int:
    from lib.io import deck

    data = meeting_data(args)
    write_file(args.out, deck.build_deck(data))
    print(t("cli.written", path=args.out))
    return 0


def cmd_circular(args: argparse.Namespace) -> int:
    from lib.io import circular

    if not args.out and not args.send:
        print(t("cli.error", message="--out FILE or --send CHANNEL"), file=sys.stderr)
        return 2
    if args.send:
        from lib.cli.notify import send_circular

        return send_circular(args)
    data = meeting_data(args)
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
    write_file(args.out, out)
    print(t("cli.written", path=args.out))
    return 0


def cmd_export_report(args: argparse.Namespace) -> int:
    from lib.io import report_xlsx

    write_file(args.out, report_xlsx.excel_report(meeting_data(args)))
    print(t("cli.written", path=args.out))
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """import-plan, import-excel, excel-template, export-excel, export-deck, circular,
    export-report."""
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
