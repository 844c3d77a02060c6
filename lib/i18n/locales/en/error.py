"""English (second language): error.*"""

MESSAGES: dict[str, str] = {
    "error.permission_denied": "You are not allowed to do this.",
    "error.username_invalid": (
        "Usernames use lower-case letters, digits, _ . and -, 3 to 80 characters."
    ),
    "error.role_invalid": "Invalid role; choose from: {roles}.",
    "error.username_taken": "The username {username} already exists.",
    "error.department_unknown": "No department with code {code}.",
    "error.liaison_needs_department": "A department liaison needs a department.",
    "error.password_required": "Please enter a password.",
    "error.password_too_short": "The password needs at least 8 characters.",
    "error.password_too_long": "The password is too long (72 bytes at most).",
    "error.password_too_simple": (
        "The password needs three of: upper case, lower case, digits, symbols."
    ),
    "error.user_unknown": "No user {username}.",
    "error.old_password_wrong": "The current password is wrong.",
    "error.password_mismatch": "The two new passwords differ.",
    "error.password_unchanged": "The new password must differ from the current one.",
    "error.config": "Configuration error: {message}",
    "error.database": "Cannot reach the database; please contact the administrator.",
    "error.not_your_department": "You may only report for your own department.",
    "error.period_invalid": "Month {period} is not valid; expected YYYY-MM.",
    "error.period_outside_campaign": "{period} is not a reporting month of this campaign.",
    "error.period_locked": (
        "{period} is locked and can no longer be changed. Ask the campaign office to unlock it."
    ),
    "error.nothing_to_save": "There is nothing to save.",
    "error.nothing_selected": "Select the reports to process first.",
    "error.duplicate_items": "The same item was sent more than once.",
    "error.assignment_unknown": "Assignment #{id} does not exist.",
    "error.percent_range": "Task {task}: 'Progress' must be a whole number from 0 to 100.",
    "error.report_status_invalid": "Task {task}: 'Status' is not valid.",
    "error.done_needs_100": "Task {task}: a task marked done needs 'Progress' at 100%.",
    "error.text_too_long": "Task {task}: '{field}' is too long (at most {max} characters).",
    "error.stale": (
        "This record was changed by {who} at {when}; your changes were not saved. Reload the page"
        " to see the latest version, then edit again."
    ),
    "error.report_approved": (
        "Task {task}: the report has been approved and can no longer be changed."
    ),
    "error.report_unknown": "The report does not exist.",
    "error.report_not_submitted": (
        "Task {task}: the report is not in the 'submitted' state and cannot be reviewed."
    ),
    "error.return_needs_reason": "Give a reason when returning a report.",
    "error.indicator_unknown": "Indicator #{id} does not exist.",
    "error.indicator_not_assigned": "'{field}' is not an indicator of this department.",
    "error.indicator_not_number": "'{field}' must be a number.",
    "error.indicator_range": "'{field}' must be between {low} and {high}.",
    "error.indicator_below": "'{field}' must not be less than {low}.",
    "error.sample_size_invalid": "'{field}': the sample size must be a whole number of 0 or more.",
    "error.attachment_type": "File {name}: this file type is not allowed. Allowed: {types}.",
    "error.attachment_empty": "File {name} is empty.",
    "error.attachment_too_large": "File {name} is larger than {max_mb} MB.",
    "error.attachment_content": "File {name}: the content does not match its extension.",
    "error.attachment_too_many": "At most {max} evidence files per report.",
    "error.attachment_unknown": "The evidence file does not exist.",
    "error.campaign_unknown": "The campaign does not exist.",
    "error.unlock_needs_reason": "Give a reason for unlocking.",
    "error.lock_unchanged": "This month is already locked.",
    "error.unlock_unchanged": "This month is not locked.",
    "error.score_range": "The inspection score must be between 0 and {max}.",
    "error.problem_title_required": "Describe the problem.",
    "error.problem_title_too_long": "The problem description is too long (at most 500 characters).",
    "error.problem_source_invalid": "The problem source is not valid.",
    "error.problem_measure_required": "Give the rectification measure.",
    "error.problem_departments_required": "Choose at least one responsible department.",
    "error.date_invalid": "The date is not valid.",
    "error.problem_due_before_found": (
        "The deadline cannot be before the date the problem was found."
    ),
    "error.problem_unknown": "The problem does not exist.",
    "error.problem_note_required": "Give a verification note or the reason for reopening.",
    "error.problem_already_closed": "This problem is already closed out.",
    "error.problem_not_closed": "Only a closed-out problem can be reopened.",
    "error.direction_invalid": "The target direction must be higher or lower.",
    "error.review_state_invalid": "Task {task}: invalid review state.",
    "error.indicator_group_invalid": "Invalid indicator group; choose from {groups}.",
    "error.internal": (
        "Something went wrong on our side; it has been logged (error id {id}). Please try again; "
        "if it keeps happening, give this id to your administrator."
    ),
    "error.campaign_archived": (
        "Campaign “{name}” is archived; nothing can be reported or changed in it."
    ),
    "error.assignment_inactive": (
        "Task {task} is no longer assigned to this department (or the task is inactive); it can "
        "no longer be reported."
    ),
    "error.control_characters": (
        "“{field}” contains invisible control characters (such as NUL); remove them and save again."
    ),
    "error.recog_unknown": "The record does not exist or was deleted",
    "error.recog_name_required": "Enter a name",
    "error.recog_window_duplicate": "The department already has a window called “{name}”",
    "error.recog_staff_no_duplicate": "Staff number {number} is already used",
    "error.recog_window_other_department": "The window belongs to another department",
    "error.recog_kind_invalid": "Invalid selection kind or period",
    "error.recog_period_invalid": (
        "Invalid period “{period}” (month 2026-07, quarter 2026-Q3, year 2026)"
    ),
    "error.recog_quota_invalid": "The quota must be a whole number from 1 to 100",
    "error.recog_criteria_invalid": "Invalid criteria",
    "error.recog_round_final": "This selection is final; its result can no longer change",
    "error.recog_wrong_state": "This cannot be done at the round's current stage",
    "error.recog_deadline_passed": "The nomination deadline has passed",
    "error.recog_reasons_required": "Give the reasons for the nomination",
    "error.recog_candidate_required": "Choose a candidate",
    "error.recog_candidate_other_department": (
        "The candidate is not of this department or is inactive"
    ),
    "error.recog_already_nominated": "This candidate is already nominated",
    "error.recog_annual_needs_winner": "An annual round takes only the year's quarterly winners",
    "error.recog_shortlist_empty": "Choose at least one candidate for the shortlist",
    "error.recog_fails_criteria": "A candidate does not meet the criteria: {rule}",
    "error.recog_not_shortlisted": "The candidate is not on the shortlist",
    "error.recog_votes_invalid": "Votes must be a whole number, 0 or more",
    "error.recog_decision_basis_required": "Enter the vote count or a decision note",
    "error.recog_quota_full": "The quota of {quota} winners is reached",
    "error.recog_notice_dates": "The public notice cannot end before it starts",
    "error.recog_undecided": "Some shortlisted candidates have no decision yet",
    "error.recog_no_winner": "At least one winner is needed",
    "error.recog_notice_not_running": "The public notice is not running",
    "error.recog_not_winner": "Objections can only be lodged against a winner",
    "error.recog_objection_required": "Write the objection",
    "error.recog_already_answered": "The objection is already answered",
    "error.recog_answer_required": "Write the answer",
    "error.recog_notice_running": "The public notice has not ended yet",
    "error.recog_objections_open": "{count} objection(s) unanswered: the result cannot stand",
    "error.staff_import_header": "Sheet “{sheet}”, row 1: column “{column}” is missing",
    "error.staff_import_cell": "Sheet “{sheet}”, row {row}, column “{column}”: {reason}",
    "error.staff_import_empty": "The file lists no staff",
    "error.staff_import_file": "The file cannot be read (an .xlsx is expected)",
    "error.report_clash": (
        "Task {task}: {who} also changed “{fields}” while you were editing. What you typed is "
        "kept; compare it with theirs, then save again."
    ),
    "error.report_not_reviewed": (
        "Task {task} was not changed this month: edit it, or tick “No change this month”, then "
        "submit."
    ),
}
