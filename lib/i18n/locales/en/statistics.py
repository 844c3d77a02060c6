"""English (second language): runchart.*, stats.*, appeal.*"""

MESSAGES: dict[str, str] = {
    "runchart.unit_month": " months",
    "runchart.unit_point": " points",
    "runchart.verdict_good": "the change is working",
    "runchart.verdict_bad": "needs attention",
    "runchart.verdict_unknown": "non-random variation",
    "runchart.shift_up": "{n}{unit} in a row above the median: {verdict}",
    "runchart.shift_down": "{n}{unit} in a row below the median: {verdict}",
    "runchart.trend_up": "{n}{unit} in a row rising: {verdict}",
    "runchart.trend_down": "{n}{unit} in a row falling: {verdict}",
    "runchart.astro_up": "point {point} unusually high (beyond the limits): {verdict}",
    "runchart.astro_down": "point {point} unusually low (beyond the limits): {verdict}",
    "runchart.runs_few": "Too few runs ({n}): non-random variation",
    "runchart.runs_many": "Too many runs ({n}): non-random variation",
    "runchart.crossings": (
        "Too few median crossings ({n}, at least {limit} expected): non-random variation"
    ),
    "runchart.kind_shift": "Shift",
    "runchart.kind_trend": "Trend",
    "runchart.kind_runs": "Runs",
    "runchart.kind_crossings": "Crossings",
    "runchart.kind_astronomical": "Astronomical point",
    "runchart.kind_none": "No signal",
    "runchart.no_data": "No data yet.",
    "runchart.median": "Median",
    "runchart.mean": "Mean",
    "runchart.limit": "Limit",
    "runchart.signal": "Signal",
    "runchart.no_signals": "No signal of non-random variation.",
    "runchart.signals": "Signals",
    "runchart.signals_with_method": "Signals ({method})",
    "runchart.too_few_points": "Fewer than {n} points: the runs rules do not apply yet.",
    "runchart.show_xmr": "Show control limits (XmR)",
    "runchart.method_ihi": "IHI rules",
    "runchart.method_anhoej": "Anhøj rules",
    "runchart.method_label": "Run-chart rules",
    "runchart.campaign_overall": "Run chart of the campaign's overall completion",
    "runchart.department": "Run chart of department completion",
    "runchart.item": "Run chart of a satisfaction item",
    "stats.settings": "Statistics (run charts, sample size, appeals)",
    "stats.min_sample": "Minimum sample",
    "stats.appeal_days": "Appeal window (days)",
    "stats.error_method": "Unknown run-chart rules",
    "stats.error_range": "The value must be between {low} and {high}",
    "stats.department_table": "Satisfaction by department (answers and 95% intervals)",
    "stats.department_help": (
        "Wilson 95% intervals; departments with fewer than {n} answers are flagged as too few "
        "answers and not ranked."
    ),
    "stats.col_n": "Answers (n)",
    "stats.col_interval": "95% interval",
    "stats.col_sample": "Sample",
    "stats.col_standing": "Against target",
    "stats.insufficient": "Too few answers",
    "stats.items": "Items (whole hospital, with answers and intervals)",
    "stats.standing_below": "Below target (on the evidence)",
    "stats.standing_above": "At or above target",
    "stats.standing_unclear": "Unclear (interval includes the target)",
    "stats.standing_unknown": "Cannot tell",
    "stats.lowest_help": (
        "Only items whose whole interval is below target; the arrow shows the real change since "
        "last month."
    ),
    "stats.lowest_title": "Items below target and their rectification measures",
    "stats.none_below": "No item is below target on the evidence.",
    "stats.lowest_item": (
        "{item}: {value} (n {n}, 95% interval {interval}, {gap} against target, {change} since "
        "last month)"
    ),
    "stats.survey_title": "Item-level answers: top-box share",
    "stats.survey_help": (
        "Top-box share = the share of answers at the top of the scale (e.g. 'very satisfied'), "
        "with the number of answers n and the Wilson 95% interval; fewer than {n} answers is "
        "flagged as too few. When nearly everyone is satisfied, the top-box share tells "
        "departments apart where a mean does not."
    ),
    "stats.survey_empty": (
        "No item-level answers yet. The campaign office can export the answers from a survey "
        "platform (CSV or Excel, one row per respondent) and import them under 'Import item-level"
        " answers' below; each department's top-box share per item is then shown here."
    ),
    "stats.survey_month": "Month",
    "stats.survey_items_chart": "Top-box share per item (all departments, with 95% interval)",
    "stats.survey_table": "Top-box share per department and item",
    "stats.survey_col_item": "Item",
    "stats.survey_col_share": "Top-box share (%)",
    "stats.survey_col_top": "Top-box answers",
    "stats.survey_col_departments": "Departments",
    "stats.survey_all_departments": "All departments",
    "stats.survey_import": "Import item-level answers (survey platform export)",
    "stats.survey_import_help": (
        "Upload the platform's export of individual answers: headers in the first row, one "
        "respondent a row. Choose the department column, the date (or month) column, the item "
        "columns and the scale; a mapping is suggested from the headers, check each choice. If "
        "any row has a problem nothing is imported; problems are listed by sheet, row and column."
    ),
    "stats.survey_upload": "Answers file (.csv or .xlsx)",
    "stats.survey_map_department": "Department column",
    "stats.survey_map_date": "Date or month column",
    "stats.survey_no_column": "(none)",
    "stats.survey_map_month": "Month of all answers",
    "stats.survey_map_items": "Item columns",
    "stats.survey_map_scale": "Scale",
    "stats.survey_map_top": "Top-box answer",
    "stats.survey_map_top_help": (
        "The chosen answer and any better one count as top box; by default the best answer only."
    ),
    "stats.survey_scale_words5": "very dissatisfied … very satisfied (非常不满意 … 非常满意)",
    "stats.survey_scale_words5_very": "很不满意 … 很满意 (five words)",
    "stats.survey_scale_numbers5": "numbers 1–5",
    "stats.survey_scale_numbers10": "numbers 1–10",
    "stats.survey_scale_numbers0_10": "numbers 0–10",
    "stats.survey_problems": "{count} problem(s) found; nothing was imported:",
    "stats.survey_preview": (
        "Preview: {respondents} respondents, {answers} answers, {departments} departments "
        "({months})."
    ),
    "stats.survey_skipped": "{count} respondent(s) answered none of the items and will be skipped.",
    "stats.survey_preview_table": "Respondents per department and month",
    "stats.survey_col_respondents": "Respondents",
    "stats.survey_confirm": "Confirm import",
    "stats.survey_done": "{count} answers imported.",
    "stats.survey_error_file": "The file cannot be read (a .csv or .xlsx file is expected)",
    "stats.survey_error_too_many": "The file has more than {max} rows; import it in parts",
    "stats.survey_error_empty": "The file holds no answers",
    "stats.survey_error_no_department": "Choose the department column",
    "stats.survey_error_no_date": "Choose the date column, or the month all answers belong to",
    "stats.survey_error_no_items": "Choose at least one item column and a scale",
    "stats.survey_error_cell_empty": "Sheet '{sheet}', row {row}, column '{column}': empty",
    "stats.survey_error_department": (
        "Sheet '{sheet}', row {row}, column '{column}': no department '{value}' (use a department"
        " name or code of the system)"
    ),
    "stats.survey_error_date": (
        "Sheet '{sheet}', row {row}, column '{column}': unreadable date '{value}'"
    ),
    "stats.survey_error_month": (
        "Sheet '{sheet}', row {row}, column '{column}': {period} is not a month of the campaign "
        "so far"
    ),
    "stats.survey_error_locked": (
        "Sheet '{sheet}', row {row}, column '{column}': {period} is locked"
    ),
    "stats.survey_error_answer": (
        "Sheet '{sheet}', row {row}, column '{column}': answer '{value}' is not on the scale "
        "({scale})"
    ),
    "stats.survey_error_score": "Answer '{answer}' is not on the scale",
    "stats.survey_error_item": "The item's name is empty or too long",
    "stats.survey_error_row": "Sheet '{sheet}', row {row}: {reason}",
    "stats.survey_error_again_withdrawn": "This file was withdrawn on {when} by {who} and cannot be imported again; import the corrected file",
    "stats.survey_error_unknown_import": "This file was never imported into this campaign",
    "stats.survey_error_withdrawn": "This file was withdrawn on {when} by {who}",
    "stats.survey_error_reason": "Give the reason for withdrawing",
    "stats.survey_imports": "Imported survey files ({count})",
    "stats.survey_no_imports": "No survey file imported yet.",
    "stats.survey_col_file": "File",
    "stats.survey_col_imported": "Imported",
    "stats.survey_col_importer": "Imported by",
    "stats.survey_col_answers": "Answers",
    "stats.survey_col_state": "State",
    "stats.survey_state_active": "Counted",
    "stats.survey_state_withdrawn": "Withdrawn ({when}, {who}: {reason})",
    "stats.survey_withdraw_file": "File to withdraw",
    "stats.survey_withdraw_option": "{file} (imported {when}, {answers} answers)",
    "stats.survey_withdraw_reason": "Reason",
    "stats.survey_withdraw_help": "A withdrawn file's answers no longer count in the top-box share; they stay in the database and the withdrawal is in the audit log. Answers of a locked month cannot be withdrawn.",
    "stats.survey_withdraw": "Withdraw this file",
    "stats.survey_withdrawn": "{count} answers withdrawn.",
    "stats.survey_error_again": (
        "This file was imported on {when} by {who}; it is not imported twice"
    ),
    "appeal.help": (
        "A department may appeal an inspection score or a complaint count within {days} days of "
        "its entry, with a reason and evidence; the campaign office upholds it (the figure is "
        "corrected and the composite score, ranking and commend/laggard lists follow) or rejects "
        "it."
    ),
    "appeal.file_title": "File an appeal",
    "appeal.nothing_to_appeal": (
        "No inspection score or complaint count from the last {days} days to appeal."
    ),
    "appeal.figure": "{kind} · {period} · {value} (appeal by {deadline})",
    "appeal.figure_label": "Figure appealed",
    "appeal.requested": "Correct it to",
    "appeal.reason": "Reason",
    "appeal.evidence": "Evidence",
    "appeal.submit": "Submit the appeal",
    "appeal.filed": "Appeal submitted; the campaign office will decide.",
    "appeal.list_title": "Appeals",
    "appeal.none": "No appeals yet.",
    "appeal.col_kind": "Kind",
    "appeal.col_original": "Original",
    "appeal.col_requested": "Asked for",
    "appeal.col_status": "Status",
    "appeal.col_decided": "Corrected to",
    "appeal.col_filed_at": "Filed at",
    "appeal.decision_reason": "Decision reason",
    "appeal.decide_title": "Decide an appeal",
    "appeal.pick": "Open appeal",
    "appeal.decided": "Correct to",
    "appeal.uphold": "Uphold and correct",
    "appeal.reject": "Reject",
    "appeal.upheld": "Appeal upheld: the figure is corrected and scores and ranks follow.",
    "appeal.rejected": "Appeal rejected.",
    "appeal.kind_inspection": "Inspection score",
    "appeal.kind_complaints": "Complaints",
    "appeal.status_open": "Open",
    "appeal.status_upheld": "Upheld",
    "appeal.status_rejected": "Rejected",
    "appeal.error_kind": "Only an inspection score or a complaint count can be appealed",
    "appeal.error_reason": "Give the reason of the appeal",
    "appeal.error_no_figure": "There is no such figure for that month",
    "appeal.error_too_late": "The appeal window has passed ({days} days after entry)",
    "appeal.error_requested": (
        "Invalid request: an inspection score must be above the original and at most the maximum;"
        " complaints a whole number below the original"
    ),
    "appeal.error_open": "This figure already has an open appeal",
    "appeal.error_unknown": "No such appeal",
    "appeal.error_decided": "This appeal has already been decided",
    "appeal.error_reject_reason": "A rejection needs a reason",
}
