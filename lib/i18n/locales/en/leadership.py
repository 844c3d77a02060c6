"""English (second language): overview.*, progress.*, ranking.*, satisfaction.*, ledger.*"""

MESSAGES: dict[str, str] = {
    "overview.organiser": "Organiser",
    "overview.theme": "Theme",
    "overview.dates": "Dates",
    "overview.day_of": "Day {day} of {total}",
    "overview.not_started_yet": "Starts in {days} days",
    "overview.ended": "Ended on {date}",
    "overview.days_left": "{days} days left",
    "overview.current_phase": "Current phase",
    "overview.no_phase": "No phase in progress",
    "overview.phase_timeline": "Phases",
    "overview.today": "Today",
    "overview.period": "Period",
    "overview.completion": "Overall completion",
    "overview.completion_help": (
        "Task completion weighted by task weight; a task's completion is the mean of its "
        "departments' latest reported progress."
    ),
    "overview.expected": "expected {value}",
    "overview.tasks_total": "Tasks",
    "overview.tasks_behind": "Tasks behind or at risk",
    "overview.tasks_overdue": "Overdue tasks",
    "overview.tasks_done": "Tasks done",
    "overview.report_rate": "Report rate this month",
    "overview.report_rate_help": (
        "Reports submitted (or approved) this month ÷ department tasks due to report this month."
    ),
    "overview.reports_of": "{done} of {total}",
    "overview.status_chart": "Tasks by status",
    "overview.lagging": "Tasks behind, at risk or overdue",
    "overview.no_lagging": "No task is behind, at risk or overdue.",
    "overview.satisfaction": "Patient satisfaction",
    "overview.satisfaction_target": "target {value}",
    "overview.no_satisfaction": "No satisfaction data for this campaign yet.",
    "overview.no_campaign": (
        "There are no campaigns yet. The campaign office creates one from a template or a plan "
        "document; for a demo run python -m lib.cli demo."
    ),
    "overview.no_tasks": "This campaign has no tasks yet.",
    "overview.vs_expected": "{value} vs expected",
    "overview.wow": "{value} vs last week",
    "overview.wow_help": "“vs last week” compares with the data submitted by {date}.",
    "overview.on_track_count": "{count} on track",
    "overview.behind_split": "behind {behind} · at risk {at_risk}",
    "overview.vs_last_month": "{value} vs last month",
    "overview.gap": "gap {value}",
    "overview.top_bottom": "Department ranking",
    "overview.top3": "Top three",
    "overview.bottom3": "Bottom three",
    "overview.changed": "Changed this week",
    "overview.newly_done": "Newly done",
    "overview.newly_overdue": "Newly overdue",
    "overview.big_moves": "Progress up 20 points or more",
    "overview.nothing_changed": "None",
    "progress.completion_chart": "Completion by department",
    "progress.completion_help": (
        "Bars: each department's task-weighted completion; black tick: the progress expected by "
        "now; colour: status."
    ),
    "progress.heatmap": "Completion by department × task area",
    "progress.no_areas": "This campaign's tasks have no areas, so there is no heat map.",
    "progress.department_detail": "One department",
    "progress.no_tasks_for_department": "This department has no tasks in this campaign.",
    "progress.history": "Reported progress by month",
    "progress.no_history": "This department has no submitted or approved monthly report yet.",
    "progress.indicators": "Satisfaction and other indicators (latest)",
    "progress.no_indicators": "This department reports no indicators.",
    "ranking.weights": (
        "Composite score = task completion {completion} + timeliness {timeliness} + satisfaction "
        "{satisfaction} + inspection score {inspection}, minus complaints ({per_complaint} per "
        "complaint) and overdue tasks ({per_overdue} each), at most {max} points off. A "
        "department missing a component is scored on the others, reweighted."
    ),
    "ranking.commend": "Commend list (top {count})",
    "ranking.laggard": "Laggard list (bottom {count})",
    "ranking.tab_score": "Composite score",
    "ranking.rank_of": "rank {rank} of {total}",
    "ranking.tab_history": "Rank by month",
    "ranking.tab_components": "Components",
    "ranking.no_history": "Rank movement needs at least two months of data.",
    "ranking.grid_note": (
        "Each cell is the month's rank; its colour shows where that rank stands among all {total}"
        " units: green near the top, red near the bottom."
    ),
    "ranking.method": (
        "Equal scores share a rank; movement is against last month (▲ up, ▼ down). The method is "
        "in docs/scoring.md."
    ),
    "satisfaction.benchmark": "Third-party survey and peer comparison",
    "satisfaction.rate_rank": "Satisfaction rate {rate} · rank {rank} of {peers}",
    "satisfaction.benchmark_source": "Source: {source} ({period})",
    "satisfaction.patient": "Patients",
    "satisfaction.staff": "Staff",
    "satisfaction.no_data": "No satisfaction data of this kind for this campaign yet.",
    "satisfaction.trend": "Item scores by month (red dashed line: target)",
    "satisfaction.heatmap": "Scores by department × item (latest)",
    "satisfaction.lowest": "Lowest items and their rectification measures",
    "satisfaction.lowest_item": "{item}: {value} ({gap} against target)",
    "satisfaction.linked_tasks": "Rectification measures: {tasks}",
    "satisfaction.no_linked_tasks": (
        "No rectification measure is linked yet; the campaign office should add one."
    ),
    "ledger.history_newest": "Many reports: showing the newest {shown} of {total}.",
    "ledger.count": "{shown} of {total} tasks shown",
    "ledger.no_match": "No task matches the filters.",
    "ledger.export": "Export to Excel",
    "ledger.problem_area": "Problem list",
    "ledger.task_detail": "Task detail",
    "ledger.no_reports": "No monthly report on this task yet.",
    "ledger.department_removed": "{name} (no longer on this task)",
}
