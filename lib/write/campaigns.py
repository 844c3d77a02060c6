"""Campaigns (issue 6): created from a template or a reviewed plan, edited (name, dates,
target, thresholds, weights, phases), archived; and written in bulk by the Excel import
(:func:`import_campaigns`, :func:`import_phases`) by the same rules."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from lib.domain.clock import local_today
from lib.domain.permissions import Actor
from lib.domain.plan import draft_problems, draft_to_template
from lib.domain.scoring import DEFAULT_SETTINGS
from lib.io.templates import create_campaign_from_template, departments_by_name, load_template
from lib.models import PHASE_KINDS, Campaign, Phase
from lib.write.base import (
    Outcome,
    Refusal,
    ServiceError,
    Upsert,
    audit,
    department_by_code,
    get_or_refuse,
    json_copy,
    keyed_upserts,
    refuse_all,
    require,
    write_upserts,
)


@dataclass(frozen=True)
class CampaignRow:
    """One campaign of a bulk import (a row of the 活动 sheet); ``campaign_id`` None makes a
    new campaign. ``settings`` None keeps the stored settings (defaults for a new one)."""

    ref: int
    campaign_id: int | None
    name: str
    start_date: dt.date
    end_date: dt.date
    name_en: str | None = None
    theme: str | None = None
    organiser: str | None = None
    target_satisfaction: float | None = None
    archived: bool = False
    settings: dict[str, Any] | None = None


@dataclass(frozen=True)
class PhaseRow:
    """One phase of a bulk import (a row of the 阶段 sheet), matched by campaign and seq."""

    ref: int
    campaign_id: int
    seq: int
    name: str
    start_date: dt.date
    end_date: dt.date
    kind: str = "rectify"


def _campaign_snapshot(campaign: Campaign) -> dict[str, Any]:
    return {
        "name": campaign.name,
        "name_en": campaign.name_en,
        "theme": campaign.theme,
        "organiser": campaign.organiser,
        "start_date": campaign.start_date.isoformat(),
        "end_date": campaign.end_date.isoformat(),
        "target_satisfaction": campaign.target_satisfaction,
        "settings": campaign.settings,
        "archived": campaign.archived,
    }


def _phase_snapshot(phase: Phase) -> dict[str, Any]:
    return {
        "campaign_id": phase.campaign_id,
        "seq": phase.seq,
        "name": phase.name,
        "kind": phase.kind,
        "start_date": phase.start_date.isoformat(),
        "end_date": phase.end_date.isoformat(),
    }


def _span_error(start: dt.date, end: dt.date) -> ServiceError | None:
    return ServiceError("setup.error_end_before_start") if end <= start else None


def _check_span(start: dt.date, end: dt.date) -> None:
    if error := _span_error(start, end):
        raise error


def _campaign_refusals(
    name: str | None,
    start: dt.date,
    end: dt.date,
    target_satisfaction: float | None,
) -> Iterator[tuple[str, ServiceError]]:
    """What is wrong with a campaign's name, dates and target, as (field, error)."""
    if not (name or "").strip():
        yield "name", ServiceError("setup.error_name_required")
    if error := _span_error(start, end):
        yield "end_date", error
    if target_satisfaction is not None and not 0 <= target_satisfaction <= 100:
        yield "target_satisfaction", ServiceError("setup.error_target_range")


def _settings_error(thresholds: Any, weights: Any) -> ServiceError | None:
    """Why scoring thresholds or weights cannot be used (None if they can, or are not
    given): 0 < behind < on track <= 1; weights finite, not negative, adding up to 100."""
    if thresholds is not None:
        try:
            on_track, behind = float(thresholds["on_track"]), float(thresholds["behind"])
        except (KeyError, TypeError, ValueError):
            return ServiceError("setup.error_thresholds")
        if not 0 < behind < on_track <= 1:
            return ServiceError("setup.error_thresholds")
    if weights is not None:
        try:
            values = [float(v) for v in weights.values()]
        except (AttributeError, TypeError, ValueError):
            return ServiceError("setup.error_weights")
        if any(not math.isfinite(v) or v < 0 for v in values) or abs(sum(values) - 100) > 0.01:
            return ServiceError("setup.error_weights")
    return None


def _phase_error(
    i: int, name: str | None, kind: str, start: Any, end: Any
) -> tuple[str, ServiceError] | None:
    """What is wrong with the ``i``-th phase, as (field, error)."""
    if not (name or "").strip() or not isinstance(start, dt.date) or not isinstance(end, dt.date):
        return "name", ServiceError("setup.error_phase_incomplete", row=i)
    if end < start:
        return "end_date", ServiceError("setup.error_phase_dates", row=i)
    if kind not in PHASE_KINDS:
        return "kind", ServiceError("setup.error_phase_kind", row=i)
    return None


