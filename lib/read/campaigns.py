"""The campaign as every read module and page sees it: one typed, frozen record read in
one place (:func:`record`), cached per data version."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from lib.db import get_engine
from lib.domain.escalation import reminder_rules
from lib.domain.periods import periods_between
from lib.domain.scoring import Thresholds, campaign_settings
from lib.models import Campaign, Phase
from lib.read.cache import versioned


@dataclass(frozen=True)
class PhaseRecord:
    """A dated phase (阶段) of a campaign."""

    seq: int
    name: str
    kind: str
    start_date: dt.date
    end_date: dt.date


@dataclass(frozen=True)
class CampaignRecord:
    """A campaign's descriptive fields, its settings merged over the defaults and its
    phases in order. Shared by every caller of the cache: read it, never change it
    (``settings`` is typed read-only; it stays a plain dict so that pages can cache
    what holds it with ``st.cache_data``, which pickles)."""

    id: int
    name: str
    name_en: str | None
    theme: str | None
    organiser: str | None
    start_date: dt.date
    end_date: dt.date
    target_satisfaction: float | None
    archived: bool
    settings: Mapping[str, Any]
    phases: tuple[PhaseRecord, ...]
    # reminder and escalation rules (issue 22), over their defaults
    reminders: Mapping[str, Any] = field(default_factory=dict)

    @property
    def report_day(self) -> int:
        """Liaisons report by this day of the month."""
        return int(self.settings["report_day"])

    @property
    def periods(self) -> list[str]:
        """The months the campaign reports for."""
        return periods_between(self.start_date, self.end_date)

    @property
    def thresholds(self) -> Thresholds:
        return Thresholds.from_settings(self.settings)

    def phase_at(self, day: dt.date) -> PhaseRecord | None:
        """The phase running on ``day``, if any."""
        return next((p for p in self.phases if p.start_date <= day <= p.end_date), None)


@versioned
def record(campaign_id: int) -> CampaignRecord | None:
    """The campaign (None if there is no such campaign)."""
    with get_engine().connect() as conn:
        row = conn.execute(
            select(
                Campaign.id,
                Campaign.name,
                Campaign.name_en,
                Campaign.theme,
                Campaign.organiser,
                Campaign.start_date,
                Campaign.end_date,
                Campaign.target_satisfaction,
                Campaign.archived,
                Campaign.settings,
            ).where(Campaign.id == campaign_id)
        ).first()
        if row is None:
            return None
        phases = conn.execute(
            select(Phase.seq, Phase.name, Phase.kind, Phase.start_date, Phase.end_date)
            .where(Phase.campaign_id == campaign_id)
            .order_by(Phase.seq)
        ).all()
    fields = row._asdict()
    stored = fields.pop("settings")
    return CampaignRecord(
        **{**fields, "archived": bool(fields["archived"])},
        settings=campaign_settings(stored),
        reminders=reminder_rules(stored),
        phases=tuple(PhaseRecord(*p) for p in phases),
    )
