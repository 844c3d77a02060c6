"""The page registry: which page file each role may open. ``app.py`` builds
``st.navigation`` from it; tests use it to open every page as every role."""

from __future__ import annotations

from dataclasses import dataclass, replace

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

# who lands on 我的待办 after login (issue 16); leaders (and admins, viewers) keep the overview
HOME_LANDING = frozenset({"liaison", "office"})

PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "home",
        "pages/home.py",
        "dashboard",
        ":material/task_alt:",
        frozenset({"liaison", "office", "admin"}),
    ),
    PageSpec(
        "overview",
        "pages/overview.py",
        "dashboard",
        ":material/dashboard:",
        frozenset(ROLES),
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
    # --- recognition (issue 20): the 光荣榜 for everyone ---
    PageSpec(
        "honours", "pages/honours.py", "dashboard", ":material/military_tech:", frozenset(ROLES)
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
        "appeals",
        "pages/appeals.py",
        "reporting",
        ":material/gavel:",
        frozenset({"admin", "office", "leader", "liaison"}),
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
    PageSpec("selection", "pages/selection.py", "reporting", ":material/how_to_vote:", READERS),
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
        "setup_channels",
        "pages/setup_channels.py",
        "admin",
        ":material/campaign:",
        frozenset({"admin", "office"}),
    ),
    PageSpec(
        "setup_staff",
        "pages/setup_staff.py",
        "admin",
        ":material/badge:",
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
    # --- onboarding (issue 23): the setup wizard and the whole workbook ---
    PageSpec(
        "setup_wizard",
        "pages/setup_wizard.py",
        "admin",
        ":material/auto_fix_high:",
        frozenset({"admin", "office"}),
    ),
    PageSpec(
        "setup_workbook",
        "pages/setup_workbook.py",
        "admin",
        ":material/table_view:",
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


def landing_page(roles: set[str] | frozenset[str]) -> str:
    """The page a user lands on after login: 我的待办 for liaisons and the campaign office,
    the overview for everyone else (a leader keeps the overview whatever else they are)."""
    roles = set(roles)
    return "home" if roles & HOME_LANDING and "leader" not in roles else "overview"


def pages_for(roles: set[str] | frozenset[str]) -> list[PageSpec]:
    """Pages the union of ``roles`` may open, in registry order; the landing page
    (:func:`landing_page`) is the default one."""
    landing = landing_page(roles)
    return [replace(p, default=p.key == landing) for p in PAGES if p.roles & set(roles)]