def create_campaign_from_template_key(
    *,
    actor: Actor,
    session: Session,
    template_key: str,
    start: dt.date,
    end: dt.date,
    organisation_code: str | None = None,
    name: str | None = None,
) -> Any:
    """A new campaign from ``data/templates``; phases and deadlines keep their shape."""
    require(actor, "campaign.setup")
    _check_span(start, end)
    try:
        template = load_template(template_key)
    except (KeyError, OSError, ValueError) as exc:
        raise ServiceError("setup.error_template_unknown", template=template_key) from exc
    if name and name.strip():
        template = {**template, "name": name.strip()[:300]}
    campaign = create_campaign_from_template(
        session,
        template,
        start=start,
        end=end,
        organisation=department_by_code(session, organisation_code),
        department_by_name=departments_by_name(session),
    )
    audit(
        session,
        actor,
        "create",
        "campaign",
        campaign.id,
        after={**_campaign_snapshot(campaign), "template": template_key},
        campaign_id=campaign.id,
    )
    return campaign


def create_campaign_from_plan(
    *,
    actor: Actor,
    session: Session,
    draft: Any,
    start: dt.date | None = None,
    end: dt.date | None = None,
    organisation_code: str | None = None,
    today: dt.date | None = None,
) -> Any:
    """A new campaign from a reviewed plan draft (``lib.domain.plan.PlanDraft``).

    Responsible departments are matched by name; names not found are left for the office
    to assign (they are listed in the audit row).
    """
    require(actor, "campaign.setup")
    problems = draft_problems(draft)
    if problems:
        key, params = problems[0]
        raise ServiceError(key, **params)
    auto_start, auto_end = draft.span(today or local_today())
    start, end = start or auto_start, end or auto_end
    _check_span(start, end)
    template = draft_to_template(draft, start, end)
    by_name = departments_by_name(session)
    campaign = create_campaign_from_template(
        session,
        template,
        start=start,
        end=end,
        organisation=department_by_code(session, organisation_code),
        department_by_name=by_name,
    )
    unmatched = sorted({d for t in draft.tasks for d in t.departments if d not in by_name})
    audit(
        session,
        actor,
        "import_plan",
        "campaign",
        campaign.id,
        after={
            **_campaign_snapshot(campaign),
            "tasks": len(draft.tasks),
            "unmatched_departments": unmatched,
        },
        campaign_id=campaign.id,
    )
    return campaign


# A phase as the campaign form gives it: (name, kind, start_date, end_date), in order.
_PHASE_TUPLE = ("name", "kind", "start_date", "end_date")


def _replace_phases(
    session: Session, campaign: Campaign, phases: list[tuple[str, str, dt.date, dt.date]]
) -> None:
    old = [tuple(getattr(p, f) for f in _PHASE_TUPLE) for p in campaign.phases]
    if old == phases:
        return
    for p in list(campaign.phases):
        session.delete(p)
    session.flush()
    for seq, phase in enumerate(phases, start=1):
        session.add(
            Phase(campaign_id=campaign.id, seq=seq, **dict(zip(_PHASE_TUPLE, phase, strict=True)))
        )
    session.flush()
    session.refresh(campaign)


def _text(value: str | None, limit: int) -> str | None:
    return (value or "").strip()[:limit] or None


def update_campaign(
    *,
    actor: Actor,
    session: Session,
    campaign_id: int,
    name: str,
    start: dt.date,
    end: dt.date,
    name_en: str | None = None,
    theme: str | None = None,
    organiser: str | None = None,
    target_satisfaction: float | None = None,
    thresholds: dict[str, float] | None = None,
    weights: dict[str, float] | None = None,
    phases: list[dict[str, Any]] | None = None,
    circular: dict[str, str] | None = None,
) -> None:
    """Edit a campaign's name, dates, target, thresholds, weights and phases, and the
    circular's issuing office and document-number prefix (``circular``)."""
    require(actor, "campaign.setup")
    campaign = get_or_refuse(session, Campaign, campaign_id, "setup.error_campaign_unknown")
    for _field, refused in _campaign_refusals(name, start, end, target_satisfaction):
        raise refused
    if error := _settings_error(thresholds, weights):
        raise error
    settings = json_copy(campaign.settings or {})
    if thresholds is not None:
        settings["thresholds"] = {
            "on_track": float(thresholds["on_track"]),
            "behind": float(thresholds["behind"]),
        }
    if weights is not None:
        settings["weights"] = {k: float(v) for k, v in weights.items()}
    if circular is not None:
        settings["circular"] = {
            "issuer": str(circular.get("issuer") or "").strip()[:100],
            "prefix": str(circular.get("prefix") or "").strip()[:40],
        }
    new_phases: list[tuple[str, str, dt.date, dt.date]] = []
    for i, ph in enumerate(phases or [], start=1):
        p_name, kind = str(ph.get("name") or "").strip(), ph.get("kind") or "rectify"
        p_start, p_end = ph.get("start_date"), ph.get("end_date")
        if phase_refused := _phase_error(i, p_name, kind, p_start, p_end):
            raise phase_refused[1]
        new_phases.append((p_name[:200], kind, p_start, p_end))  # type: ignore[arg-type]
    before = _campaign_snapshot(campaign)
    campaign.name = name.strip()[:300]
    campaign.name_en = _text(name_en, 300)
    campaign.theme = _text(theme, 300)
    campaign.organiser = _text(organiser, 200)
    campaign.start_date, campaign.end_date = start, end
    campaign.target_satisfaction = target_satisfaction
    campaign.settings = settings
    if phases is not None:
        _replace_phases(session, campaign, new_phases)
    after = _campaign_snapshot(campaign)
    after["phases"] = [[p[0], p[1], p[2].isoformat(), p[3].isoformat()] for p in new_phases]
    audit(
        session,
        actor,
        "update",
        "campaign",
        campaign.id,
        before=before,
        after=after,
        campaign_id=campaign.id,
    )


