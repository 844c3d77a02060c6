"""English (second language): setup.*, import.*, wizard.*"""

MESSAGES: dict[str, str] = {
    "setup.error_end_before_start": "The end date must be after the start date.",
    "setup.error_template_unknown": "No template {template}.",
    "setup.error_campaign_unknown": "This campaign does not exist.",
    "setup.error_name_required": "Please enter a name.",
    "setup.error_target_range": "Target satisfaction must be between 0 and 100.",
    "setup.error_thresholds": "Thresholds must satisfy 0 < behind < on track ≤ 1.",
    "setup.error_weights": "Scoring weights must not be negative and must add up to 100.",
    "setup.error_phase_incomplete": "Phase {row} lacks a name or a date.",
    "setup.error_phase_dates": "Phase {row} ends before it starts.",
    "setup.error_phase_kind": "Phase {row} has an invalid kind.",
    "setup.error_department_code": (
        "Department code “{code}” is invalid: letters, digits, _ . - only (1–40)."
    ),
    "setup.error_department_kind": "Invalid department kind; choose from {kinds}.",
    "setup.error_department_cycle": "Department {code} cannot be placed under itself.",
    "setup.error_task_code": "Row {row}: a task code is required (up to 40 characters).",
    "setup.error_task_duplicate": "Row {row}: task code {code} is used twice.",
    "setup.error_task_title": "Row {row}: a task title is required.",
    "setup.error_task_weight": "Row {row}: the weight must be between 0 and 100.",
    "setup.error_task_direction": "Row {row}: the target direction must be higher or lower.",
    "setup.error_task_due": "Row {row}: the deadline is not a valid date.",
    "setup.error_task_lead": (
        "Row {row}: lead department {code} must be one of the responsible departments."
    ),
    "setup.error_own_admin": "You cannot remove your own administrator role.",
    "setup.error_no_tasks": "No tasks were found.",
    "setup.plan_file_unreadable": (
        "The file cannot be read; upload a .txt or .docx file or paste the text."
    ),
    "setup.plan_file_type": "This file type is not supported; save it as .docx or .txt first.",
    "setup.tab_from_plan": "From a plan document",
    "setup.tab_from_template": "From a template",
    "setup.tab_edit": "Edit a campaign",
    "setup.plan_help": (
        "Upload the plan (.docx or .txt) or paste its text. Phases, areas, tasks, deadlines, "
        "responsible departments and targets are recognised; review and edit them in the table "
        "before saving."
    ),
    "setup.plan_upload": "Upload the plan",
    "setup.plan_paste": "Or paste the plan text",
    "setup.plan_parse": "Read the plan",
    "setup.plan_empty": "Upload a file or paste the plan text.",
    "setup.review": "Review what was read",
    "setup.review_summary": (
        "Found {phases} phases, {areas} areas and {tasks} tasks. Check them, then save."
    ),
    "setup.campaign_name": "Campaign name",
    "setup.col_phase": "Phase",
    "setup.col_start": "Start date",
    "setup.col_end": "End date",
    "setup.col_area": "Area",
    "setup.col_code": "Code",
    "setup.col_title": "Task",
    "setup.col_due": "Deadline",
    "setup.col_departments": "Responsible departments",
    "setup.col_target": "Target",
    "setup.col_kind": "Kind",
    "setup.unknown_departments": (
        "These departments are not in the system; assign them on the Tasks page after saving: "
        "{names}"
    ),
    "setup.plan_save": "Save as a new campaign",
    "setup.created": "Campaign “{name}” created.",
    "setup.template": "Template",
    "setup.organisation": "Organiser",
    "setup.none": "(none)",
    "setup.create": "Create campaign",
    "setup.archived": "archived",
    "setup.name_en": "English name",
    "setup.target_satisfaction": "Target satisfaction (%)",
    "setup.thresholds": "Status thresholds (actual ÷ expected progress)",
    "setup.threshold_on_track": "On track from",
    "setup.threshold_behind": "Behind from",
    "setup.weights": "Composite score weights (total 100)",
    "setup.weight_completion": "Completion",
    "setup.weight_timeliness": "Timeliness",
    "setup.weight_satisfaction": "Satisfaction",
    "setup.weight_inspection": "Inspection",
    "setup.phases": "Phases",
    "setup.save": "Save",
    "setup.saved": "Saved.",
    "setup.archive": "Archive campaign",
    "setup.unarchive": "Restore campaign",
    "setup.tasks_help": (
        "Edit, add or remove rows in the table, then save. Responsible departments are department"
        " codes separated by 、 or commas; an empty lead means the first one leads. Removing a row"
        " does not delete a task (untick Active to retire it)."
    ),
    "setup.department_codes": "Department codes",
    "setup.col_name": "Name",
    "setup.col_weight": "Weight",
    "setup.col_target_value": "Target value",
    "setup.col_direction": "Direction",
    "setup.col_unit": "Unit",
    "setup.col_active": "Active",
    "setup.col_department_codes": "Department codes",
    "setup.col_lead": "Lead code",
    "setup.error_row_department": "Row {row}: unknown department code {code}.",
    "setup.tasks_saved": "Saved; {count} tasks changed.",
    "setup.no_departments": "No departments yet.",
    "setup.kind_city": "City",
    "setup.kind_institution": "Institution",
    "setup.kind_department": "Department",
    "setup.kind_station": "Station",
    "setup.yes": "Yes",
    "setup.no": "No",
    "setup.department_edit": "Add or edit a department",
    "setup.department_pick": "Department",
    "setup.department_new": "(new department)",
    "setup.parent": "Parent",
    "setup.sort_order": "Sort order",
    "setup.department_import": "Import departments from Excel",
    "setup.download_template": "Download the Excel template",
    "setup.excel_upload": "Upload an Excel file (.xlsx)",
    "setup.import": "Import",
    "setup.problem": "Problem",
    "setup.username": "Username",
    "setup.display_name": "Name",
    "setup.roles": "Roles",
    "setup.department": "Department",
    "setup.user_new": "New user",
    "setup.user_edit": "Edit a user",
    "setup.initial_password": "Initial password",
    "setup.password_rule": (
        "At least 8 characters with three of: upper case, lower case, digits, symbols."
    ),
    "setup.create_user": "Create user",
    "setup.user_created": "User {username} created.",
    "setup.new_password": "New password",
    "setup.reset_password": "Reset password",
    "setup.password_reset_done": "Password of {username} reset; all their sessions ended.",
    "setup.cannot_deactivate_self": "You cannot deactivate your own account.",
    "setup.deactivate": "Deactivate",
    "setup.activate": "Activate",
    "setup.choose": "Choose",
    "setup.tasks": "Tasks",
    "setup.col_department_code": "Code",
    "setup.error_row": "Row {row}: {reason}",
    "setup.task_error_code": "a task code is required (up to 40 characters).",
    "setup.task_error_duplicate": "task code {code} is used twice.",
    "setup.task_error_title": "a task title is required.",
    "setup.task_error_weight": "the weight must be between 0 and 100.",
    "setup.task_error_due": "the deadline is not a valid date.",
    "setup.task_error_lead": "lead department {code} must be one of the responsible departments.",
    "setup.circular": "Circular heading",
    "setup.circular_issuer": "Issuing office (empty: the organiser)",
    "setup.circular_prefix": "Document number prefix",
    "import.problem": "Sheet “{sheet}”, row {row}, column “{column}”: {reason}",
    "import.refused": "{count} problems found; nothing was imported.",
    "import.dry_run_ok": (
        "The file is valid (new {created}, updated {updated}, unchanged {unchanged})."
    ),
    "import.done": "Imported: {created} new, {updated} updated, {unchanged} unchanged.",
    "import.error_choice": "invalid value; choose from {choices}",
    "import.error_type_str": "not text: {value}",
    "import.error_type_int": "not a whole number: {value}",
    "import.error_type_float": "not a number: {value}",
    "import.error_type_date": "not a valid date (e.g. 2026-03-31): {value}",
    "import.error_type_bool": "should be yes or no: {value}",
    "import.error_type_period": "not a valid month (e.g. 2026-03): {value}",
    "import.error_type_list": "not a valid list: {value}",
    "import.error_type_json": "not valid settings (JSON): {value}",
    "import.error_range": "out of range ({lo}–{hi})",
    "import.error_not_xlsx": "not a valid Excel (.xlsx) file",
    "import.error_missing_column": "required column missing",
    "import.error_too_many": "more than {max} rows",
    "import.error_required": "required",
    "import.error_no_sheets": "no known sheet (use the downloadable template)",
    "import.error_duplicate": "duplicate of row {first}",
    "import.error_campaign_missing": "fill in the campaign or choose one first",
    "import.error_campaign_unknown": "campaign “{name}” does not exist",
    "import.error_department_unknown": "unknown department code {code}",
    "import.error_end_before_start": "ends before it starts",
    "import.error_code_format": "codes use letters, digits, _ . - only",
    "import.error_cycle": "the parent chain loops",
    "import.error_lead_not_listed": "lead {code} is not among the departments",
    "import.error_username": "usernames use a-z, 0-9, _ . - (3–80)",
    "import.error_liaison_department": "a liaison needs a department code",
    "import.error_indicator_unknown": "unknown indicator code {code}",
    "import.error_task_unknown": "unknown task code {code}",
    "import.error_not_assigned": "department {code} is not assigned to task {task}",
    "import.template_intro": (
        "How to fill in: the first row of each sheet is the header (* = required); one record per"
        " row from row 2; rows are matched by code, so importing again creates no duplicates."
    ),
    "import.template_sheet": "Sheet",
    "import.template_column": "Column",
    "import.template_required": "Required",
    "import.template_type": "Format",
    "import.type_str": "text",
    "import.type_int": "whole number",
    "import.type_float": "number",
    "import.type_date": "date (2026-03-31)",
    "import.type_bool": "yes/no",
    "import.type_period": "month (2026-03)",
    "import.type_list": "several values separated by 、 or ,",
    "import.type_json": "JSON settings",
    "import.error_cell_error": (
        "the cell holds the error value {value} (a formula failed); enter the actual content"
    ),
    "import.error_percent_not_here": "this column takes a number, not a percentage",
    "import.error_percent_unit": (
        "a percentage {value}% is given but the unit is “{unit}”, so its meaning is unclear: set "
        "the unit to %, or enter the number without %"
    ),
    "import.error_percent_indicator": (
        "a percentage is given but indicator {code} is measured in “{unit}”, not %: enter the "
        "number without %"
    ),
    "import.error_code_number": (
        "the code is stored as the number {value}, which may have been typed {value}0 (3.10 is "
        "stored as 3.1): format the column as Text and type the code again"
    ),
    "import.error_code_not_text": (
        "the code is stored as a date or yes/no: {value}; format the column as Text and type the "
        "code again"
    ),
    "import.error_date_no_year": (
        "the date has no year: {value}; write the full date (e.g. 2026-03-31)"
    ),
    "import.error_choice_suggest": "“{value}” is not recognised; did you mean: {hints}",
    "import.error_department_suggest": (
        "department “{value}” does not exist (neither a department code nor a name); did you "
        "mean: {hints}"
    ),
    "import.error_department_ambiguous": (
        "department name “{value}” matches several departments ({codes}); enter the department code"
    ),
    "import.error_type_code": "not a valid code: {value}",
    "import.error_type_dept": "not a valid department: {value}",
    "import.error_type_depts": "department list is malformed: {value}",
    "import.note_title_row": "title row above the header skipped: {text}",
    "import.note_notes_row": "notes row skipped: {text}",
    "import.note": "Note: {message}",
    "import.problem_row": "Sheet “{sheet}”, row {row}: {reason}",
    "import.col_sheet": "Sheet",
    "import.col_row": "Row",
    "import.col_column": "Column",
    "import.progress_read": "Reading “{sheet}”: {rows} rows read",
    "import.progress_check": "Checking…",
    "import.progress_write": "Writing “{sheet}”…",
    "import.type_code": "code as text (the cell is formatted as Text, so 3.10 stays 3.10)",
    "import.type_dept": "department code or name",
    "import.type_depts": "department codes or names, separated by “、” or commas",
    "import.template_choices": "choices: {choices}",
    "import.template_dates": (
        "Dates: 2026-03-31, 2026/3/31, 2026.3.31 or 2026年3月31日; percentages: 95% or 95; code "
        "columns are Text; pick from the drop-down where a column has one."
    ),
    "import.template_list_sheet": "Lists",
    "import.template_lists_note": "The options of the drop-down lists; do not edit.",
    "import.error_control": "contains invisible control characters (such as NUL)",
    "wizard.step_of": "Step {step} of {total}: {name}",
    "wizard.step1": "Plan",
    "wizard.step2": "Departments and staff",
    "wizard.step3": "Liaison accounts",
    "wizard.step4": "Rules",
    "wizard.step5": "Confirm and create",
    "wizard.help1": (
        "Upload the plan (.docx or .txt), paste its text, or choose a template; check and correct"
        " the phases and tasks found in the tables. Every step is saved: next time you continue "
        "here."
    ),
    "wizard.help2": (
        "Upload the product's Excel workbook (departments sheet; download the template first). "
        "Everything is checked before anything is saved, each problem by sheet, row and column; "
        "plan departments not in the list are matched here."
    ),
    "wizard.help3": (
        "One liaison account per department (username liaison_<code> unless changed), each with a"
        " one-time password to be changed at first login. The account list can be downloaded once"
        " after creation."
    ),
    "wizard.help4": (
        "These are the defaults; change them to suit your hospital — each is explained."
    ),
    "wizard.help5": (
        "Check what will be created. “Create campaign” creates it all in one transaction: if "
        "anything fails, nothing is created."
    ),
    "wizard.next": "Next",
    "wizard.back": "Back",
    "wizard.create": "Create campaign",
    "wizard.discard": "Discard the wizard and start again",
    "wizard.plan_way": "Plan from",
    "wizard.plan_way_file": "Upload a file",
    "wizard.plan_way_text": "Paste text",
    "wizard.plan_way_template": "A template",
    "wizard.workbook_kept": "Using the workbook uploaded before; upload again to replace it.",
    "wizard.workbook_checking": "Checking the workbook…",
    "wizard.workbook_importing": "Importing…",
    "wizard.no_departments": "No departments yet: upload a workbook with a departments sheet.",
    "wizard.unknown_title": (
        "{count} departments named in the plan are not in the department list; match each:"
    ),
    "wizard.unknown_pick": "“{name}” in the plan is",
    "wizard.leave_unassigned": "(leave unassigned)",
    "wizard.col_issue": "Issue",
    "wizard.liaisons_note": "{count} liaison accounts will be issued.",
    "wizard.report_day": "Monthly report deadline (day)",
    "wizard.report_day_help": (
        "Liaisons report the month's progress by this day of the month; later is late. Default: "
        "the 25th."
    ),
    "wizard.commend_count": "Departments commended (red list)",
    "wizard.laggard_count": "Departments lagging (black list)",
    "wizard.counts_help": (
        "Each month departments are ranked by composite score; the top ones are commended, the "
        "bottom ones listed as lagging. Default: 3 each."
    ),
    "wizard.weights_help": (
        "Weights of the composite score (percent, summing to 100): task completion, timely "
        "reporting, satisfaction, inspection score."
    ),
    "setup.late_start": "The campaign starts on {start}, after the report deadline of {month} (day {day} of each month: {deadline}): that month's tasks would be overdue and chased from the first day. Consider starting on {next}.",
    "wizard.late_start": "The campaign starts on {start}, after the report deadline of {month} ({deadline}): that month's tasks would be overdue and chased from the first day. Go back to step 1 and start on {next}.",
    "wizard.weights_sum": "The weights add up to {total}; 100 is advised.",
    "wizard.reminders": "Reminder rules",
    "wizard.reminders_help": (
        "A blue reminder some days before the deadline, a red follow-up some days after it "
        "(channels are set up on the channels page)."
    ),
    "wizard.reminders_on": "Send reminders",
    "wizard.reminders_off": "No reminders",
    "wizard.blue_before": "Remind days before the deadline",
    "wizard.red_after": "Red follow-up days after the deadline",
    "wizard.col_item": "Item",
    "wizard.col_value": "Value",
    "wizard.summary_dates": "Dates",
    "wizard.summary_source": "Plan",
    "wizard.summary_plan": "{phases} phases, {tasks} tasks",
    "wizard.summary_template": "template {template}",
    "wizard.summary_departments": "Departments in the workbook",
    "wizard.summary_mapped": "Departments matched",
    "wizard.summary_accounts": "Liaison accounts",
    "wizard.summary_counts": "Commended / lagging departments",
    "wizard.summary_reminders": (
        "reminder {blue} days before, red follow-up {red} days after the deadline"
    ),
    "wizard.done": "The campaign is created and live; {count} liaison accounts issued.",
    "wizard.list_once": (
        "The account list (with one-time passwords) can be downloaded once: it is gone from this "
        "page after the download. A lost list is answered with a reset on the liaison accounts "
        "page."
    ),
    "wizard.list_taken": (
        "The account list was downloaded; its passwords are not shown again (a lost one is reset "
        "on the liaison accounts page)."
    ),
    "wizard.error_step": "Wizard step {step} is not valid.",
    "wizard.error_dates": (
        "Enter the campaign's start and end dates (the end not before the start)."
    ),
    "wizard.error_report_day": "The report deadline must be a day from 1 to 28.",
    "wizard.error_counts": "Commended and lagging counts must be from 0 to 50.",
    "wizard.error_workbook": "The workbook has a problem; nothing was created: {problem}",
    "wizard.workbook_help": (
        "Download and upload the whole workbook (campaigns, phases, departments, tasks, users, "
        "indicators, reports, benchmarks), as the command line's export-excel / import-excel. An "
        "upload is tried first: what would be added and changed and every problem are listed, and"
        " only a confirmation imports it; with any problem nothing changes."
    ),
    "wizard.workbook_export": "Download",
    "wizard.workbook_all_campaigns": "All campaigns",
    "wizard.workbook_prepare": "Build the workbook",
    "wizard.workbook_download": "Download the workbook (.xlsx)",
    "wizard.workbook_import": "Upload and import",
    "wizard.workbook_upload_hint": "An uploaded workbook is tried first; nothing is changed.",
    "wizard.workbook_dry_run": (
        "Trial import passed (nothing changed): {created} to add, {updated} to change, "
        "{unchanged} unchanged."
    ),
    "wizard.workbook_changes": "Records to add or change ({count})",
    "wizard.workbook_nothing": "The workbook matches the stored data; nothing to import.",
    "wizard.workbook_confirm": "Import",
    "wizard.col_entity": "Kind",
    "wizard.col_created": "Added",
    "wizard.col_updated": "Changed",
    "wizard.col_action": "Action",
    "wizard.col_record": "Record",
    "wizard.col_fields": "Fields",
    "wizard.action_created": "add",
    "wizard.action_updated": "change",
    "wizard.entity_campaign": "Campaign",
    "wizard.entity_phase": "Phase",
    "wizard.entity_department": "Department",
    "wizard.entity_task": "Task",
    "wizard.entity_assignment": "Assignment",
    "wizard.entity_user": "User",
    "wizard.entity_indicator": "Indicator",
    "wizard.entity_indicator_value": "Indicator value",
    "wizard.entity_monthly_update": "Monthly report",
    "wizard.entity_benchmark": "Benchmark",
}
