"""English (second language): login.*, account.*, accounts.*, role.*, audit.*"""

MESSAGES: dict[str, str] = {
    "login.form": "Log in",
    "login.username": "Username",
    "login.password": "Password",
    "login.submit": "Log in",
    "login.failed": "Wrong username or password.",
    "login.locked": (
        "This account is locked after {attempts} failed logins. Try again in {minutes} minutes or"
        " ask an administrator."
    ),
    "login.session_revoked": (
        "Your session has ended (logged out, password changed or account deactivated). Please log"
        " in again."
    ),
    "login.demo_notice": (
        "Demo system: all data shown is fictitious demo data. Every demo account's password is "
        "{password}."
    ),
    "login.demo_accounts": "Demo accounts",
    "login.demo_liaisons": (
        "Department liaisons: liaison_ plus the department code in lower case, e.g. {examples}"
    ),
    "login.intro": "Log in with the account your organisation gave you.",
    "login.failed_hint": (
        "After 5 failed logins to one account from one network address, that address cannot log "
        "in to it for a while (each lock lasts twice as long as the one before); if you need in "
        "urgently, ask your administrator to unlock it."
    ),
    "account.heading": "My account",
    "account.username": "Username",
    "account.roles": "Roles",
    "account.department": "Department",
    "account.none": "None",
    "account.change_password": "Change password",
    "account.old_password": "Current password",
    "account.new_password": "New password",
    "account.repeat_password": "Repeat new password",
    "account.submit": "Save new password",
    "account.password_rules": (
        "At least 8 characters with three of: upper case, lower case, digits, symbols. Other "
        "devices are logged out after the change."
    ),
    "account.password_changed": "Password changed. Please log in again with the new password.",
    "account.first_heading": "First login: change your initial password",
    "account.first_why": (
        "Welcome, {name}. The campaign office opened this account with a one-time initial "
        "password. Choose your own password, then log in again with it to start reporting."
    ),
    "account.first_old": "Initial password",
    "account.error_username": (
        "Username {username} for department “{department}” cannot be used: lower-case letters, "
        "digits, underscore, dot and hyphen only, 3–80 characters."
    ),
    "account.error_taken": (
        "Username {username} for department “{department}” is already taken; choose another."
    ),
    "accounts.help": (
        "One liaison account per department. Each is issued with a one-time initial password that"
        " must be changed at the first login; the passwords can be downloaded only on this page "
        "in the session that issued them. Only password hashes are stored: a lost password is "
        "reset, never revealed."
    ),
    "accounts.no_departments": (
        "No active departments yet. Import or add departments on the Departments page first."
    ),
    "accounts.col_department": "Department",
    "accounts.col_username": "Username",
    "accounts.col_password": "Initial password",
    "accounts.col_state": "State",
    "accounts.col_last_login": "Last login",
    "accounts.state_none": "No account",
    "accounts.state_first_login": "Awaiting first login",
    "accounts.state_active": "Active",
    "accounts.issue_heading": "Issue accounts",
    "accounts.all_have": "Every active department has a liaison account.",
    "accounts.issue_list": "{count} departments have no liaison account yet: {names}",
    "accounts.issue_button": "Issue liaison accounts for {count} departments",
    "accounts.reset_heading": "Reset an initial password (lost account list)",
    "accounts.reset_pick": "Liaison account",
    "accounts.reset_button": "Issue a new one-time password",
    "accounts.list_heading": "Account list",
    "accounts.list_none": (
        "No accounts were issued or reset in this session. The account list (with initial "
        "passwords) is offered only in the session that issued or reset them; later, reset a "
        "password instead."
    ),
    "accounts.list_once": (
        "The initial passwords of these {count} accounts are shown in this session only: download"
        " the list now and hand it to the departments. After you leave or press Forget they "
        "cannot be shown again."
    ),
    "accounts.download_xlsx": "Download account list (Excel)",
    "accounts.download_docx": "Download account list (Word, printable)",
    "accounts.forget": "Forget the passwords on this page",
    "accounts.file_name": "liaison-accounts",
    "accounts.sheet": "Liaison accounts",
    "accounts.doc_title": "{organiser} liaison accounts",
    "accounts.doc_intro": "Hand each account to the department's liaison in person.",
    "accounts.doc_rule": (
        "The initial password works once: the first login asks for a new password (at least 8 "
        "characters, three of upper case, lower case, digits, symbols). Do not forward this list "
        "to group chats."
    ),
    "accounts.send_heading": "Send to the departments' channels",
    "accounts.send_help": (
        "Sends each department's liaison username and initial password to that department's own "
        "WeCom group, DingTalk group or e-mail (only channels registered for the department, "
        "never the office's or the leadership's). Everyone in the group can read it: make sure "
        "the group holds only the department's staff and have the liaison log in and change the "
        "password soon. Departments without a channel get the list above by hand."
    ),
    "accounts.send_button": "Send to department channels ({count} departments have one)",
    "accounts.send_none": (
        "None of these departments has a channel yet: hand out the list, or add the departments' "
        "groups under Notification channels first."
    ),
    "accounts.send_done": "Sent to {count} channels.",
    "accounts.send_failed": "Not sent: {channel} ({error})",
    "accounts.send_unsent": "These departments have no channel; hand them the list: {names}",
    "accounts.send_title": "Your liaison account",
    "accounts.send_line": "{department}: username {username}, initial password {password}",
    "accounts.send_note": (
        "Change the password right after logging in; the initial password works once. Do not "
        "forward it."
    ),
    "role.admin": "Administrator",
    "role.office": "Campaign office",
    "role.leader": "Leadership",
    "role.liaison": "Department liaison",
    "role.viewer": "Viewer",
    "audit.user": "User",
    "audit.all": "All",
    "audit.action": "Action",
    "audit.dates": "Date range",
    "audit.pick_range": "Pick a start and an end date.",
    "audit.empty": "No audit records in this range.",
    "audit.at": "Time",
    "audit.entity": "Record",
    "audit.before": "Before",
    "audit.after": "After",
    "audit.count": "{count} records (at most 2,000 shown)",
    "audit.export": "Export CSV",
    "audit.department": "Department",
}
