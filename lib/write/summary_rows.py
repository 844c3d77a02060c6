"""The figures of the department × month summary (``department_months``): :func:`compute`
is their one definition (pure Python over the rows of a few departments, read by
statements built once); ``tests/test_summary.py`` checks it against the SQL aggregates
of :mod:`lib.read.aggregates` month by month after random sequences of saves."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Mapping
from types import MappingProxyType, SimpleNamespace
from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam, case, func, literal, select
from sqlalchemy.orm import Session

from lib.domain.periods import period_end, periods_between, report_cutoff
from lib.domain.scoring import (
    COUNTED_STATES,
    campaign_settings,
    expected_share,
    satisfaction_component,
)
from lib.models import (
    Assignment,
    Campaign,
    Indicator,
    IndicatorValue,
    InspectionScore,
    MonthlyUpdate,
    Task,
)
from lib.read import gcpause

Reports = dict[int, list[tuple[str, int, dt.datetime | None]]]


@gcpause.paused()
def compute(
    session: Session, campaign_id: int, department_ids: list[int], first: str | None = None
) -> list[dict[str, Any]] | None:
    """Every month's row (or every month's from ``first`` on) for the given departments
    (None if the campaign is gone). Months before ``first`` still feed the later ones:
    the latest report up to a month is carried forward from wherever it was."""
    meta = _campaign_meta(session, campaign_id)
    if meta is None or not department_ids:
        return None
    camp, indicators = meta
    all_periods = periods_between(camp.start_date, camp.end_date)
    deadlines = {p: report_cutoff(p, camp.report_day) for p in all_periods}
    periods = [p for p in all_periods if first is None or p >= first]
    if not periods:
        return []
    # plain column reads on the session's own connection (same transaction), without
    # the ORM's per-row processing (a province rebuild reads three million reports), by
    # statements built once (a save's refresh runs six of them: building each anew
    # cost more of the save's time than running it)
    db = session.connection()
    params: dict[str, Any] = {
        "campaign": campaign_id,
        "departments": department_ids,
        "first": first,
    }
    assignments = db.execute(_READS["assignments"], params).all()
    reports, done_before = _read_reports(db, params)
    satisfaction_items, values, complaints = _read_indicator_values(db, params, indicators)
    inspections: dict[int, list[tuple[str, float]]] = defaultdict(list)
    for did, period, score, max_score in db.execute(_READS["inspections"], params):
        inspections[did].append((period, 100.0 * score / max_score))

    expected_memo: dict[Any, float] = {}  # (task span, month) -> expected %, shared
    by_department: dict[int, list[Any]] = defaultdict(list)
    for a in assignments:
        by_department[a.department_id].append(a)
    out: list[dict[str, Any]] = []
    for did in department_ids:
        mine = by_department.get(did, [])
        active = [a for a in mine if a.active]
        if not active:
            continue
        out.extend(
            _department_rows(
                campaign_id,
                did,
                periods,
                deadlines,
                active,
                [reports.get(a.id, []) for a in mine],
                {a.id: reports.get(a.id, []) for a in active},
                values.get(did, []),
                satisfaction_items,
                complaints.get(did, {}),
                inspections.get(did, []),
                (camp.start_date, camp.end_date),
                expected_memo,
                done_before,
                camp.min_sample,
            )
        )
    return out


def _read_reports(db: Any, params: dict[str, Any]) -> tuple[Reports, dict[int, str]]:
    """Each assignment's counted reports (month, percent, submitted at) in month order,
    and for a refresh from ``first`` the month each assignment was first done, if before
    ``first``."""
    reports: Reports = defaultdict(list)
    done_before: dict[int, str] = {}
    if params["first"] is None:
        report_rows: Iterable[Any] = db.execute(_READS["reports"], params)
    else:
        # a save's refresh: the months from ``first`` on need every report of those
        # months, but of the earlier ones only each assignment's latest (carried
        # forward) and the month it was first done — 45 rows of a province unit's
        # thousand, read in one statement
        report_rows = []
        for aid, period, pct, submitted_at, done in sorted(
            db.execute(_READS["reports_since"], params), key=lambda r: (r[0], r[1])
        ):
            report_rows.append((aid, period, pct, submitted_at))
            if done is not None:
                done_before[aid] = done
    for aid, period, pct, submitted_at in report_rows:
        reports[aid].append((period, pct if pct is not None else 0, submitted_at))
    return reports, done_before


def _read_indicator_values(
    db: Any, params: dict[str, Any], indicators: list[Any]
) -> tuple[dict[int, float | None], dict[int, list[SatValue]], dict[int, Any]]:
    """(satisfaction item -> target, department -> its satisfaction values (month, item,
    value, answers) in month order, department -> complaints per month)."""
    satisfaction_items = {
        i.id: i.target
        for i in indicators
        if i.group == "patient"
        and not i.is_composite
        and (i.scale if i.scale is not None else 100) <= 100
    }
    complaint_items = {i.id for i in indicators if i.code == "COMPLAINTS"}
    values: dict[int, list[SatValue]] = defaultdict(list)
    complaints: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    params["indicators"] = sorted(set(satisfaction_items) | complaint_items)
    if params["indicators"]:
        value_rows = (
            db.execute(_READS["values"], params)
            if params["first"] is None  # a refresh: each item's latest earlier value
            else sorted(db.execute(_READS["values_since"], params), key=lambda r: r[2])
        )
        for did, iid, period, value, n in value_rows:
            if iid in satisfaction_items:
                values[did].append((period, iid, float(value), n))
            if iid in complaint_items:
                complaints[did][period] += float(value)
    return satisfaction_items, values, complaints


def _since(base: Any, partition: tuple[Any, ...], period: Any, extra: tuple[Any, ...] = ()) -> Any:
    """``base``'s rows of months from ``:first`` on, and of the earlier months only the
    newest row per ``partition`` (what is carried forward), as one statement; the
    ``extra`` window columns (over the earlier rows of the partition) are appended to
    the earlier rows, None to the later ones."""
    width = len(base.selected_columns)
    first: Any = bindparam("first")
    earlier = (
        base.add_columns(
            func.row_number().over(partition_by=partition, order_by=period.desc()), *extra
        )
        .where(period < first)
        .subquery()
    )
    columns = list(earlier.c)
    later = base.where(period >= first).subquery()
    return (
        select(*columns[:width], *columns[width + 1 :])
        .where(columns[width] == 1)
        .union_all(select(*later.c, *(literal(None) for _ in extra)))
    )


def _reads() -> dict[str, Any]:
    """The statements :func:`compute` runs, built once (parameters: campaign,
    departments, first, indicators)."""
    departments: Any = bindparam("departments", expanding=True)
    mu, iv, ins = MonthlyUpdate, IndicatorValue, InspectionScore
    counted = (
        select(mu.assignment_id, mu.period, mu.percent_done, mu.submitted_at)
        .join(Assignment, mu.assignment_id == Assignment.id)
        .join(Task, Assignment.task_id == Task.id)
        .where(
            Task.campaign_id == bindparam("campaign"),
            Assignment.department_id.in_(departments),
            mu.review_state.in_(COUNTED_STATES),
        )
    )
    values = select(iv.department_id, iv.indicator_id, iv.period, iv.value, iv.sample_size).where(
        iv.indicator_id.in_(bindparam("indicators", expanding=True)),
        iv.department_id.in_(departments),
    )
    done = func.min(case((mu.percent_done >= 100, mu.period))).over(partition_by=mu.assignment_id)
    return {
        "assignments": select(
            Assignment.id,
            Assignment.department_id,
            Task.weight,
            Task.start_date,
            Task.due_date,
            and_(Task.active, Assignment.active).label("active"),
            Task.area_id,
        )
        .join(Task, Assignment.task_id == Task.id)
        .where(Task.campaign_id == bindparam("campaign"), Assignment.department_id.in_(departments))
        .order_by(Assignment.id),
        "reports": counted.order_by(mu.assignment_id, mu.period),
        "reports_since": _since(counted, (mu.assignment_id,), mu.period, (done,)),
        "values": values.order_by(iv.period),
        "values_since": _since(values, (iv.department_id, iv.indicator_id), iv.period),
        "inspections": select(ins.department_id, ins.period, ins.score, ins.max_score)
        .where(ins.campaign_id == bindparam("campaign"), ins.department_id.in_(departments))
        .order_by(ins.period),
    }


_READS = _reads()


_META: OrderedDict[Any, Any] = OrderedDict()
_META_LOCK = threading.Lock()


SatValue = tuple[str, int, float, int | None]  # month, item, value, answers


class CampaignDates(NamedTuple):
    """What the figures need of the campaign (read in the saving transaction)."""

    start_date: dt.date
    end_date: dt.date
    report_day: int
    min_sample: int = 0


def _campaign_meta(session: Session, campaign_id: int) -> tuple[CampaignDates, list[Any]] | None:
    """The campaign's dates, report day and indicators. Every save reads them; while
    the summary stays valid they cannot change (any change to them marks it stale and
    the rebuild gets a new build time), so they are kept per (database, campaign,
    build time) and a save skips two queries."""
    built_at = session.info.get("summary_built_at", {}).get(campaign_id)
    key = (str(session.get_bind().engine.url), campaign_id, built_at)
    if built_at is not None:
        with _META_LOCK:
            if key in _META:
                return _META[key]  # type: ignore[no-any-return]
    row = session.execute(
        select(Campaign.start_date, Campaign.end_date, Campaign.settings).where(
            Campaign.id == campaign_id
        )
    ).first()
    if row is None:
        return None
    merged = campaign_settings(row.settings)
    camp = CampaignDates(
        row.start_date, row.end_date, int(merged["report_day"]), int(merged["min_sample"])
    )
    indicators = [
        SimpleNamespace(**r._mapping)
        for r in session.execute(
            select(
                Indicator.id,
                Indicator.code,
                Indicator.group,
                Indicator.scale,
                Indicator.target,
                Indicator.is_composite,
            ).where(Indicator.campaign_id == campaign_id)
        )
    ]
    meta = (camp, indicators)
    if built_at is not None:
        with _META_LOCK:
            _META[key] = meta
            while len(_META) > 64:
                _META.popitem(last=False)
    return meta


def _at_end(
    due: int, open_: int, on_time: int, due_in_month: dict[str, list[int]], end: dt.date
) -> dict[str, int]:
    """The due / unfinished / finished-in-time counts as judged on the month's last day
    (tasks due before that day)."""
    last = end.isoformat()
    for day, (n_due, n_open, n_on_time) in due_in_month.items():
        if day < last:
            due += n_due
            open_ += n_open
            on_time += n_on_time
    return {"due_at_end": due, "open_at_end": open_, "on_time_at_end": on_time}


def _department_rows(
    campaign_id: int,
    department_id: int,
    periods: list[str],
    deadlines: dict[str, dt.datetime],
    active: list[Any],
    all_reports: Iterable[list[tuple[str, int, dt.datetime | None]]],
    reports: Reports,
    values: list[SatValue],
    targets: dict[int, float | None],
    complaints: dict[str, float],
    inspections: list[tuple[str, float]],
    campaign_span: tuple[dt.date, dt.date],
    expected_memo: dict[Any, float],
    done_before: Mapping[int, str] = MappingProxyType({}),
    min_sample: int = 0,
) -> list[dict[str, Any]]:
    """One department's row for every month of ``periods``."""
    on_time = _on_time_by_month(all_reports, deadlines)
    statics = _assignment_statics(active, reports, done_before, campaign_span)
    rows = []
    pointer = dict.fromkeys(reports, 0)
    latest: dict[int, tuple[str, int, Any] | None] = dict.fromkeys(reports)
    value_i = 0
    latest_value: dict[int, tuple[float, int | None]] = {}
    insp_i = 0
    insp: float | None = None
    for p in periods:
        end = period_end(p)
        sums = _month_sums(p, end, statics, reports, pointer, latest, expected_memo)
        while value_i < len(values) and values[value_i][0] <= p:
            latest_value[values[value_i][1]] = (values[value_i][2], values[value_i][3])
            value_i += 1
        while insp_i < len(inspections) and inspections[insp_i][0] <= p:
            insp = inspections[insp_i][1]
            insp_i += 1
        weight_sum = sums["weight_sum"]
        due_in_month = sums.pop("due_in_month")
        rows.append(
            {
                "campaign_id": campaign_id,
                "department_id": department_id,
                "period": p,
                "assignments": len(active),
                "weight_sum": weight_sum,
                "weighted_percent": sums["weighted"],
                "done": sums["done"],
                "reported": sums["reported"],
                "expected_end": sums["expected"] / weight_sum if weight_sum else 0.0,
                "due_before": sums["due_before"],
                "open_before": sums["open_before"],
                "on_time_before": sums["on_time_before"],
                "due_in_month": due_in_month or None,
                **_at_end(
                    sums["due_before"],
                    sums["open_before"],
                    sums["on_time_before"],
                    due_in_month,
                    end,
                ),
                "reports_on_time": on_time.get(p, 0),
                "satisfaction": satisfaction_component(
                    [(v, targets[iid], n) for iid, (v, n) in sorted(latest_value.items())],
                    min_sample,
                ),
                "inspection": insp,
                "complaints": complaints.get(p),
                "areas": sums["areas"] or None,
            }
        )
    return rows


