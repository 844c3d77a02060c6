"""Widgets that several pages show the same way."""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath
from typing import Any

import streamlit as st

from lib.domain.periods import late_start, period_of, period_start, shift_period
from lib.domain.permissions import Actor
from lib.i18n import fmt_date, fmt_period, t
from lib.read import reporting
from lib.ui.text import md, md_escape

# the content type of a download, by the ending of its file name
MIME_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".pdf": "application/pdf",
    ".md": "text/markdown",
    ".csv": "text/csv",
}


def download(
    label: str, data: Any, file_name: str, *, key: str | None = None, where: Any = st
) -> None:
    """A download button for a file the app builds (Word, Excel, PowerPoint, PDF, Markdown
    or CSV), its content type taken from the ending of ``file_name`` (:data:`MIME_TYPES`),
    in ``where`` (a column; the page by default). ``data`` may be a function, run when
    clicked."""
    where.download_button(
        label, data=data, file_name=file_name, mime=MIME_TYPES[PurePath(file_name).suffix], key=key
    )


def attachment_download(actor: Actor, attachment: Any, *, key: str, where: Any = st) -> None:
    """A download button for one evidence file (a row of ``reporting.report_attachments``:
    ``id`` and ``original_name``), labelled with the file's name, in ``where`` (a column;
    the page by default). Nothing is shown when ``actor`` may not read the file or it is
    gone."""
    content = reporting.attachment_file(actor, int(attachment.id))
    if content is not None:
        file_name, mime, data = content
        where.download_button(
            md("report.download", name=attachment.original_name),
            data=data,
            file_name=file_name,
            mime=mime,
            key=key,
        )


def month_lock(campaign_id: int, period: str) -> dict[str, Any] | None:
    """The lock of the campaign's month (``reporting.lock_of``), said in a warning banner
    (the month and the reason) when there is one; None when the month is open."""
    lock = reporting.lock_of(campaign_id, period)
    if lock is not None:
        st.warning(
            t(
                "rep.locked_banner",
                period=fmt_period(period),
                reason=md_escape(lock["reason"] or "—"),
            )
        )
    return lock


def import_counts(key: str, result: Any) -> None:
    """An import's (or a trial import's) outcome in one line: added, changed, unchanged."""
    st.success(md(key, created=result.created, updated=result.updated, unchanged=result.unchanged))


def late_start_warning(start: Any, report_day: int, key: str = "setup.late_start") -> None:
    """A warning when a campaign starting on ``start`` begins after its first month's
    report day: that month's tasks would be overdue and chased on the first day
    (``key``: the wording, with start, month, deadline, next and day)."""
    deadline = late_start(start, report_day) if isinstance(start, dt.date) else None
    if deadline is None:
        return
    first = period_of(start)
    st.warning(
        md(
            key,
            day=report_day,
            start=fmt_date(start),
            month=fmt_period(first),
            deadline=fmt_date(deadline),
            next=fmt_date(period_start(shift_period(first, 1))),
        )
    )
