"""通报与报表 Circular and reports: the monthly circular drafted from the data (edit, then
download as Word or Markdown), the Excel report and the meeting deck."""

from __future__ import annotations

import streamlit as st

from lib.i18n import t
from lib.io import circular, deck, meeting, office, report_xlsx
from lib.ui import page, state, widgets

pg = page.open("data.export", title="page.reports", campaign="view")
ctx, lang = pg.view, pg.lang
data = meeting.meeting_data(ctx, lang)
stem = f"campaign{ctx.campaign_id}_{ctx.period}_{lang}"

st.subheader(t("reports.circular"))
st.caption(t("reports.circular_help"))
default_head = circular.circular_head(data)
h1, h2, h3 = st.columns([3, 2, 1])
issuer = h1.text_input(
    t("reports.issuer"), value=default_head.issuer, key=f"circular_{ctx.campaign_id}_issuer"
)
prefix = h2.text_input(
    t("reports.doc_prefix"),
    value=str((ctx.settings.get("circular") or {}).get("prefix") or ""),
    key=f"circular_{ctx.campaign_id}_prefix",
)
number = h3.number_input(
    t("reports.doc_no"),
    min_value=1,
    max_value=9999,
    value=int(default_head.number.rsplit("〕", 1)[-1].rstrip("号") or 1)
    if lang == "zh" and "〕" in default_head.number
    else ctx.header.periods.index(ctx.period) + 1
    if ctx.period in ctx.header.periods
    else 1,
    key=f"circular_{ctx.campaign_id}_{ctx.period}_number",
)
head = circular.circular_head(data, issuer=issuer, prefix=prefix, number=int(number))
draft_key = f"circular_{ctx.campaign_id}_{ctx.period}_{lang}"
text = st.text_area(
    t("reports.circular"),
    value=circular.circular_text(data, head),
    height=420,
    key=draft_key,
    label_visibility="collapsed",
)
c1, c2, c3 = st.columns(3)
widgets.download(
    t("reports.download_docx"),
    circular.circular_docx(text, head),
    f"{stem}_circular.docx",
    where=c1,
)
widgets.download(t("reports.download_md"), text.encode("utf-8"), f"{stem}_circular.md", where=c2)
if office.available():
    pdf_ready = state.CIRCULAR_PDF(ctx.campaign_id, ctx.period, lang)
    if c3.button(t("reports.download_pdf"), key="build_circular_pdf", help=t("reports.pdf_help")):
        with st.spinner(t("reports.building")):
            pdf_ready.set(circular.circular_pdf(text, head))
    if pdf_ready.get():
        widgets.download(
            t("reports.download_pdf"),
            pdf_ready.get(),
            f"{stem}_circular.pdf",
            key="download_circular_pdf",
            where=c3,
        )

st.subheader(t("reports.excel"))
st.caption(t("reports.excel_help"))
widgets.download(t("reports.download_excel"), report_xlsx.excel_report(data), f"{stem}_report.xlsx")

st.subheader(t("reports.deck"))
st.caption(t("reports.deck_help"))
deck_ready = state.DECK_READY(ctx.campaign_id, ctx.period, lang)
if st.button(t("reports.build"), key="build_deck"):
    with st.spinner(t("reports.building")):
        meeting.deck_bytes(ctx.campaign_id, ctx.period, lang, ctx.today)
    deck_ready.set(True)
if deck_ready.get():
    widgets.download(
        t("meeting.download_deck"),
        deck.deck_bytes(ctx.campaign_id, ctx.period, lang, ctx.today),
        f"{stem}_deck.pptx",
    )
