"""Who gets what, when: the reminders and escalations due on a day, the scheduled
circular, and the test message; each delivery logged (:func:`lib.write.notifications.log_delivery`).

Idempotent: every message carries a de-duplication key per campaign, month, department,
stage and channel; a key already delivered is not sent again, so a cron job run twice
on one day sends nothing new, and a day the job did not run is caught up on the next.
A failing channel is logged and reported and never stops the others.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Engine

from lib.config import app_base_url, smtp_from, smtp_url
from lib.db import get_engine, session_scope
from lib.domain.escalation import (
    Recipient,
    channel_wants,
    chased_period,
    problem_stage,
    reminder_rules,
    stage_for,
    worst_stage,
)
from lib.domain.periods import period_of, report_deadline, shift_period
from lib.i18n import current_lang, local_name
from lib.notify import messages
from lib.notify.channels import Message, Sender, SendError
from lib.read import campaigns
from lib.read import notifications as reads
from lib.read.notifications import ChannelRecord, Missing
from lib.read.reporting import liaisons_by_department
from lib.write import leases
from lib.write.notifications import log_delivery


@dataclass(frozen=True)
class Delivery:
    """One message of a run: what, to which channel, for which departments, how it went."""

    kind: str  # a stage (blue_before, blue_due, yellow, red), "circular" or "test"
    channel: str
    campaign_id: int | None
    departments: tuple[str, ...]
    status: str  # sent | failed | dry_run
    attempts: int = 0
    error: str | None = None


# the longest markdown a robot accepts (bytes of UTF-8): a longer digest is split by
# department into several messages
MAX_BYTES = {"wecom": 4000, "dingtalk": 18000}


def default_sender() -> Sender:
    return Sender(smtp_url=smtp_url(), smtp_from=smtp_from())


def _recipient(ch: ChannelRecord, leaders: dict[int, int]) -> Recipient:
    led = frozenset(d for d, u in leaders.items() if ch.leader_user_id and u == ch.leader_user_id)
    return Recipient(departments=frozenset(ch.departments), role=ch.role, leader_departments=led)


def _department_stage(
    items: list[Missing], report_stage: str | None, rules: dict[str, object]
) -> tuple[str, tuple[Missing, ...]] | None:
    """A department's stage today and the items its message lists."""
    listed: list[Missing] = []
    stages: list[str] = []
    reports = [i for i in items if i.kind != "problem"]
    if reports and report_stage:
        stages.append(report_stage)
        listed += reports
    for item in items:
        if item.kind == "problem":
            stage = problem_stage(item.days_overdue, rules)
            if stage:
                stages.append(stage)
                listed.append(item)
    worst = worst_stage(stages)
    return (worst, tuple(listed)) if worst else None


def _deliver(
    *,
    engine: Engine,
    sender: Sender,
    ch: ChannelRecord,
    message: Message,
    kind: str,
    today: dt.date,
    campaign_id: int | None,
    keys: dict[int | None, str],
    names: tuple[str, ...],
    dry_run: bool,
) -> Delivery:
    if dry_run:
        return Delivery(kind, ch.name, campaign_id, names, "dry_run")
    try:
        attempts = sender.send(ch.kind, ch.target, ch.secret, message)
        status, error = "sent", None
    except SendError as exc:
        attempts, status, error = exc.attempts, "failed", str(exc)
    with session_scope(engine) as session:
        for department_id, key in keys.items():
            log_delivery(
                session=session,
                channel_id=ch.id,
                channel_name=ch.name,
                kind=kind,
                day=today,
                dedup_key=key,
                status=status,
                campaign_id=campaign_id,
                department_id=department_id,
                attempts=attempts,
                error=error,
            )
    return Delivery(kind, ch.name, campaign_id, names, status, attempts, error)


def run_reminders(
    today: dt.date,
    *,
    campaign_ids: Iterable[int] | None = None,
    dry_run: bool = False,
    sender: Sender | None = None,
    engine: Engine | None = None,
    lang: str | None = None,
    wait: float = 300.0,
) -> list[Delivery]:
    """Send every reminder, warning, escalation and scheduled circular due on ``today``
    (every active campaign when no ids are given); one digest per campaign and channel.
    One run sends at a time: a run started while another sends waits for it (up to
    ``wait`` seconds), then sends only what the other did not."""
    engine = engine or get_engine()
    if dry_run:
        return _run_reminders(today, campaign_ids, True, sender, engine, lang)
    with leases.held(engine, "remind", wait=wait):
        return _run_reminders(today, campaign_ids, False, sender, engine, lang)


def _run_reminders(
    today: dt.date,
    campaign_ids: Iterable[int] | None,
    dry_run: bool,
    sender: Sender | None,
    engine: Engine,
    lang: str | None,
) -> list[Delivery]:
    sender = sender or default_sender()
    lang = lang or current_lang()
    chans = [c for c in reads.channels() if c.active]
    leaders = reads.department_leaders()
    liaisons = liaisons_by_department()
    dept_names = {d[0]: local_name(d[2], d[3], lang) for d in reads.departments()}
    base = app_base_url()
    out: list[Delivery] = []
    ids = list(campaign_ids) if campaign_ids is not None else reads.active_campaigns(today)
    for cid in ids:
        rec = campaigns.record(cid)
        if rec is None:
            continue
        rules = reminder_rules({"reminders": rec.reminders})
        if rules["enabled"]:
            out += _campaign_reminders(
                rec,
                rules,
                today,
                chans,
                leaders,
                liaisons,
                dept_names,
                base,
                lang,
                engine=engine,
                sender=sender,
                dry_run=dry_run,
            )
        if rules["circular_day"] and today.day == rules["circular_day"]:
            period = shift_period(period_of(today), -1)
            if period in rec.periods:
                for name in rules["circular_channels"]:
                    ch = next((c for c in chans if name in (c.name, str(c.id))), None)
                    if ch is not None:
                        out.append(
                            send_circular(
                                cid,
                                period,
                                ch,
                                today=today,
                                engine=engine,
                                sender=sender,
                                dry_run=dry_run,
                                lang=lang,
                                once=True,
                                with_deck=bool(rules["circular_deck"]),
                            )
                        )
    return out


