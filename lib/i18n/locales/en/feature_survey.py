"""English: item-level survey answers and top-box share (stats.survey_*), the run-chart
slide of the meeting (meeting.*) — issue 21; the lead regroups these."""

MESSAGES: dict[str, str] = {
    # the top-box share on the satisfaction page
    "stats.survey_title": "Item-level answers: top-box share",
    "stats.survey_help": (
        "Top-box share = the share of answers at the top of the scale (e.g. 'very "
        "satisfied'), with the number of answers n and the Wilson 95% interval; fewer "
        "than {n} answers is flagged as too few. When nearly everyone is satisfied, the "
        "top-box share tells departments apart where a mean does not."
    ),
    "stats.survey_empty": (
        "No item-level answers yet. The campaign office can export the answers from a "
        "survey platform (CSV or Excel, one row per respondent) and import them under "
        "'Import item-level answers' below; each department's top-box share per item is "
        "then shown here."
    ),
    "stats.survey_month": "Month",
    "stats.survey_items_chart": "Top-box share per item (all departments, with 95% interval)",
    "stats.survey_table": "Top-box share per department and item",
    "stats.survey_col_item": "Item",
    "stats.survey_col_share": "Top-box share (%)",
    "stats.survey_col_top": "Top-box answers",
    "stats.survey_col_departments": "Departments",
    "stats.survey_all_departments": "All departments",
    # the import
    "stats.survey_import": "Import item-level answers (survey platform export)",
    "stats.survey_import_help": (
        "Upload the platform's export of individual answers: headers in the first row, "
        "one respondent a row. Choose the department column, the date (or month) column, "
        "the item columns and the scale; a mapping is suggested from the headers, check "
        "each choice. If any row has a problem nothing is imported; problems are listed "
        "by sheet, row and column."
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
        "Preview: {respondents} respondents, {answers} answers, {departments} departments ({months})."
    ),
    "stats.survey_skipped": "{count} respondent(s) answered none of the items and will be skipped.",
    "stats.survey_preview_table": "Respondents per department and month",
    "stats.survey_col_respondents": "Respondents",
    "stats.survey_confirm": "Confirm import",
    "stats.survey_done": "{count} answers imported.",
    # refusals (sheet, row, column named)
    "stats.survey_error_file": "The file cannot be read (a .csv or .xlsx file is expected)",
    "stats.survey_error_too_many": "The file has more than {max} rows; import it in parts",
    "stats.survey_error_empty": "The file holds no answers",
    "stats.survey_error_no_department": "Choose the department column",
    "stats.survey_error_no_date": "Choose the date column, or the month all answers belong to",
    "stats.survey_error_no_items": "Choose at least one item column and a scale",
    "stats.survey_error_cell_empty": "Sheet '{sheet}', row {row}, column '{column}': empty",
    "stats.survey_error_department": (
        "Sheet '{sheet}', row {row}, column '{column}': no department '{value}' "
        "(use a department name or code of the system)"
    ),
    "stats.survey_error_date": "Sheet '{sheet}', row {row}, column '{column}': unreadable date '{value}'",
    "stats.survey_error_month": (
        "Sheet '{sheet}', row {row}, column '{column}': {period} is not a month of the "
        "campaign so far"
    ),
    "stats.survey_error_locked": "Sheet '{sheet}', row {row}, column '{column}': {period} is locked",
    "stats.survey_error_answer": (
        "Sheet '{sheet}', row {row}, column '{column}': answer '{value}' is not on the scale ({scale})"
    ),
    "stats.survey_error_score": "Answer '{answer}' is not on the scale",
    "stats.survey_error_item": "The item's name is empty or too long",
    "stats.survey_error_row": "Sheet '{sheet}', row {row}: {reason}",
    "stats.survey_error_again": "This file was imported on {when} by {who}; it is not imported twice",
    # the run-chart slide of the meeting and the deck
    "meeting.slide_runchart": "Run chart of the campaign's overall completion",
    "meeting.runchart_signals": "Signals ({method})",
    "meeting.notes_runchart": "Campaign's overall completion, median {median}; {signals}",
}
