"""English (second language): plan.*"""

MESSAGES: dict[str, str] = {
    "plan.warn_year_placeholder": (
        "The plan writes its year as “{text}” ({count} places); those dates were left empty. Give"
        " the year (“Year of the plan” on the page, --year on the command line) to read them."
    ),
    "plan.warn_year_unknown": (
        "The plan's dates have no year and the plan has no signature date; those dates were left "
        "empty. Give the year (“Year of the plan” on the page, --year on the command line) to "
        "read them."
    ),
    "plan.warn_no_tasks": "No tasks found: the plan has no numbered items, headings or task table.",
    "plan.warn_phase_undated": (
        "Phase {row} “{name}” has no dates in the plan; enter its start and end (nothing is "
        "assumed)."
    ),
    "plan.warn_phase_outside": (
        "Phase {row} “{name}” lies partly outside the campaign's dates and would be cut to them "
        "when saved; please check."
    ),
    "plan.warn_title_cut": (
        "The title of task {code} was too long and was cut to “{title}”; the full text is kept in"
        " the task's description."
    ),
    "plan.warn_due_before_start": (
        "Task {code} is due {due}, before the campaign starts on {start}; please check."
    ),
    "plan.warn_mixed_years": (
        "The plan's dates fall in several years ({years}); please check for a typing error."
    ),
    "plan.warn_no_span": (
        "The plan does not state the campaign's period (no dated phases or signature date): enter"
        " the campaign's start and end."
    ),
    "plan.year": "Year of the plan (when the plan does not state it)",
    "plan.year_help": "The plan's dates are read again with this year; 0 means none.",
    "plan.warnings": "Please check:",
}
