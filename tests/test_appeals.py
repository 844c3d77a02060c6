"""Appeals (issue 21) on SQLite and PostgreSQL: a liaison appeals an inspection score or
a month's complaint count within the window, with a reason and evidence; the office
upholds (the figure is corrected and the composite score, the ranking and the honour
lists follow) or rejects with a reason; every step is audited; the counts for the
circular and the open appeals for the tracker; the appeals page (AppTest)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from lib import write
from lib.db import session_scope
from lib.domain.permissions import Actor
from lib.models import Appeal, AuditLog, Department, InspectionScore
from lib.read import appeals, views
from tests.factories import TODAY

OFFICE = Actor("office", frozenset({"office"}), None)


def _ids(campaign_id: int) -> dict[str, int]:
    with session_scope() as s:
        return {d.code: d.id for d in s.scalars(select(Department)) if d.code in ("A", "B")}


def _liaison(department_id: int) -> Actor:
    return Actor("liaison", frozenset({"liaison"}), None, department_id=department_id)


def _scores(campaign_id: int) -> dict[str, dict]:  # type: ignore[type-arg]
    ctx = views.context(campaign_id, TODAY, "2026-03")
    assert ctx is not None
    return {r["code"]: r for r in views.department_scores(ctx).to_dict("records")}


def test_upheld_inspection_appeal_moves_the_score_and_the_ranking(worked_example: int) -> None:
    cid = worked_example
    dept = _ids(cid)
    assert _scores(cid)["B"]["composite"] == pytest.approx(59.40, abs=0.005)
    with session_scope() as s:
        appeal = write.file_appeal(
            actor=_liaison(dept["B"]),
            session=s,
            campaign_id=cid,
            department_id=dept["B"],
            kind="inspection",
            period="2026-03",
            reason="第3项扣分依据的是2月的旧流程",
            requested=90,
            evidence="3月5日新流程文件及培训签到表",
        )
        appeal_id, version = appeal.id, appeal.version
    assert appeals.counts(cid) == {"open": 1, "upheld": 0, "rejected": 0, "total": 1}
    assert appeals.open_appeals(cid)["id"].tolist() == [appeal_id]
    # still the old score while the appeal is open
    assert _scores(cid)["B"]["inspection"] == pytest.approx(80)
    with session_scope() as s:
        write.decide_appeal(
            actor=OFFICE,
            session=s,
            appeal_id=appeal_id,
            uphold=True,
            reason="核实属实",
            expected_version=version,
        )
    scores = _scores(cid)
    assert scores["B"]["inspection"] == pytest.approx(90)
    # (40×53.33 + 20×33.33 + 20×82 + 20×90) ÷ 100 − 1
    assert scores["B"]["composite"] == pytest.approx(61.40, abs=0.005)
    assert appeals.counts(cid) == {"open": 0, "upheld": 1, "rejected": 0, "total": 1}
    assert appeals.counts(cid, "2026-03")["upheld"] == 1
    assert appeals.counts(cid, "2026-02")["total"] == 0
    with session_scope() as s:
        score = s.scalar(
            select(InspectionScore).where(
                InspectionScore.campaign_id == cid,
                InspectionScore.department_id == dept["B"],
                InspectionScore.period == "2026-03",
            )
        )
        assert score is not None and score.score == 90
        trail = [
            (r.action, r.entity)
            for r in s.scalars(
                select(AuditLog).where(AuditLog.campaign_id == cid).order_by(AuditLog.id)
            )
        ][-3:]
        assert trail == [
            ("file_appeal", "appeal"),
            ("score_inspection", "inspection_score"),
            ("uphold_appeal", "appeal"),
        ]
        decided = s.scalars(select(AuditLog).where(AuditLog.action == "uphold_appeal")).one()
        assert decided.before["status"] == "open"
        assert decided.after["status"] == "upheld" and decided.after["decided"] == 90


def test_upheld_complaints_appeal_lifts_the_deduction_and_the_lists_follow(
    worked_example: int,
) -> None:
    cid = worked_example
    dept = _ids(cid)
    with session_scope() as s:
        appeal_id = write.file_appeal(
            actor=_liaison(dept["B"]),
            session=s,
            campaign_id=cid,
            department_id=dept["B"],
            kind="complaints",
            period="2026-03",
            reason="两件投诉已查明属于他科",
            requested=0,
        ).id
    with session_scope() as s:
        write.decide_appeal(actor=OFFICE, session=s, appeal_id=appeal_id, uphold=True)
    scores = _scores(cid)
    assert scores["B"]["deductions"] == 0
    assert scores["B"]["composite"] == pytest.approx(60.40, abs=0.005)
    ctx = views.context(cid, TODAY, "2026-03")
    assert ctx is not None
    commend, laggard = views.honour_lists(ctx, views.ranking(ctx))
    assert len(commend) + len(laggard) >= 1  # the lists are drawn from the new scores
    ranked = views.ranking(ctx)
    row = ranked[ranked["code"] == "B"].iloc[0]
    assert row["composite"] == pytest.approx(60.40, abs=0.005)


def test_rejected_appeal_keeps_the_score_and_needs_a_reason(worked_example: int) -> None:
    cid = worked_example
    dept = _ids(cid)
    with session_scope() as s:
        appeal_id = write.file_appeal(
            actor=_liaison(dept["A"]),
            session=s,
            campaign_id=cid,
            department_id=dept["A"],
            kind="inspection",
            period="2026-03",
            reason="扣分过重",
            requested=95,
        ).id
    with pytest.raises(write.ServiceError) as refused, session_scope() as s:
        write.decide_appeal(actor=OFFICE, session=s, appeal_id=appeal_id, uphold=False)
    assert refused.value.key == "appeal.error_reject_reason"
    with session_scope() as s:
        write.decide_appeal(
            actor=OFFICE, session=s, appeal_id=appeal_id, uphold=False, reason="扣分有据"
        )
    assert _scores(cid)["A"]["inspection"] == pytest.approx(90)
    with session_scope() as s:
        appeal = s.get(Appeal, appeal_id)
        assert appeal is not None
        assert (appeal.status, appeal.decision_reason) == ("rejected", "扣分有据")
    # decided once only
    with pytest.raises(write.ServiceError) as again, session_scope() as s:
        write.decide_appeal(actor=OFFICE, session=s, appeal_id=appeal_id, uphold=True)
    assert again.value.key == "appeal.error_decided"
    assert appeals.counts(cid)["rejected"] == 1


def test_appeals_are_refused_out_of_window_out_of_department_and_without_reason(
    worked_example: int,
) -> None:
    cid = worked_example
    dept = _ids(cid)

    def file(actor: Actor, **changes: object) -> None:
        args: dict[str, object] = {
            "campaign_id": cid,
            "department_id": dept["B"],
            "kind": "inspection",
            "period": "2026-03",
            "reason": "理由",
            "requested": 85,
        }
        args.update(changes)
        with session_scope() as s:
            write.file_appeal(actor=actor, session=s, **args)  # type: ignore[arg-type]

    with pytest.raises(write.PermissionDenied):
        file(_liaison(dept["A"]))  # another department's score
    with pytest.raises(write.PermissionDenied):
        file(Actor("leader", frozenset({"leader"}), None))
    for changes, key in (
        ({"reason": "  "}, "appeal.error_reason"),
        ({"kind": "timeliness"}, "appeal.error_kind"),
        ({"period": "2026-01"}, "appeal.error_no_figure"),
        ({"requested": 75}, "appeal.error_requested"),  # below the original 80
        ({"requested": 101}, "appeal.error_requested"),  # above the maximum
        (
            {"now": dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=11)},
            "appeal.error_too_late",
        ),
        ({"kind": "complaints", "requested": 1.5}, "appeal.error_requested"),
    ):
        with pytest.raises(write.ServiceError) as refused:
            file(_liaison(dept["B"]), **changes)
        assert refused.value.key == key, changes
    file(_liaison(dept["B"]))
    with pytest.raises(write.ServiceError) as twice:
        file(_liaison(dept["B"]))
    assert twice.value.key == "appeal.error_open"
    with session_scope() as s:
        assert len(s.scalars(select(Appeal)).all()) == 1
    # the window is a campaign setting
    with session_scope() as s:
        write.update_statistics_settings(actor=OFFICE, session=s, campaign_id=cid, appeal_days=30)
    file(
        _liaison(dept["B"]),
        kind="complaints",
        requested=1,
        now=dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=20),
    )


def test_appealable_lists_figures_with_their_deadline(worked_example: int) -> None:
    cid = worked_example
    dept = _ids(cid)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    figures = appeals.appealable(cid, dept["B"], now)
    assert sorted(figures["kind"]) == ["complaints", "inspection"]
    assert (figures["deadline"] > now).all()
    later = appeals.appealable(cid, dept["B"], now + dt.timedelta(days=11))
    assert later.empty


def _open_page(username: str, lang: str = "zh", campaign_id: int | None = None):  # type: ignore[no-untyped-def]
    from lib.ui import state
    from lib.ui.nav import PAGES
    from tests.apphelpers import logged_in

    at = logged_in(username)
    at.session_state["lang"] = lang
    if campaign_id is not None:
        at.session_state[state.CAMPAIGN_ID.key] = campaign_id
    at.switch_page(next(p for p in PAGES if p.key == "appeals").path).run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_appeal_page_liaison_files_and_office_upholds(app_db: str, lang: str) -> None:
    from lib.i18n import t

    at = _open_page("liaison_card", lang)
    assert at.title[0].value == t("page.appeals", lang)
    form_box = at.selectbox  # department (own only), then the figure
    assert len(form_box) >= 2, [i.value for i in at.info]
    assert len(form_box[0].options) == 1  # a liaison files for their own department only
    kinds = {"inspection": t("appeal.kind_inspection", lang)}
    figure_box = form_box[1]
    pick = next(o for o in figure_box.options if kinds["inspection"] in o)
    figure_box.select(pick)
    at.text_area[0].input("扣分<b>依据</b>有误")
    at.text_area[1].input("整改记录")
    submit = next(b for b in at.button if b.label == t("appeal.submit", lang))
    at.number_input[0].set_value(100.0)
    submit.click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    table = at.dataframe[0].value
    assert table[t("appeal.col_status", lang)].tolist() == [t("appeal.status_open", lang)]
    assert table[t("appeal.reason", lang)].tolist() == ["扣分<b>依据</b>有误"]  # text, not markup
    with session_scope() as s:
        appeal = s.scalars(select(Appeal)).one()
        score = s.scalar(
            select(InspectionScore).where(
                InspectionScore.department_id == appeal.department_id,
                InspectionScore.period == appeal.period,
            )
        )
        assert score is not None and score.score == appeal.original

    # the tracker lists the open appeal for the office (issue 21)
    from lib.ui import state
    from tests.apphelpers import logged_in

    tracker = logged_in("office")
    tracker.session_state["lang"] = lang
    tracker.session_state[state.CAMPAIGN_ID.key] = appeal.campaign_id
    tracker.switch_page("pages/tracker.py").run()
    assert not tracker.exception, tracker.exception
    assert any(t("tracker.appeals_open", lang, count=1) in h.value for h in tracker.subheader)
    listed = tracker.dataframe[-1].value
    assert listed[t("appeal.col_kind", lang)].tolist() == [kinds["inspection"]]

    office = _open_page("office", lang, campaign_id=appeal.campaign_id)
    uphold = next(b for b in office.button if b.label == t("appeal.uphold", lang))
    office.text_area[-1].input("核实属实")
    uphold.click().run()
    assert not office.exception, office.exception
    table = office.dataframe[0].value
    assert table[t("appeal.col_status", lang)].tolist() == [t("appeal.status_upheld", lang)]
    with session_scope() as s:
        appeal = s.scalars(select(Appeal)).one()
        score = s.scalar(
            select(InspectionScore).where(
                InspectionScore.department_id == appeal.department_id,
                InspectionScore.period == appeal.period,
            )
        )
        assert score is not None and score.score == 100 == appeal.decided


def test_appeal_page_leader_reads_without_forms(app_db: str) -> None:
    at = _open_page("leader")
    assert not at.button or all(b.label != "提交申诉" for b in at.button)
    assert not at.text_area
