"""English (second language): cli.*"""

MESSAGES: dict[str, str] = {
    "cli.init_done": "Database ready (revision {revision}): {url}",
    "cli.demo_loaded": (
        "Demo data loaded: {campaigns} campaigns, {departments} departments, {updates} monthly "
        "reports."
    ),
    "cli.demo_exists": "The database already has data; demo not loaded (use --reset to rebuild).",
    "cli.demo_accounts": "Demo accounts (password {password} for all):",
    "cli.user_created": "User {username} created ({roles}).",
    "cli.password_set": "New password set for {username}.",
    "cli.password_stdin_empty": "Provide the password on standard input (--password-stdin).",
    "cli.backup_done": "Backed up {rows} rows to {path}.",
    "cli.restore_done": "Restored {rows} rows from {path}.",
    "cli.restore_not_empty": (
        "The target database is not empty; restore refused (use an empty database)."
    ),
    "cli.backup_invalid": "Backup file is invalid or damaged: {path}",
    "cli.file_missing": "No such file: {path}",
    "cli.error": "Error: {message}",
    "cli.bad_period": "The month must be YYYY-MM: {period}",
    "cli.no_campaign": "No campaign {campaign}.",
    "cli.period_outside": "{period} is not a month of this campaign so far.",
    "cli.written": "Written to {path}",
    "cli.plan_summary": "Plan: {title}; {phases} phases, {areas} areas, {tasks} tasks.",
    "cli.plan_no_tasks": (
        "No tasks found in the plan (no numbered items, headings or task table); nothing imported."
    ),
    "cli.plan_year_needed": (
        "The plan does not state its year (it writes “20xx”): give it with --year and import again."
    ),
    "cli.plan_dates_needed": (
        "The plan does not state the campaign's period: give it with --start and --end and import"
        " again."
    ),
    "cli.warning": "Note: {message}",
    "cli.export_done": "Exported to {path}.",
    "cli.unlock_done": "Login locks of {username} cleared ({count} addresses).",
    "cli.address_blocked": "Blocked {network}: every login from it is refused.",
    "cli.address_unblocked": "{network} is no longer blocked.",
    "cli.locks_none": "No login lock is in force and no address is blocked.",
    "cli.lock_line": "locked: {username}\taddress {address}\tlock {locks}\tuntil {until}",
    "cli.blocked_line": "blocked: {network}\t{reason}\t{by}\t{at}",
    "cli.backup_bomb": (
        "The backup unpacks to more than {max} MB or is compressed more than {ratio} times (a zip"
        " bomb?); restore refused: {path}"
    ),
    "cli.backup_too_deep": (
        "The backup file is nested too deeply to be one of ours; restore refused: {path}"
    ),
    "cli.backup_rows_invalid": "Rows of table {table} in the backup cannot be stored: {path}",
    "cli.file_too_large": "File too large ({size} MB, at most {max} MB); not read: {path}",
}