def _on_time_by_month(
    all_reports: Iterable[list[tuple[str, int, dt.datetime | None]]],
    deadlines: dict[str, dt.datetime],
) -> dict[str, int]:
    """Reports on time per month: every counted report of the department's tasks (the
    SQL aggregate counts inactive tasks' reports too)."""
    on_time: dict[str, int] = defaultdict(int)
    for rs in all_reports:
        for period, _pct, submitted_at in rs:
            deadline = deadlines.get(period)
            if deadline is not None and submitted_at is not None and submitted_at <= deadline:
                on_time[period] += 1
    return on_time


def _assignment_statics(
    active: list[Any],
    reports: Reports,
    done_before: Mapping[int, str],
    campaign_span: tuple[dt.date, dt.date],
) -> list[tuple[Any, ...]]:
    """What does not change from month to month, once per assignment (a province
    rebuild walks 3 000 units × 45 tasks × 24 months): id, weight, area, due day and
    month, finished within its due month, (start, due) span."""
    # each assignment: first month it was counted as done (any month), its due month
    first_done = {
        a.id: done_before.get(a.id) or next((p for p, pct, _s in reports[a.id] if pct >= 100), None)
        for a in active
    }
    statics = []
    for a in active:
        due_iso = a.due_date.isoformat() if a.due_date is not None else None
        due_period = due_iso[:7] if due_iso is not None else None
        done_first = first_done[a.id]
        statics.append(
            (
                a.id,
                float(a.weight),
                str(a.area_id) if a.area_id is not None else None,
                due_iso,
                due_period,
                done_first is not None and due_period is not None and done_first <= due_period,
                (a.start_date or campaign_span[0], a.due_date or campaign_span[1]),
            )
        )
    return statics