def _campaign_reminders(
    rec: campaigns.CampaignRecord,
    rules: dict[str, object],
    today: dt.date,
    chans: list[ChannelRecord],
    leaders: dict[int, int],
    liaisons: dict[int, list[str]],
    dept_names: dict[int, str],
    base: str,
    lang: str,
    *,
    engine: Engine,
    sender: Sender,
    dry_run: bool,
) -> list[Delivery]:
    period = chased_period(today, rec.report_day, rec.periods, rules)
    if period is None:
        return []
    deadline = report_deadline(period, rec.report_day)
    report_stage = stage_for((today - deadline).days, rules)
    owed = reads.chase_inputs(rec.id, period, today)
    due: dict[int, messages.DepartmentDue] = {}
    for dept_id, items in owed.items():
        found = _department_stage(items, report_stage, rules)
        if found is None:
            continue
        stage, listed = found
        due[dept_id] = messages.DepartmentDue(
            department_id=dept_id,
            name=dept_names.get(dept_id, str(dept_id)),
            stage=stage,
            liaisons=tuple(liaisons.get(dept_id, [])),
            items=listed,
        )
    out: list[Delivery] = []
    campaign_name = local_name(rec.name, rec.name_en, lang)
    for ch in chans:
        rcpt = _recipient(ch, leaders)
        wanted = [d for d in due.values() if channel_wants(rcpt, d.department_id, d.stage)]
        if not wanted:
            continue
        keys = {
            d.department_id: f"remind:c{rec.id}:{period}:d{d.department_id}:{d.stage}:ch{ch.id}"
            for d in wanted
        }
        already = reads.sent_keys(list(keys.values()))
        todo = [d for d in wanted if keys[d.department_id] not in already]
        if not todo:
            continue
        own = all(d.department_id in ch.departments for d in todo)
        link = f"{base}/{'report' if own else 'tracker'}"
        parts = messages.digest_parts(
            campaign=campaign_name,
            period=period,
            deadline=deadline,
            today=today,
            departments=todo,
            link=link,
            lang=lang,
            max_bytes=MAX_BYTES.get(ch.kind),
        )
        for part, message in parts:
            out.append(
                _deliver(
                    engine=engine,
                    sender=sender,
                    ch=ch,
                    message=message,
                    kind=worst_stage([d.stage for d in part]) or "blue_due",
                    today=today,
                    campaign_id=rec.id,
                    keys={d.department_id: keys[d.department_id] for d in part},
                    names=tuple(d.name for d in part),
                    dry_run=dry_run,
                )
            )
    return out


def send_circular(
    campaign_id: int,
    period: str,
    ch: ChannelRecord,
    *,
    today: dt.date,
    engine: Engine | None = None,
    sender: Sender | None = None,
    dry_run: bool = False,
    lang: str | None = None,
    once: bool = False,
    with_deck: bool = False,
) -> Delivery:
    """Send the month's circular to a channel (``once``: not if it was sent already);
    by e-mail as the Word file, and the meeting deck too ``with_deck``."""
    from lib.io import circular
    from lib.io.meeting import meeting_data
    from lib.read import views

    engine = engine or get_engine()
    sender = sender or default_sender()
    lang = lang or current_lang()
    key = f"circular:c{campaign_id}:{period}:ch{ch.id}"
    if once and reads.sent_keys([key]):
        return Delivery("circular", ch.name, campaign_id, (), "skipped")
    ctx = views.context(campaign_id, today, period)
    if ctx is None:
        return Delivery("circular", ch.name, campaign_id, (), "failed", 0, "no such campaign")
    data = meeting_data(ctx, lang)
    text = circular.circular_text(data)
    docx = circular.circular_docx(text) if ch.kind == "email" else None
    deck_file = None
    if with_deck and ch.kind == "email":
        from lib.io.deck import build_deck

        deck_file = build_deck(data)
    message = messages.circular_message(
        campaign=local_name(ctx.header.name, ctx.header.name_en, lang),
        period=period,
        circular_md=text,
        docx=docx,
        deck=deck_file,
        link=f"{app_base_url()}/reports",
        lang=lang,
    )
    if not once:
        key = f"{key}:{dt.datetime.now(dt.UTC).isoformat()}"
    return _deliver(
        engine=engine,
        sender=sender,
        ch=ch,
        message=message,
        kind="circular",
        today=today,
        campaign_id=campaign_id,
        keys={None: key},
        names=(),
        dry_run=dry_run,
    )


def send_test(
    ch: ChannelRecord,
    *,
    engine: Engine | None = None,
    sender: Sender | None = None,
    lang: str | None = None,
) -> Delivery:
    """The test button: a short message to the channel, logged like every delivery."""
    lang = lang or current_lang()
    message = messages.test_message(ch.name, app_base_url(), lang)
    now = dt.datetime.now(dt.UTC)
    return _deliver(
        engine=engine or get_engine(),
        sender=sender or default_sender(),
        ch=ch,
        message=message,
        kind="test",
        today=now.date(),
        campaign_id=None,
        keys={None: f"test:ch{ch.id}:{now.isoformat()}"},
        names=(),
        dry_run=False,
    )
