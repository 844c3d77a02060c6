"""Who may do what: one role × action table used by pages (to hide) and services (to refuse)."""

from __future__ import annotations

from dataclasses import dataclass, field

from lib.models import ROLES

# action -> roles allowed. Liaison writes are further limited to their own department
# by the service layer (see lib.write.base.require_department).
ACTIONS: dict[str, frozenset[str]] = {
    "read.overview": frozenset(ROLES),
    "read.all": frozenset({"admin", "office", "leader", "liaison"}),
    "report.write": frozenset({"admin", "office", "liaison"}),
    "report.review": frozenset({"admin", "office"}),
    "period.lock": frozenset({"admin", "office"}),
    "inspection.score": frozenset({"admin", "office"}),
    "campaign.setup": frozenset({"admin", "office"}),
    "data.import": frozenset({"admin", "office"}),
    "data.export": frozenset({"admin", "office", "leader"}),
    "users.admin": frozenset({"admin"}),
    # the office issues liaison accounts with one-time passwords (issue 23)
    "users.liaisons": frozenset({"admin", "office"}),
    "audit.read": frozenset({"admin", "office"}),
    # monthly reporting (issue 5)
    "tracker.read": frozenset({"admin", "office", "leader"}),
    "problem.read": frozenset({"admin", "office", "leader"}),
    "problem.manage": frozenset({"admin", "office"}),
    "account.self": frozenset(ROLES),
}


@dataclass(frozen=True)
class Actor:
    """Who is acting: a logged-in user, or the CLI/system (user_id None)."""

    username: str
    roles: frozenset[str] = field(default_factory=frozenset)
    user_id: int | None = None
    department_id: int | None = None

    @classmethod
    def system(cls) -> Actor:
        return cls(username="system", roles=frozenset({"admin"}))


def can(actor: Actor | None, action: str) -> bool:
    if actor is None:
        return False
    allowed = ACTIONS.get(action)
    if allowed is None:
        raise KeyError(f"unknown action {action!r}")
    return bool(actor.roles & allowed)
