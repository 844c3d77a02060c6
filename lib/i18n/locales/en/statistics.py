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