def set_campaign_archived(
    *, actor: Actor, session: Session, campaign_id: int, archived: bool
) -> None:
    require(actor, "campaign.setup")
    campaign = get_or_refuse(session, Campaign, campaign_id, "setup.error_campaign_unknown")
    if campaign.archived == archived:
        return
    before = {"archived": campaign.archived}
    campaign.archived = archived
    audit(
        session,
        actor,
        "archive" if archived else "unarchive",
        "campaign",
        campaign.id,
        before=before,
        after={"archived": archived},
        campaign_id=campaign.id,
    )


# --- bulk writes of the Excel import ----------------------------------------------------------


def _campaign_values(row: CampaignRow, stored: Campaign | None) -> dict[str, Any]:
    """The campaign's columns as the row sets them."""
    if row.settings is not None:
        settings = row.settings
    elif stored is not None:
        settings = stored.settings
    else:
        settings = json_copy(DEFAULT_SETTINGS)
    return {
        "name": row.name.strip()[:300],
        "name_en": _text(row.name_en, 300),
        "theme": _text(row.theme, 300),
        "organiser": _text(row.organiser, 200),
        "start_date": row.start_date,
        "end_date": row.end_date,
        "target_satisfaction": row.target_satisfaction,
        "archived": bool(row.archived),
        "settings": settings,
    }


def _import_campaign_refusals(row: CampaignRow) -> Iterator[tuple[str, ServiceError]]:
    yield from _campaign_refusals(row.name, row.start_date, row.end_date, row.target_satisfaction)
    if row.settings is not None and (
        error := _settings_error(row.settings.get("thresholds"), row.settings.get("weights"))
    ):
        yield "settings", error


def import_campaigns(*, actor: Actor, session: Session, rows: list[CampaignRow]) -> list[Outcome]:
    """Create or change campaigns (the Excel import), all or nothing, by the rules of
    :func:`update_campaign`; every refused row is in the BulkRefused raised. One audit
    row per created or changed campaign. Returns each row's outcome."""
    require(actor, "data.import")
    require(actor, "campaign.setup")
    stored = {r.ref: session.get(Campaign, r.campaign_id) if r.campaign_id else None for r in rows}
    refusals = [
        Refusal(row.ref, field, error)
        for row in rows
        for field, error in _import_campaign_refusals(row)
    ]
    refusals += [
        Refusal(row.ref, "name", ServiceError("setup.error_campaign_unknown"))
        for row in rows
        if row.campaign_id and stored[row.ref] is None
    ]
    refuse_all(refusals)
    upserts = [
        Upsert(row.ref, stored[row.ref], Campaign, _campaign_values(row, stored[row.ref]))
        for row in rows
    ]
    return write_upserts(
        session, actor, "campaign", upserts, _campaign_snapshot, scope=lambda c: (c.id, None)
    )


def import_phases(*, actor: Actor, session: Session, rows: list[PhaseRow]) -> list[Outcome]:
    """Create or change phases (the Excel import), matched by campaign and number, all or
    nothing, by the phase rules of :func:`update_campaign`. One audit row per created or
    changed phase. Returns each row's outcome."""
    require(actor, "data.import")
    require(actor, "campaign.setup")
    refusals = [
        Refusal(row.ref, *refused)
        for row in rows
        if (refused := _phase_error(row.seq, row.name, row.kind, row.start_date, row.end_date))
    ]
    refuse_all(refusals)
    upserts = keyed_upserts(
        session,
        Phase,
        rows,
        ("campaign_id", "seq"),
        lambda row: {
            "name": row.name.strip()[:200],
            "kind": row.kind,
            "start_date": row.start_date,
            "end_date": row.end_date,
        },
    )
    return write_upserts(
        session, actor, "phase", upserts, _phase_snapshot, scope=lambda p: (p.campaign_id, None)
    )
