"""Indicators: a department's values for a month (entered on the report page or
imported), the indicators themselves and peer benchmarks (imported).

Values follow the month rules of reports: a month of the campaign, not locked; a value
within the indicator's range; a sample size that is a count. The Excel import writes
through :func:`import_indicator_values` with the same rules, every refused row reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lib.domain.periods import is_period
from lib.domain.permissions import Actor
from lib.i18n import local_name
from lib.models import (
    DIRECTIONS,
    INDICATOR_GROUPS,
    Campaign,
    Indicator,
    IndicatorDepartment,
    IndicatorValue,
    PeerBenchmark,
    utcnow,
)
from lib.write.base import (
    LockCache,
    Outcome,
    PermissionDenied,
    Refusal,
    ServiceError,
    Upsert,
    audit,
    campaign_period_error,
    chunks,
    clean_text,
    committed_id,
    conflict,
    flush_or_conflict,
    fmt_bound,
    keyed_upserts,
    refuse_all,
    require,
    require_campaign_period,
    require_department,
    require_unlocked,
    write_upserts,
)


@dataclass(frozen=True)
class IndicatorInput:
    """One indicator's value for the department and month."""

    indicator_id: int
    value: float | None
    sample_size: int | None = None
    expected_version: int | None = None


@dataclass(frozen=True)
class IndicatorValueRow:
    """One value of a bulk import (a row of the 指标值 sheet)."""

    ref: int
    indicator_id: int
    department_id: int
    period: str
    value: float
    sample_size: int | None = None
    note: str | None = None


def _indicator_label(ind: Indicator) -> str:
    return local_name(ind.name, ind.name_en)


def _value_refusals(
    ind: Indicator, value: Any, sample_size: Any
) -> Iterator[tuple[str, ServiceError]]:
    """What is wrong with a value of ``ind``: not a number, outside the indicator's
    range, or a sample size that is no count."""
    label = _indicator_label(ind)
    low = ind.min_value if ind.min_value is not None else 0.0
    high = ind.max_value if ind.max_value is not None else ind.scale
    if (
        not isinstance(value, int | float)
        or value != value
        or value
        in (
            float("inf"),
            float("-inf"),
        )
    ):
        yield "value", ServiceError("error.indicator_not_number", field=label)
    elif value < low and high is None:
        yield "value", ServiceError("error.indicator_below", field=label, low=fmt_bound(low))
    elif value < low or (high is not None and value > high):
        assert high is not None
        yield (
            "value",
            ServiceError(
                "error.indicator_range", field=label, low=fmt_bound(low), high=fmt_bound(high)
            ),
        )
    if sample_size is not None and (
        not isinstance(sample_size, int) or not 0 <= sample_size <= 10_000_000
    ):
        yield "sample_size", ServiceError("error.sample_size_invalid", field=label)


def _indicators(session: Session, ids: list[int]) -> dict[int, Indicator]:
    return {
        ind.id: ind
        for chunk in chunks(ids)
        for ind in session.scalars(select(Indicator).where(Indicator.id.in_(chunk)))
    }


def _linked_departments(session: Session, ids: list[int]) -> dict[int, set[int]]:
    """Indicator id -> the departments that report it (absent: every department)."""
    linked: dict[int, set[int]] = {}
    for chunk in chunks(ids):
        for ind_id, dept_id in session.execute(
            select(IndicatorDepartment.indicator_id, IndicatorDepartment.department_id).where(
                IndicatorDepartment.indicator_id.in_(chunk)
            )
        ):
            linked.setdefault(ind_id, set()).add(dept_id)
    return linked


def _not_assigned(ind: Indicator, department_id: int, linked: dict[int, set[int]]) -> bool:
    return ind.id in linked and department_id not in linked[ind.id]


def _value_snapshot(row: IndicatorValue) -> dict[str, Any]:
    return {
        "indicator_id": row.indicator_id,
        "department_id": row.department_id,
        "period": row.period,
        "value": row.value,
        "sample_size": row.sample_size,
        "note": row.note,
    }


