"""通知渠道 Channels and reminders (issue 22): WeCom and DingTalk group robots and e-mail
addresses that receive the 三色督办 digests (add, edit, disable, send a test message),
each department's 分管领导, the campaign's reminder rules, and the delivery log.
Webhook keys and signing secrets are never shown back: an empty field keeps them."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib import write
from lib.domain.escalation import reminder_rules
from lib.i18n import fmt_datetime, t
from lib.notify import dispatch
from lib.read import campaigns
from lib.read import notifications as reads
from lib.ui import page, tables

pg = page.open("campaign.setup", title="page.setup_channels")
user, lang = pg.user, pg.lang

KINDS = ("wecom", "dingtalk", "email")
depts = reads.departments()
dept_code = {d[0]: d[1] for d in depts}
dept_label = {
    d[1]: f"{d[2]}（{d[1]}）" if lang == "zh" else f"{d[3] or d[2]} ({d[1]})" for d in depts
}
leaders = reads.leader_accounts()
leader_label = {u: f"{name}（{u}）" if lang == "zh" else f"{name} ({u})" for _i, u, name in leaders}
leader_name = {i: u for i, u, _name in leaders}
chans = reads.channels()

tab_channels, tab_leaders, tab_rules, tab_log = st.tabs(
    [t("notify.tab_channels"), t("notify.tab_leaders"), t("notify.tab_rules"), t("notify.tab_log")]
)


def _audience(ch: reads.ChannelRecord) -> str:
    parts = [dept_label.get(dept_code.get(d, ""), str(d)) for d in ch.departments]
    if ch.role:
        parts.append(t(f"notify.role_{ch.role}"))
    if ch.leader_user_id:
        parts.append(leader_label.get(leader_name.get(ch.leader_user_id, ""), "—"))
    return "、".join(parts) if lang == "zh" else ", ".join(parts)


with tab_channels:
    if chans:
        tables.show(
            pd.DataFrame(
                {
                    t("notify.col_name"): [c.name for c in chans],
                    t("notify.col_kind"): [t(f"notify.kind_{c.kind}") for c in chans],
                    t("notify.col_target"): [c.target_shown for c in chans],
                    t("notify.col_secret"): [
                        t("notify.secret_set") if c.has_secret else "" for c in chans
                    ],
                    t("notify.col_audience"): [_audience(c) for c in chans],
                    t("notify.col_state"): [
                        t("notify.active" if c.active else "notify.inactive") for c in chans
                    ],
                }
            ),
        )
    else:
        st.info(t("notify.no_channels"))

    by_id = {c.id: c for c in chans}
    choice = st.selectbox(
        t("notify.edit_pick"),
        [0, *by_id],
        format_func=lambda i: t("notify.new_channel") if i == 0 else by_id[i].name,
        key="notify_edit_pick",
    )
    current = by_id.get(choice)
    # cleared on submit: a webhook key or secret typed in is not left on the page
    with st.form(f"notify_channel_form_{choice}", clear_on_submit=True):
        name = st.text_input(t("notify.col_name"), value=current.name if current else "")
        kind = st.selectbox(
            t("notify.col_kind"),
            KINDS,
            index=KINDS.index(current.kind) if current else 0,
            format_func=lambda k: t(f"notify.kind_{k}"),
        )
        target = st.text_input(
            t("notify.target"),
            value=current.target if current and current.kind == "email" else "",
            placeholder=current.target_shown if current else "",
            type="password" if current and current.kind != "email" else "default",
            help=t("notify.target_help"),
        )
        secret = st.text_input(
            t("notify.secret"),
            type="password",
            placeholder=t("notify.secret_keep") if current and current.has_secret else "",
            help=t("notify.secret_help"),
        )
        chosen = st.multiselect(
            t("notify.departments"),
            list(dept_label),
            default=[dept_code[d] for d in current.departments if d in dept_code]
            if current
            else [],
            format_func=lambda c: dept_label[c],
            placeholder=t("common.choose"),
        )
        roles = ["", "office", "leader"]
        role = st.selectbox(
            t("notify.role"),
            roles,
            index=roles.index(current.role or "") if current else 0,
            format_func=lambda r: t(f"notify.role_{r}") if r else "—",
        )
        leader_opts = ["", *leader_label]
        leader_now = leader_name.get(current.leader_user_id or 0, "") if current else ""
        leader = st.selectbox(
            t("notify.leader"),
            leader_opts,
            index=leader_opts.index(leader_now) if leader_now in leader_opts else 0,
            format_func=lambda u: leader_label[u] if u else "—",
        )
        active = st.checkbox(t("notify.active"), value=current.active if current else True)
        saved = st.form_submit_button(t("notify.save"), type="primary")
    if saved:
        page.submit(
            write.save_channel,
            user.actor,
            kind=kind,
            target=target,
            name=name,
            secret=secret,
            department_codes=chosen,
            role=role or None,
            leader=leader or None,
            active=active,
            channel_id=current.id if current else None,
            expected_version=current.version if current else None,
            flash=lambda ch: t("notify.saved", name=page.md_escape(ch.name)),
        )
    if current is not None:
        left, right = st.columns(2)
        if left.button(t("notify.test_button"), key="notify_test"):
            result = dispatch.send_test(current, lang=lang)
            if result.status == "sent":
                st.success(t("notify.cli_sent", name=page.md_escape(current.name)))
            else:
                st.error(
                    t(
                        "notify.cli_failed",
                        name=page.md_escape(current.name),
                        error=page.md_escape(result.error or ""),
                    )
                )
        toggle = "notify.disable" if current.active else "notify.enable"
        if right.button(t(toggle), key="notify_toggle"):
            page.submit(
                write.set_channel_active,
                user.actor,
                channel=current.id,
                active=not current.active,
                flash=t(
                    "notify.cli_disabled" if current.active else "notify.cli_enabled",
                    name=page.md_escape(current.name),
                ),
            )

with tab_leaders:
    assigned = reads.department_leaders()
    tables.show(
        pd.DataFrame(
            {
                t("notify.col_department"): [dept_label[d[1]] for d in depts],
                t("notify.leader"): [
                    leader_label.get(leader_name.get(assigned.get(d[0], 0), ""), "—") for d in depts
                ],
            }
        ),
    )
    if depts:
        dept = st.selectbox(
            t("notify.col_department"),
            list(dept_label),
            format_func=lambda c: dept_label[c],
            key="notify_leader_dept",
        )
        who = st.selectbox(
            t("notify.leader"),
            ["", *leader_label],
            format_func=lambda u: leader_label[u] if u else "—",
            key="notify_leader_who",
        )
        if st.button(t("notify.save"), key="notify_leader_save"):
            page.submit(
                write.set_department_leader,
                user.actor,
                department_code=dept,
                leader=who or None,
                flash=t(
                    "notify.cli_leader_set",
                    department=page.md_escape(dept_label[dept]),
                    leader=page.md_escape(leader_label.get(who, "—")),
                ),
            )

with tab_rules:
    campaign_id = page.selected_campaign_id()
    record = campaigns.record(campaign_id) if campaign_id is not None else None
    if record is None:
        st.info(t("sidebar.no_campaign"))
    else:
        rules = reminder_rules({"reminders": record.reminders})
        st.caption(page.campaign_name(record))
        with st.form(f"notify_rules_{campaign_id}"):
            enabled = st.checkbox(t("notify.rules_enabled"), value=bool(rules["enabled"]))
            blue = st.number_input(t("notify.rules_blue"), 0, 27, int(rules["blue_before"]))
            red = st.number_input(t("notify.rules_red"), 1, 60, int(rules["red_after"]))
            day = st.number_input(t("notify.rules_circular_day"), 0, 28, int(rules["circular_day"]))
            names = [c.name for c in chans]
            targets = st.multiselect(
                t("notify.rules_circular_channels"),
                names,
                default=[n for n in rules["circular_channels"] if n in names],
                placeholder=t("common.choose"),
            )
            deck = st.checkbox(t("notify.rules_deck"), value=bool(rules["circular_deck"]))
            if st.form_submit_button(t("notify.save"), type="primary"):
                page.submit(
                    write.set_reminder_rules,
                    user.actor,
                    campaign_id=record.id,
                    rules={
                        "enabled": enabled,
                        "blue_before": int(blue),
                        "red_after": int(red),
                        "circular_day": int(day),
                        "circular_channels": targets,
                        "circular_deck": deck,
                    },
                    flash=t("notify.rules_saved"),
                )
        st.caption(t("notify.rules_help"))

with tab_log:
    log = reads.delivery_log()
    if log.empty:
        st.info(t("notify.log_empty"))
    else:
        tables.show(
            pd.DataFrame(
                {
                    t("notify.col_at"): [fmt_datetime(a) for a in log["at"]],
                    t("notify.col_name"): log["channel_name"],
                    t("notify.col_kind_sent"): [t(f"notify.kind_sent_{k}") for k in log["kind"]],
                    t("notify.col_department"): log["department"].fillna("—"),
                    t("notify.col_state"): [t(f"notify.status_{s}") for s in log["status"]],
                    t("notify.col_attempts"): log["attempts"],
                    t("notify.col_error"): log["error"].fillna(""),
                }
            ),
        )
