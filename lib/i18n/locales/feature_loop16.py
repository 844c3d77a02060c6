"""Messages of the monthly loop (issue 16, items 1-3): merge and clash, 本月无变化, the
submit confirmation, the deadline warning and the department-month review."""

ZH = {
    "error.report_clash": "任务 {task}：{who} 在您编辑期间也修改了「{fields}」。您填写的内容已保留，请对照对方的内容后再保存。",
    "error.report_not_reviewed": "任务 {task} 本月未修改：请修改后提交，或勾选「本月无变化」。",
}
EN = {
    "error.report_clash": "Task {task}: {who} also changed “{fields}” while you were editing. What you typed is kept; compare it with theirs, then save again.",
    "error.report_not_reviewed": "Task {task} was not changed this month: edit it, or tick “No change this month”, then submit.",
}