def _check_values(
    session: Session,
    department_id: int,
    period: str,
    todo: list[IndicatorInput],
    indicators: dict[int, Indicator],
) -> None:
    """Refuse the first value the department may not save for the month."""
    linked = _linked_departments(session, sorted(indicators))
    campaigns_checked: set[int] = set()
    for item in todo:
        ind = indicators.get(item.indicator_id)
        if ind is None:
            raise ServiceError("error.indicator_unknown", id=item.indicator_id)
        if _not_assigned(ind, department_id, linked):
            raise PermissionDenied("error.indicator_not_assigned", field=_indicator_label(ind))
        if ind.campaign_id not in campaigns_checked:
            campaign = session.get(Campaign, ind.campaign_id)
            assert campaign is not None
            if campaign.archived:
                raise ServiceError("error.campaign_archived", name=campaign.name)
            require_campaign_period(campaign, period, allow_future=False)
            require_unlocked(session, campaign.id, period)
            campaigns_checked.add(ind.campaign_id)
        for _field, error in _value_refusals(ind, item.value, item.sample_size):
            raise error


def save_indicator_values(
    *,
    actor: Actor,
    session: Session,
    department_id: int,
    period: str,
    items: list[IndicatorInput],
) -> int:
    """Save a department's indicator values for a month; values outside an indicator's
    range are refused with a message naming the indicator. Returns how many were saved."""
    require(actor, "report.write")
    require_department(actor, department_id)
    if not is_period(period):
        raise ServiceError("error.period_invalid", period=period)
    todo = [i for i in items if i.value is not None]
    if not todo:
        raise ServiceError("error.nothing_to_save")
    ids = sorted({i.indicator_id for i in todo})
    if len(ids) != len(todo):
        raise ServiceError("error.duplicate_items")
    indicators = _indicators(session, ids)
    _check_values(session, department_id, period, todo, indicators)
    existing = {
        v.indicator_id: v
        for v in session.scalars(
            select(IndicatorValue)
            .where(
                IndicatorValue.indicator_id.in_(ids),
                IndicatorValue.department_id == department_id,
                IndicatorValue.period == period,
            )
            .order_by(IndicatorValue.indicator_id)
            .with_for_update()
        )
    }
    now = utcnow()
    changes: list[tuple[IndicatorValue, dict[str, Any] | None, int]] = []
    for item in sorted(todo, key=lambda i: i.indicator_id):
        row = existing.get(item.indicator_id)
        if row is None:
            row = IndicatorValue(
                indicator_id=item.indicator_id, department_id=department_id, period=period
            )
            session.add(row)
            before = None
        else:
            if item.expected_version is None or row.version != item.expected_version:
                raise conflict(session, "indicator_value", row.id)
            if row.value == item.value and row.sample_size == item.sample_size:
                continue
            before = {"value": row.value, "sample_size": row.sample_size}
        row.value = float(item.value)  # type: ignore[arg-type]
        row.sample_size = item.sample_size
        row.entered_by_id = actor.user_id
        row.entered_at = now
        changes.append((row, before, indicators[item.indicator_id].campaign_id))
    if not changes:
        return 0
    first_indicator = changes[0][0].indicator_id
    flush_or_conflict(
        session,
        "indicator_value",
        lambda: committed_id(
            session,
            IndicatorValue.id,
            IndicatorValue.indicator_id == first_indicator,
            IndicatorValue.department_id == department_id,
            IndicatorValue.period == period,
        ),
    )
    for row, before, campaign_id in changes:
        after = {
            "indicator_id": row.indicator_id,
            "period": period,
            "value": row.value,
            "sample_size": row.sample_size,
        }
        audit_indicator_value(session, actor, row, before, after, campaign_id)
    return len(changes)


def audit_indicator_value(
    session: Session,
    actor: Actor,
    row: IndicatorValue,
    before: dict[str, Any] | None,
    after: dict[str, Any],
    campaign_id: int,
) -> None:
    """The audit row of a value entered or corrected (by hand or by an upheld appeal)."""
    audit(
        session,
        actor,
        "save_indicator",
        "indicator_value",
        row.id,
        before=before,
        after=after,
        campaign_id=campaign_id,
        department_id=row.department_id,
    )


def _value_values(row: IndicatorValueRow) -> dict[str, Any]:
    return {"value": float(row.value), "sample_size": row.sample_size, "note": clean_text(row.note)}


