"""Satisfaction with its uncertainty (issue 21): each department's satisfaction with the
answers behind it, its Wilson 95% interval, the 样本量不足 flag and its rank among the
departments with enough answers; each item's pooled figure, interval, standing against
target on the evidence and real direction since the month before. The rules are in
:mod:`lib.domain.stats`; the composite score's satisfaction component uses the same
rule (:func:`lib.domain.scoring.satisfaction_component`)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from lib.domain import scoring, stats
from lib.domain.periods import shift_period
from lib.read import queries

DEPARTMENT_COLUMNS = [
    "department_id",
    "department",
    "department_en",
    "value",
    "component",
    "n",
    "low",
    "high",
    "enough",
    "rank",
]
ITEM_COLUMNS = [
    "indicator_id",
    "name",
    "name_en",
    "target",
    "direction",
    "value",
    "n",
    "low",
    "high",
    "standing",
    "previous",
    "change",
]


def _satisfaction_rows(campaign_id: int, period: str, group: str) -> pd.DataFrame:
    values = queries.department_indicators(campaign_id, period, group)
    if values.empty:
        return values
    return values[(values["scale"].fillna(100) <= 100) & (values["unit"] != "件")]


def _size(n: Any) -> int | None:
    return None if n is None or pd.isna(n) else int(n)


def department_table(campaign_id: int, period: str, group: str, min_sample: int) -> pd.DataFrame:
    """One row per department: its satisfaction (mean over its items, 100 scale), the
    answers behind it (the fewest of any of its items: the same people answer every
    item, and the smallest count is the cautious one), the Wilson 95% interval, whether
    it has at least ``min_sample`` answers, its rank among those that have (None for the
    others: kept out of the ranking), and the composite score's satisfaction component
    of it (same rule). Best first, departments without enough answers last."""
    values = _satisfaction_rows(campaign_id, period, group)
    if values.empty:
        return pd.DataFrame(columns=DEPARTMENT_COLUMNS)
    rows = []
    for did, one in values.groupby("department_id", sort=False):
        sizes = [_size(n) for n in one["sample_size"]]
        known = [n for n in sizes if n is not None]
        n = min(known) if known else None
        value = float(one["value"].astype(float).mean())
        bounds = stats.rate_interval(value, n) if n else None
        items = [
            (float(v), None if pd.isna(tg) else float(tg), size)
            for v, tg, size in zip(one["value"], one["target"], sizes, strict=True)
        ]
        rows.append(
            {
                "department_id": did,
                "department": one["department"].iloc[0],
                "department_en": one["department_en"].iloc[0],
                "value": value,
                "component": scoring.satisfaction_component(items, min_sample),
                "n": n,
                "low": bounds[0] if bounds else None,
                "high": bounds[1] if bounds else None,
                "enough": n is None or n >= min_sample,
            }
        )
    df = pd.DataFrame(rows)
    ranked = df[df["enough"]]
    ranks = scoring.competition_ranks(ranked["value"].to_numpy()) if len(ranked) else []
    df["rank"] = pd.Series(list(ranks), index=ranked.index, dtype="Int64")
    df = df.sort_values(["enough", "value"], ascending=[False, False], kind="stable")
    return df.reset_index(drop=True)[DEPARTMENT_COLUMNS]


def item_table(campaign_id: int, period: str, group: str) -> pd.DataFrame:
    """One row per item: the pooled figure over departments (weighted by answers where
    known, else the plain mean), the total answers, the Wilson 95% interval, the
    standing against target on the evidence ("below", "above", "unclear", "unknown"),
    and the pooled figure of the month before the latest figures and the change since
    (the real direction)."""
    rows = _satisfaction_rows(campaign_id, period, group)
    now = _pooled(rows, period)
    if now.empty:
        return pd.DataFrame(columns=ITEM_COLUMNS)
    # the month before the latest figures (a survey month may lie behind the month looked at)
    earlier = shift_period(str(rows["period"].max()), -1)
    before = _pooled(_satisfaction_rows(campaign_id, earlier, group), earlier)
    previous = dict(zip(before["indicator_id"], before["value"], strict=True))
    now["previous"] = [previous.get(i) for i in now["indicator_id"]]
    now["change"] = [
        None if p is None else v - p for v, p in zip(now["value"], now["previous"], strict=True)
    ]
    return now[ITEM_COLUMNS]


def _pooled(values: pd.DataFrame, period: str) -> pd.DataFrame:
    if values.empty:
        return pd.DataFrame(columns=ITEM_COLUMNS)
    values = values[values["period"] <= period]
    rows = []
    for iid, one in values.groupby("indicator_id", sort=False):
        sizes = [_size(n) for n in one["sample_size"]]
        vals = one["value"].astype(float).tolist()
        known = [(v, n) for v, n in zip(vals, sizes, strict=True) if n]
        if known:
            total = sum(n for _, n in known)
            value = sum(v * n for v, n in known) / total
        else:
            total, value = None, sum(vals) / len(vals)
        target = one["target"].iloc[0]
        target = None if pd.isna(target) else float(target)
        direction = one["direction"].iloc[0] or "higher"
        reading = stats.read_item(value, target, total, 0, direction != "lower")
        rows.append(
            {
                "indicator_id": int(iid),
                "name": one["name"].iloc[0],
                "name_en": one["name_en"].iloc[0],
                "target": target,
                "direction": direction,
                "value": value,
                "n": total,
                "low": reading.low,
                "high": reading.high,
                "standing": reading.standing,
            }
        )
    return pd.DataFrame(rows)


def lowest_items(items: pd.DataFrame, count: int = 3) -> pd.DataFrame:
    """The items to rectify, chosen on evidence: those below target on their interval
    (or, without answers, on their value), furthest below first; never an item above
    its target."""
    if items.empty:
        return items
    below = items[items["standing"] == "below"]
    gap = (below["value"] - below["target"]).where(
        below["direction"] != "lower", below["target"] - below["value"]
    )
    return below.assign(gap=gap).sort_values("gap").head(count).reset_index(drop=True)
