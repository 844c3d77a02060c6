"""Widgets that several pages show the same way."""

from __future__ import annotations

from typing import Any

import streamlit as st

from lib.domain.permissions import Actor
from lib.read import reporting
from lib.ui.text import md


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
