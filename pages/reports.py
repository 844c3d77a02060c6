"""通报与报表 Circular and reports: the monthly circular drafted from the data (edit, then
download as Word or Markdown), the Excel report and the meeting deck."""

from __future__ import annotations

import streamlit as st

from lib.i18n import t
from lib.io import circular, deck, meeting, report_xlsx
from lib.ui import page, state

pg = page.open("data.export", title="page.reports", campaign="view")
ctx, lang = pg.view, pg.lang
data = meeting.meeting_data(ctx, lang)
stem = f"campaign{ctx.campaign_id}_{ctx.period}_{lang}"

st.subheader(t("reports.circular"))
st.caption(t("reports.circular_help"))
draft_key = f"circular_{ctx.campaign_id}_{ctx.period}_{lang}"
text = st.text_area(
    t("reports.circular"),
    value=circular.circular_text(data),
    height=420,
    key=draft_key,
    label_visibility="collapsed",
)
c1, c2 = st.columns(2)
c1.download_button(
    t("reports.download_docx"),
    data=circular.circular_docx(text),
    file_name=f"{stem}_circular.docx",
    mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
c2.download_button(
    t("reports.download_md"),
    data=text.encode("utf-8"),
    file_name=f"{stem}_circular.md",
    mime="text/markdown",
)

st.subheader(t("reports.excel"))
st.caption(t("reports.excel_help"))
st.download_button(
    t("reports.download_excel"),
    data=report_xlsx.excel_report(data),
    file_name=f"{stem}_report.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)

st.subheader(t("reports.deck"))
st.caption(t("reports.deck_help"))
deck_ready = state.DECK_READY(ctx.campaign_id, ctx.period, lang)
if st.button(t("reports.build"), key="build_deck"):
    with st.spinner(t("reports.building")):
        meeting.deck_bytes(ctx.campaign_id, ctx.period, lang, ctx.today)
    deck_ready.set(True)
if deck_ready.get():
    st.download_button(
        t("meeting.download_deck"),
        data=deck.deck_bytes(ctx.campaign_id, ctx.period, lang, ctx.today),
        file_name=f"{stem}_deck.pptx",
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
    )
