"""The page registry: which page file each role may open. ``app.py`` builds
``st.navigation`` from it; tests use it to open every page as every role."""

from __future__ import annotations

from dataclasses import dataclass

from lib.models import ROLES


@dataclass(frozen=True)
class PageSpec:
    key: str  # i18n key page.<key>, url path
    path: str  # file under pages/
    section: str  # i18n key nav.section.<section>
    icon: str
    roles: frozenset[str]
    default: bool = False


# everyone but the viewer (who sees the overview and the meeting pages only)
READERS = frozenset({"admin", "office", "leader", "liaison"})

PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "overview",
        "pages/overview.py",
        "dashboard",
        ":material/dashboard:",
        frozenset(ROLES),
        default=True,
    ),
    # --- leadership pages (issue 4) ---
    PageSpec("progress", "pages/progress.py", "dashboard", ":material/bar_chart:", READERS),
    PageSpec("ranking", "pages/ranking.py", "dashboard", ":material/leaderboard:", READERS),
    PageSpec(
        "satisfaction",
        "pages/satisfaction.py",
        "dashboard",
        ":material/sentiment_satisfied:",
        READERS,
    ),
    PageSpec("ledger", "pages/ledger.py", "dashboard", ":material/checklist:", READERS),
    # --- meetings and reports (issue 7) ---
    PageSpec("meeting", "pages/meeting.py", "dashboard", ":material/co_present:", frozenset(ROLES)),
    PageSpec(
        "reports",
        "pages/reports.py",
        "dashboard",
        ":material/description:",
        frozenset({"admin", "office", "leader"}),
    ),
    # --- reporting pages (issue 5) ---
    PageSpec(
        "report",
        "pages/report.py",
        "reporting",
        ":material/edit_note:",
        frozenset({"liaison", "office", "admin"}),
    ),
    PageSpec(
        "review",
        "pages/review.py",
        "reporting",
        ":material/fact_check:",
        frozenset({"admin", "office"}),
    ),
    PageSpec(
        "tracker",
        "pages/tracker.py",
        "reporting",
        ":material/calendar_month:",
        frozenset({"admin", "office", "leader"}),
    ),
    PageSpec(
        "locks", "pages/locks.py", "reporting", ":material/lock:", frozenset({"admin", "office"})
    ),
    PageSpec(
        "problems",
        "pages/problems.py",
        "reporting",
        ":material/assignment_late:",
        frozenset({"admin", "office", "leader"}),
    ),
    # --- setup and admin pages (issue 6) ---
    PageSpec(
        "setup_campaigns",
        "pages/setup_campaigns.py",
        "admin",
        ":material/flag:",
        frozenset({"admin", "office"}),
    ),
    PageSpec(
        "setup_tasks",
        "pages/setup_tasks.py",
        "admin",
        ":material/checklist:",
        frozenset({"admin", "office"}),
    ),
    PageSpec(
        "setup_departments",
        "pages/setup_departments.py",
        "admin",
        ":material/account_tree:",
        frozenset({"admin", "office"}),
    ),
    PageSpec(
        "setup_users",
        "pages/setup_users.py",
        "admin",
        ":material/manage_accounts:",
        frozenset({"admin"}),
    ),
    PageSpec(
        "setup_accounts",
        "pages/setup_accounts.py",
        "admin",
        ":material/key:",
        frozenset({"admin", "office"}),
    ),
    PageSpec(
        "audit",
        "pages/audit.py",
        "admin",
        ":material/history:",
        frozenset({"admin", "office"}),
    ),
    PageSpec("account", "pages/account.py", "account", ":material/person:", frozenset(ROLES)),
)


def pages_for(roles: set[str] | frozenset[str]) -> list[PageSpec]:
    """Pages the union of ``roles`` may open, in registry order."""
    return [p for p in PAGES if p.roles & set(roles)]
