"""简体中文 (default): plan.*"""

MESSAGES: dict[str, str] = {
    "plan.warn_year_placeholder": (
        "方案中的年份写作“{text}”（共{count}处），这些日期留空未填；请提供年份（页面上的“方案年份”，命令行 --year）后重新识别。"
    ),
    "plan.warn_year_unknown": "方案中的日期没有写年份，也找不到落款日期，这些日期留空未填；请提供年份（页面上的“方案年份”，命令行 --year）后重新识别。",
    "plan.warn_no_tasks": "没有识别出任何任务：方案中没有编号条目、标题或任务表格。",
    "plan.warn_phase_undated": "第{row}个阶段“{name}”方案中没有写明日期，请补填开始和结束日期（不会自动推算）。",
    "plan.warn_phase_outside": "第{row}个阶段“{name}”的日期超出活动起止日期，保存时会被截到活动日期之内，请核对。",
    "plan.warn_title_cut": "任务 {code} 的标题过长，已截取为“{title}”，全文保留在任务说明中。",
    "plan.warn_due_before_start": "任务 {code} 的整改时限 {due} 早于活动开始日期 {start}，请核对。",
    "plan.warn_mixed_years": "方案中的日期分属多个年份（{years}），请核对是否有笔误。",
    "plan.warn_no_span": "方案没有写明活动的起止日期（没有带日期的阶段或落款日期），请填写活动的开始和结束日期。",
    "plan.year": "方案年份（方案未写明年份时填写）",
    "plan.year_help": "填写后按此年份重新识别方案中的日期；0 表示不填。",
    "plan.warnings": "请核对以下事项：",
}
