"""The write side: every change to the database goes through these functions
(permission check, validation, optimistic version, audit row, one transaction).

Callers import the package: ``from lib import write`` then ``write.save_reports(...)``.
The modules, by entity:

- ``base``: refusals (ServiceError and kin), permission checks, the audit row, the
  month lock, version conflicts, the bulk upsert shared by the import functions
- ``users``: passwords, accounts, login bookkeeping
- ``reporting``: monthly reports and their review
- ``indicators``: indicator values; indicators and peer benchmarks (imported)
- ``evidence``: evidence files of a report
- ``oversight``: month locks, inspection scores
- ``problems``: the problem ledger
- ``campaigns``: campaigns and their phases
- ``setup``: departments and the task table
- ``notifications``: channels, 分管领导, reminder rules, the delivery log (issue 22)
- ``statistics``: a campaign's run-chart rules, minimum sample and appeal window
- ``survey``: item-level survey answers imported from a survey platform's export
- ``appeals``: appeals against inspection scores and complaint counts

The ``import_*`` functions are the bulk writes of the Excel import: the same rules as
the page's functions, every refused row reported (:class:`BulkRefused`).
"""

from lib.write.accounts import (
    IssuedAccount,
    issue_liaison_accounts,
    one_time_password,
    reset_one_time_password,
)
from lib.write.base import (
    MAX_REASON,
    MAX_TEXT,
    OFFICE_ROLES,
    BulkRefused,
    ConflictError,
    Outcome,
    PermissionDenied,
    Refusal,
    ServiceError,
    all_or_nothing,
    audit,
    is_period_locked,
    json_copy,
    refuse_all,
    require,
    require_department,
    row_error,
)
from lib.write.campaigns import (
    CampaignRow,
    PhaseRow,
    create_campaign_from_plan,
    create_campaign_from_template_key,
    import_campaigns,
    import_phases,
    set_campaign_archived,
    update_campaign,
)
from lib.write.evidence import add_attachment, remove_attachment
from lib.write.indicators import (
    BenchmarkRow,
    IndicatorInput,
    IndicatorRow,
    IndicatorValueRow,
    import_benchmarks,
    import_indicator_values,
    import_indicators,
    save_indicator_values,
)
from lib.write.notifications import (
    save_channel,
    set_channel_active,
    set_department_leader,
    set_reminder_rules,
)
from lib.write.oversight import save_inspection_score, set_period_lock
from lib.write.problems import PROBLEM_SOURCES, register_problem, verify_problem
from lib.write.reporting import (
    ReportClash,
    ReportInput,
    ReportRow,
    import_reports,
    review_reports,
    save_reports,
)
from lib.write.setup import (
    DEPARTMENT_CODE_RE,
    check_task_rows,
    import_tasks,
    save_tasks,
    upsert_department,
)
from lib.write.users import (
    BCRYPT_ROUNDS,
    MIN_PASSWORD_LENGTH,
    USERNAME_RE,
    change_own_password,
    count_users,
    create_user,
    hash_password,
    record_failed_login,
    record_login,
    record_logout,
    set_password,
    set_user_active,
    update_user,
    validate_password,
    verify_password,
)

__all__ = [
    "BCRYPT_ROUNDS",
    "DEPARTMENT_CODE_RE",
    "MAX_REASON",
    "MAX_TEXT",
    "MIN_PASSWORD_LENGTH",
    "OFFICE_ROLES",
    "PROBLEM_SOURCES",
    "USERNAME_RE",
    "BenchmarkRow",
    "BulkRefused",
    "CampaignRow",
    "ConflictError",
    "IndicatorInput",
    "IndicatorRow",
    "IndicatorValueRow",
    "IssuedAccount",
    "Outcome",
    "PermissionDenied",
    "PhaseRow",
    "Refusal",
    "ReportClash",
    "ReportInput",
    "ReportRow",
    "ServiceError",
    "add_attachment",
    "all_or_nothing",
    "audit",
    "change_own_password",
    "check_task_rows",
    "count_users",
    "create_campaign_from_plan",
    "create_campaign_from_template_key",
    "create_user",
    "hash_password",
    "import_benchmarks",
    "import_campaigns",
    "import_indicator_values",
    "import_indicators",
    "import_phases",
    "import_reports",
    "import_tasks",
    "is_period_locked",
    "issue_liaison_accounts",
    "json_copy",
    "one_time_password",
    "record_failed_login",
    "record_login",
    "record_logout",
    "refuse_all",
    "register_problem",
    "remove_attachment",
    "require",
    "require_department",
    "reset_one_time_password",
    "review_reports",
    "row_error",
    "save_indicator_values",
    "save_inspection_score",
    "save_reports",
    "save_tasks",
    "set_campaign_archived",
    "set_password",
    "set_period_lock",
    "set_user_active",
    "update_campaign",
    "update_user",
    "upsert_department",
    "validate_password",
    "verify_password",
    "verify_problem",
]

# appeals (issue 21); login throttling and its administration (issue 17); run-chart,
# sample and appeal settings (issue 21)
from lib.write.appeals import decide_appeal, file_appeal
from lib.write.logins import (
    block_address,
    login_allowed,
    record_login_failure,
    record_login_success,
    unblock_address,
    unlock_login,
)

# recognition: staff, windows, selection rounds (issue 20)
from lib.write.recognition import (
    answer_objection,
    close_nominations,
    confirm_criteria,
    create_round,
    finalise_round,
    lodge_objection,
    nominate,
    record_decision,
    save_service_point,
    save_staff,
    set_shortlist,
    start_notice,
)
from lib.write.statistics import update_statistics_settings
from lib.write.survey import import_survey_answers

__all__ += [
    "block_address",
    "decide_appeal",
    "file_appeal",
    "import_survey_answers",
    "login_allowed",
    "record_login_failure",
    "record_login_success",
    "unblock_address",
    "unlock_login",
    "update_statistics_settings",
]

__all__ += [
    "answer_objection",
    "close_nominations",
    "confirm_criteria",
    "create_round",
    "finalise_round",
    "lodge_objection",
    "nominate",
    "record_decision",
    "save_channel",
    "save_service_point",
    "save_staff",
    "set_channel_active",
    "set_department_leader",
    "set_reminder_rules",
    "set_shortlist",
    "start_notice",
]
