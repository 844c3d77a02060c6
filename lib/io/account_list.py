"""The account list the office hands to departments (issue 23): username, department and
one-time initial password, as a workbook and as a printable A4 Word document.

Built only from the :class:`lib.write.accounts.IssuedAccount` values of the session that
created (or reset) the accounts: the database has no clear passwords to put in a list.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import pandas as pd

from lib.i18n import t
from lib.io.meeting import EA_FONT
from lib.io.safe_cells import neutralised, to_xlsx_bytes
from lib.write.accounts import IssuedAccount


def account_frame(accounts: Sequence[IssuedAccount], lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("accounts.col_department", lang): [a.department_name for a in accounts],
            t("accounts.col_username", lang): [a.username for a in accounts],
            t("accounts.col_password", lang): [a.password for a in accounts],
        }
    )


def account_list_xlsx(accounts: Sequence[IssuedAccount], lang: str) -> bytes:
    return to_xlsx_bytes(account_frame(accounts, lang), sheet=t("accounts.sheet", lang))


def account_list_docx(accounts: Sequence[IssuedAccount], lang: str, organiser: str = "") -> bytes:
    """A4, one table, the first-login rule under it; monospaced passwords (no 0/O doubt)."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(20))
    normal = doc.styles["Normal"]
    normal.font.name = EA_FONT
    normal.font.size = Pt(12)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), EA_FONT)
    title = doc.add_heading(t("accounts.doc_title", lang, organiser=organiser).strip(), level=1)
    title.style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), EA_FONT)
    doc.add_paragraph(t("accounts.doc_intro", lang))
    frame = neutralised(account_frame(accounts, lang))
    table = doc.add_table(rows=1, cols=len(frame.columns))
    table.style = "Table Grid"
    for cell, head in zip(table.rows[0].cells, frame.columns, strict=True):
        cell.text = str(head)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in frame.itertuples(index=False):
        cells = table.add_row().cells
        for i, value in enumerate(row):
            cells[i].text = str(value)
        for run in cells[-1].paragraphs[0].runs:
            run.font.name = "Consolas"
            run.font.size = Pt(13)
    doc.add_paragraph(t("accounts.doc_rule", lang))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