def _import_value_refusals(
    actor: Actor,
    row: IndicatorValueRow,
    ind: Indicator | None,
    campaign: Campaign | None,
    upsert: Upsert,
    linked: dict[int, set[int]],
    locks: LockCache,
) -> Iterator[tuple[str, ServiceError]]:
    """Why an imported value may not be written: as for :func:`save_indicator_values`;
    the department and the lock are checked when it changes anything."""
    if ind is None or campaign is None:
        yield "indicator_id", ServiceError("error.indicator_unknown", id=row.indicator_id)
        return
    found = list(_value_refusals(ind, row.value, row.sample_size))
    if _not_assigned(ind, row.department_id, linked):
        label = _indicator_label(ind)
        found.append(
            ("department_id", PermissionDenied("error.indicator_not_assigned", field=label))
        )
    if error := campaign_period_error(campaign, row.period, allow_future=False):
        found.append(("period", error))
    if found:
        yield from found
        return
    if not upsert.changed_fields():
        return
    try:
        require_department(actor, row.department_id)
    except PermissionDenied as denied:
        yield "department_id", denied
    if campaign.archived:
        yield "indicator_id", ServiceError("error.campaign_archived", name=campaign.name)
    if error := locks.error(campaign.id, row.period):
        yield "period", error


def import_indicator_values(
    *, actor: Actor, session: Session, rows: list[IndicatorValueRow]
) -> list[Outcome]:
    """Create or change many indicator values at once (the Excel import), all or nothing,
    by the rules of :func:`save_indicator_values`. Rows equal to the stored value change
    nothing. Every refused row is in the :class:`~lib.write.base.BulkRefused` raised;
    one audit row per created or changed value. Returns each row's outcome."""
    require(actor, "data.import")
    require(actor, "report.write")
    keys = [(r.indicator_id, r.department_id, r.period) for r in rows]
    if len(set(keys)) != len(keys):
        raise ServiceError("error.duplicate_items")
    ids = sorted({r.indicator_id for r in rows})
    indicators = _indicators(session, ids)
    campaign_ids = sorted({ind.campaign_id for ind in indicators.values()})
    campaigns = {
        c.id: c for c in session.scalars(select(Campaign).where(Campaign.id.in_(campaign_ids)))
    }
    linked = _linked_departments(session, ids)
    existing = {
        (v.indicator_id, v.department_id, v.period): v
        for chunk in chunks(ids)
        for v in session.scalars(
            select(IndicatorValue)
            .where(IndicatorValue.indicator_id.in_(chunk))
            .order_by(IndicatorValue.id)
            .with_for_update()
        )
    }
    upserts = [
        Upsert(
            row.ref,
            existing.get(key),
            partial(
                IndicatorValue,
                indicator_id=row.indicator_id,
                department_id=row.department_id,
                period=row.period,
            ),
            _value_values(row),
        )
        for row, key in zip(rows, keys, strict=True)
    ]
    locks = LockCache(session)
    refusals = []
    for row, upsert in zip(rows, upserts, strict=True):
        ind = indicators.get(row.indicator_id)
        campaign = campaigns.get(ind.campaign_id) if ind is not None else None
        for field, error in _import_value_refusals(
            actor, row, ind, campaign, upsert, linked, locks
        ):
            refusals.append(Refusal(row.ref, field, error))
    refuse_all(refusals)
    return write_upserts(
        session,
        actor,
        "indicator_value",
        upserts,
        _value_snapshot,
        scope=lambda v: (indicators[v.indicator_id].campaign_id, v.department_id),
        stamp={"entered_by_id": actor.user_id, "entered_at": utcnow()},
    )


# --- indicators and peer benchmarks (imported) ----------------------------------------------


@dataclass(frozen=True)
class IndicatorRow:
    """One indicator of a bulk import (a row of the 指标 sheet), matched by campaign and
    code; ``seq`` orders a new indicator."""

    ref: int
    campaign_id: int
    code: str
    name: str
    seq: int = 0
    name_en: str | None = None
    group: str = "patient"
    unit: str | None = None
    scale: float | None = None
    min_value: float | None = None
    max_value: float | None = None
    target: float | None = None
    direction: str = "higher"


