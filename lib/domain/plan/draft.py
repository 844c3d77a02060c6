"""The campaign draft a plan becomes: phases, areas and tasks (with deadline, responsible
departments and a measurable target), before the office reviews it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass
class PlanTarget:
    text: str
    value: float
    direction: str  # "higher" / "lower"
    unit: str


@dataclass
class PlanTask:
    code: str
    title: str
    description: str = ""
    due: dt.date | None = None
    departments: list[str] = field(default_factory=list)
    target: PlanTarget | None = None
    title_cut: bool = False  # the heading was longer than a title: cut, full text kept

    @property
    def lead(self) -> str | None:
        return self.departments[0] if self.departments else None


@dataclass
class PlanArea:
    title: str
    code: str | None = None
    tasks: list[PlanTask] = field(default_factory=list)


@dataclass
class PlanPhase:
    name: str
    start: dt.date | None
    end: dt.date | None
    kind: str = "rectify"


@dataclass
class PlanDraft:
    title: str | None
    phases: list[PlanPhase] = field(default_factory=list)
    areas: list[PlanArea] = field(default_factory=list)
    document_date: dt.date | None = None
    # what the parser could not settle (i18n key, params): 20xx years, no year at all
    notes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    @property
    def tasks(self) -> list[PlanTask]:
        return [t for a in self.areas for t in a.tasks]

    def to_json(self) -> dict[str, Any]:
        """The CLI contract: title, phases (name, start, end), areas with tasks."""

        def iso(day: dt.date | None) -> str | None:
            return day.isoformat() if day else None

        return {
            "title": self.title,
            "phases": [
                {"name": p.name, "start": iso(p.start), "end": iso(p.end)} for p in self.phases
            ],
            "areas": [
                {
                    "title": a.title,
                    "tasks": [
                        {
                            "code": t.code,
                            "title": t.title,
                            "due": iso(t.due),
                            "departments": list(t.departments),
                            "target": t.target.text if t.target else None,
                        }
                        for t in a.tasks
                    ],
                }
                for a in self.areas
            ],
        }

    def stated_span(self) -> tuple[dt.date | None, dt.date | None]:
        """The campaign dates the plan states: from its first phase (else its signature
        date) to its last phase or deadline; ``None`` where it states none."""
        starts = [p.start for p in self.phases if p.start]
        start = min(starts) if starts else self.document_date
        ends = [d for d in [*(p.end for p in self.phases), *(t.due for t in self.tasks)] if d]
        ends = [d for d in ends if start is None or d > start]
        return start, (max(ends) if ends else None)

    def span(self, today: dt.date) -> tuple[dt.date, dt.date]:
        """Campaign dates: the phases' span, else around the deadlines, else from today."""
        starts = [p.start for p in self.phases if p.start]
        ends = [p.end for p in self.phases if p.end]
        dues = [t.due for t in self.tasks if t.due]
        if starts:
            start = min(starts)
        elif self.document_date:
            start = self.document_date
        elif dues:
            start = min(dues) - dt.timedelta(days=90)
        else:
            start = today
        end_candidates = [d for d in [*ends, *dues] if d >= start]
        end = max(end_candidates) if end_candidates else start + dt.timedelta(days=182)
        if end <= start:
            end = start + dt.timedelta(days=182)
        return start, end
