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
    # recognition: selection rounds, 公示 and 光荣榜 (issue 20)
    "recognition.read": frozenset(ROLES),  # the 光荣榜, for everyone
    "recognition.nominate": frozenset({"admin", "office", "liaison"}),
    "recognition.manage": frozenset({"admin", "office"}),
    "recognition.decide": frozenset({"admin", "leader"}),
    "recognition.object": frozenset(ROLES),  # anyone may object during the 公示
    # appeals against inspection scores and complaint counts (issue 21); a liaison files
    # for their own department only
    "appeal.read": frozenset({"admin", "office", "leader", "liaison"}),
    "appeal.file": frozenset({"admin", "office", "liaison"}),
    "appeal.decide": frozenset({"admin", "office"}),
    # 我的待办 (issue 16): a liaison's to-do, the campaign office's home
    "home.read": frozenset({"admin", "office", "liaison"}),
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


# whose drafts (unsubmitted reports) an actor may read: every department's ...
ALL_DRAFTS = -1


def draft_scope(actor: Actor | None) -> int | None:
    """Whose drafts (unsubmitted reports) the actor may read (issue 17, item 8): every
    department's (:data:`ALL_DRAFTS`) for the office and the administrator, their own
    department's (its id) for a liaison, nobody's (None) otherwise. Submitted, returned
    and approved reports are read by everyone who may read the page."""
    if actor is None:
        return None
    if actor.roles & {"admin", "office"}:
        return ALL_DRAFTS
    if "liaison" in actor.roles and actor.department_id is not None:
        return actor.department_id
    return None
