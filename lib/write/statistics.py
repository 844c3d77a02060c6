"""A campaign's statistics settings (issue 21): the run-chart rules ("ihi" or
"anhoej"), the minimum sample of a satisfaction figure, and the days a department has to
appeal a score. Stored in the campaign's settings JSON, audited with before and after;
a change marks the department × month summary for a rebuild (the satisfaction component
depends on the minimum sample)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from lib.domain.permissions import Actor
from lib.domain.runchart import METHODS
from lib.models import Campaign
from lib.write.base import ServiceError, audit, get_or_refuse, json_copy, require

MIN_SAMPLE_RANGE = (1, 10_000)
APPEAL_DAYS_RANGE = (1, 365)


def update_statistics_settings(
    *,
    actor: Actor,
    session: Session,
    campaign_id: int,
    runchart_method: str | None = None,
    min_sample: int | None = None,
    appeal_days: int | None = None,
) -> dict[str, Any]:
    """Set any of the three settings (None keeps the stored one); returns the stored
    settings after the change."""
    require(actor, "campaign.setup")
    campaign = get_or_refuse(session, Campaign, campaign_id, "setup.error_campaign_unknown")
    if runchart_method is not None and runchart_method not in METHODS:
        raise ServiceError("stats.error_method")
    for number, (lo, hi) in ((min_sample, MIN_SAMPLE_RANGE), (appeal_days, APPEAL_DAYS_RANGE)):
        if number is not None and (
            isinstance(number, bool) or not isinstance(number, int) or not lo <= number <= hi
        ):
            raise ServiceError("stats.error_range", low=lo, high=hi)
    before_all = json_copy(campaign.settings or {})
    settings = json_copy(before_all)
    changes: dict[str, str | int | None] = {
        "runchart_method": runchart_method,
        "min_sample": min_sample,
        "appeal_days": appeal_days,
    }
    for key, value in changes.items():
        if value is not None:
            settings[key] = value
    if settings == before_all:
        return settings
    campaign.settings = settings
    audit(
        session,
        actor,
        "update_statistics",
        "campaign",
        campaign.id,
        before={k: before_all.get(k) for k in changes},
        after={k: settings.get(k) for k in changes},
        campaign_id=campaign.id,
    )
    return settings
