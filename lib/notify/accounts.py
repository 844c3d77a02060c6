"""Liaison accounts sent to the departments' own channels (issue 23): in the session that
issued them, the office can send each department its liaison's login name and one-time
password through the department's WeCom / DingTalk group or e-mail, instead of handing
out the printed list. Only channels that name the department receive it (never the
office's or the leadership's); the password must be changed at first login. The delivery
log and its audit rows hold the channel, the department and the outcome — never the
password."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence

from sqlalchemy import Engine

from lib.config import app_base_url
from lib.db import get_engine
from lib.domain.clock import local_today
from lib.i18n import current_lang, t
from lib.models import utcnow
from lib.notify.channels import Message, Sender
from lib.notify.dispatch import Delivery, _deliver, default_sender
from lib.notify.messages import md
from lib.read import notifications as reads
from lib.read import setup_queries
from lib.write.accounts import IssuedAccount


def account_message(accounts: Sequence[IssuedAccount], link: str, lang: str) -> Message:
    """One department's accounts: login name and one-time password, and where to log in."""
    title = t("accounts.send_title", lang)
    lines = [
        t(
            "accounts.send_line",
            lang,
            department=a.department_name,
            username=a.username,
            password=a.password,
        )
        for a in accounts
    ]
    note = t("accounts.send_note", lang)
    # login name and password as code (user names and generated passwords hold no
    # backtick): a robot shows them exactly, with no markdown escape to copy by mistake
    md_lines = "\n".join(
        "- "
        + t(
            "accounts.send_line",
            lang,
            department=md(a.department_name),
            username=f"`{a.username}`",
            password=f"`{a.password}`",
        )
        for a in accounts
    )
    open_link = t("notify.open_link", lang)
    return Message(
        title=title,
        markdown=f"### {md(title)}\n\n{md_lines}\n\n{md(note)}\n\n[{md(open_link)}]({link})",
        text="\n".join([title, "", *lines, "", note, link]),
        html=(
            f"<html><body><h3>{html.escape(title)}</h3><ul>"
            + "".join(f"<li>{html.escape(line)}</li>" for line in lines)
            + f"</ul><p>{html.escape(note)}</p>"
            f'<p><a href="{html.escape(link, quote=True)}">{html.escape(link)}</a></p>'
            "</body></html>"
        ),
    )


def channels_for(accounts: Sequence[IssuedAccount]) -> dict[str, list[reads.ChannelRecord]]:
    """The active channels naming each account's department, by department code."""
    departments = setup_queries.departments_table()
    ids = dict(zip(departments["code"], departments["id"], strict=True))
    active = reads.channels(include_inactive=False)
    return {
        a.department_code: [ch for ch in active if ids.get(a.department_code) in ch.departments]
        for a in accounts
    }


def send_accounts(
    accounts: Sequence[IssuedAccount],
    *,
    engine: Engine | None = None,
    sender: Sender | None = None,
    lang: str | None = None,
    today: dt.date | None = None,
) -> tuple[list[Delivery], list[IssuedAccount]]:
    """Send every account to its department's channels: the deliveries, and the accounts
    whose department has no channel (to be handed out on the printed list)."""
    lang = lang or current_lang()
    engine = engine or get_engine()
    sender = sender or default_sender()
    today = today or local_today()
    found = channels_for(accounts)
    by_channel: dict[int, tuple[reads.ChannelRecord, list[IssuedAccount]]] = {}
    unsent: list[IssuedAccount] = []
    for a in accounts:
        if not found[a.department_code]:
            unsent.append(a)
        for ch in found[a.department_code]:
            by_channel.setdefault(ch.id, (ch, []))[1].append(a)
    stamp = utcnow().isoformat()
    deliveries = [
        _deliver(
            engine=engine,
            sender=sender,
            ch=ch,
            message=account_message(listed, f"{app_base_url()}/", lang),
            kind="accounts",
            today=today,
            campaign_id=None,
            keys={None: f"accounts:ch{ch.id}:{stamp}"},
            names=tuple(a.department_name for a in listed),
            dry_run=False,
        )
        for ch, listed in by_channel.values()
    ]
    return deliveries, unsent
