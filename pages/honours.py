"""光荣榜 Honour roll: the windows and service stars chosen in the campaign's selection
rounds, newest first, with the reasons — for everyone, the viewer role included. Only
final results are listed: a result still under 公示 is not yet a result."""

from __future__ import annotations

from typing import Any

import streamlit as st

from lib.i18n import fmt_datetime, t
from lib.io.honours_docs import period_label
from lib.read import recognition
from lib.ui import page

pg = page.open("recognition.read", title="page.honours", campaign="id")
lang, campaign_id = pg.lang, pg.campaign_id

st.caption(t("honours.intro"))
rolls = recognition.honours(campaign_id)
if not rolls:
    st.info(t("honours.empty"))
    st.stop()


def _round(roll: dict[str, Any]) -> None:
    st.subheader(":material/military_tech: " + page.md_escape(roll["title"]))
    facts = [
        period_label(roll, lang),
        t(f"recog.kind_{roll['kind']}"),
        t("honours.count", count=len(roll["winners"])),
    ]
    if roll.get("reward"):
        facts.append(str(roll["reward"]))
    if roll.get("finalised_at"):
        facts.append(t("recog.final_caption", at=fmt_datetime(roll["finalised_at"])))
    st.caption(page.md_escape(" · ".join(facts)))
    columns = st.columns(min(3, max(1, len(roll["winners"]))))
    for i, winner in enumerate(roll["winners"]):
        with columns[i % len(columns)].container(border=True):
            st.markdown(
                ":material/workspace_premium: **"
                + page.md_escape(recognition.candidate_name(winner, lang))
                + "**"
            )
            if winner.get("post"):
                st.caption(page.md_escape(winner["post"]))
            st.markdown(
                f"{t('honours.reasons')}{t('punct.colon')}" + page.md_escape(winner["reasons"])
            )


latest = rolls[0]["last_month"]
current = [r for r in rolls if r["last_month"] == latest]
past = [r for r in rolls if r["last_month"] != latest]
st.header(t("honours.current"))
for roll in current:
    _round(roll)
if past:
    st.header(t("honours.past"))
    for roll in past:
        _round(roll)