def _month_sums(
    p: str,
    end: dt.date,
    statics: list[tuple[Any, ...]],
    reports: Reports,
    pointer: dict[int, int],
    latest: dict[int, tuple[str, int, Any] | None],
    expected_memo: dict[Any, float],
) -> dict[str, Any]:
    """One department's sums for month ``p`` over its assignments, each at its latest
    report up to the month (``pointer`` and ``latest`` carry each assignment's position
    in its reports from one month to the next)."""
    weight_sum = weighted = expected = 0.0
    done = reported = due_before = open_before = on_time_before = 0
    due_in_month: dict[str, list[int]] = {}
    areas: dict[str, list[float]] = {}
    for aid, weight, area, due_iso, due_period, in_time, span in statics:
        rs = reports[aid]
        i = pointer[aid]
        if i < len(rs) and rs[i][0] <= p:
            while i < len(rs) and rs[i][0] <= p:
                i += 1
            pointer[aid] = i
            latest[aid] = rs[i - 1]
        last = latest[aid]
        pct = last[1] if last is not None else 0
        weight_sum += weight
        weighted += weight * pct
        share = expected_memo.get((span, p))
        if share is None:
            share = expected_memo[(span, p)] = expected_share(span[0], span[1], end)
        expected += weight * share
        done += pct >= 100
        reported += last is not None and last[0] == p
        if area is not None:
            cell = areas.setdefault(area, [0.0, 0.0, 0])
            cell[0] += weight * pct
            cell[1] += weight
            cell[2] += 1
        if due_period is None or due_period > p:
            continue
        if due_period < p:
            due_before += 1
            open_before += pct < 100
            on_time_before += in_time
        else:
            cell_due = due_in_month.setdefault(due_iso, [0, 0, 0])
            cell_due[0] += 1
            cell_due[1] += pct < 100
            cell_due[2] += in_time
    return {
        "weight_sum": weight_sum,
        "weighted": weighted,
        "expected": expected,
        "done": done,
        "reported": reported,
        "due_before": due_before,
        "open_before": open_before,
        "on_time_before": on_time_before,
        "due_in_month": due_in_month,
        "areas": areas,
    }
