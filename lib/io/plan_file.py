"""Reading a plan document: an uploaded ``.txt`` (UTF-8, UTF-16 or GB18030) or ``.docx``
file as text for :func:`lib.domain.plan.parse_plan`. A ``.docx`` that would unpack to too
much (a zip bomb), a ``.doc``/``.pdf`` or an undecodable file is refused with a
:class:`PlanFileError` carrying the i18n key of the message."""

from __future__ import annotations

import io

from lib.io.attachments import zip_problem


class PlanFileError(ValueError):
    """The file cannot be read as a plan (i18n key in ``key``)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def read_plan_bytes(name: str, data: bytes) -> str:
    """Text of an uploaded ``.txt`` (UTF-8, UTF-16 or GB18030) or ``.docx`` file."""
    lower = name.lower()
    if lower.endswith(".docx"):
        return _docx_text(data)
    if lower.endswith(".doc") or lower.endswith(".pdf"):
        raise PlanFileError("setup.plan_file_type")
    return _decoded(data)


def _docx_text(data: bytes) -> str:
    """The paragraphs, then each table row with its cells joined by ，."""
    bomb = zip_problem(data)
    if bomb:
        raise PlanFileError(bomb)
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # not a docx / corrupt zip
        raise PlanFileError("setup.plan_file_unreadable") from exc
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append("，".join(cell.text.strip() for cell in row.cells))
    return "\n".join(parts)


def _decoded(data: bytes) -> str:
    """Plain text in the first encoding that reads it (UTF-16 only with its byte mark)."""
    for encoding in ("utf-8-sig", "utf-16", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-16" and data[:2] not in (b"\xff\xfe", b"\xfe\xff"):
            continue
        return text
    raise PlanFileError("setup.plan_file_unreadable")


def read_plan_file(path: str) -> str:
    """Text of a plan document on disk (the CLI and the benchmarks)."""
    with open(path, "rb") as fh:
        return read_plan_bytes(path, fh.read())