@dataclass(frozen=True)
class BenchmarkRow:
    """One peer benchmark of a bulk import (a row of the 标杆 sheet), matched by campaign,
    month, label, group, peer group and department."""

    ref: int
    campaign_id: int
    period: str
    label: str
    department_id: int | None = None
    group: str = "overall"
    score: float | None = None
    scale: float | None = None
    rate: float | None = None
    rank: int | None = None
    peer_count: int | None = None
    peer_group: str | None = None
    source: str | None = None


def _indicator_snapshot(ind: Indicator) -> dict[str, Any]:
    return {
        "campaign_id": ind.campaign_id,
        "code": ind.code,
        **{k: getattr(ind, k) for k in _INDICATOR_FIELDS},
    }


_INDICATOR_FIELDS = (
    "name",
    "name_en",
    "group",
    "unit",
    "scale",
    "min_value",
    "max_value",
    "target",
    "direction",
    "is_composite",
)
_BENCHMARK_FIELDS = (
    "group",
    "score",
    "scale",
    "rate",
    "rank",
    "peer_count",
    "peer_group",
    "source",
)


def _indicator_problems(row: IndicatorRow) -> Iterator[tuple[str, ServiceError]]:
    if not row.name.strip():
        yield "name", ServiceError("setup.error_name_required")
    if row.group not in INDICATOR_GROUPS:
        yield (
            "group",
            ServiceError("error.indicator_group_invalid", groups=", ".join(INDICATOR_GROUPS)),
        )
    if row.direction not in DIRECTIONS:
        yield "direction", ServiceError("error.direction_invalid")


def import_indicators(*, actor: Actor, session: Session, rows: list[IndicatorRow]) -> list[Outcome]:
    """Create or change indicators (the Excel import), all or nothing; an indicator of
    scale 1000 or more is a composite. One audit row per created or changed indicator."""
    require(actor, "data.import")
    require(actor, "campaign.setup")
    refuse_all([Refusal(r.ref, f, e) for r in rows for f, e in _indicator_problems(r)])
    upserts = keyed_upserts(
        session,
        Indicator,
        rows,
        ("campaign_id", "code"),
        lambda row: {
            **{k: getattr(row, k) for k in _INDICATOR_FIELDS if k != "is_composite"},
            "name": row.name.strip()[:200],
            "is_composite": (row.scale or 0) >= 1000,
        },
        new=("seq",),
    )
    return write_upserts(
        session,
        actor,
        "indicator",
        upserts,
        _indicator_snapshot,
        scope=lambda ind: (ind.campaign_id, None),
    )


_BENCHMARK_KEY = ("campaign_id", "period", "label", "group", "peer_group", "department_id")


def _benchmark_snapshot(b: PeerBenchmark) -> dict[str, Any]:
    return {
        "campaign_id": b.campaign_id,
        "period": b.period,
        "label": b.label,
        "department_id": b.department_id,
        **{k: getattr(b, k) for k in _BENCHMARK_FIELDS},
    }


def import_benchmarks(*, actor: Actor, session: Session, rows: list[BenchmarkRow]) -> list[Outcome]:
    """Create or change peer benchmarks (the Excel import), all or nothing: a valid month,
    and no change in a locked month. One audit row per created or changed benchmark."""
    require(actor, "data.import")
    require(actor, "campaign.setup")
    upserts = keyed_upserts(
        session,
        PeerBenchmark,
        rows,
        _BENCHMARK_KEY,
        lambda row: {k: getattr(row, k) for k in _BENCHMARK_FIELDS},
    )
    locks = LockCache(session)
    refusals = []
    for row, upsert in zip(rows, upserts, strict=True):
        if not is_period(row.period):
            refusals.append(
                Refusal(row.ref, "period", ServiceError("error.period_invalid", period=row.period))
            )
        elif upsert.changed_fields() and (error := locks.error(row.campaign_id, row.period)):
            refusals.append(Refusal(row.ref, "period", error))
    refuse_all(refusals)
    return write_upserts(
        session,
        actor,
        "peer_benchmark",
        upserts,
        _benchmark_snapshot,
        scope=lambda b: (b.campaign_id, b.department_id),
    )
