"""简体中文 (default): cli.*"""

MESSAGES: dict[str, str] = {
    "cli.init_done": "数据库已就绪（版本 {revision}）：{url}",
    "cli.demo_loaded": "演示数据已载入：{campaigns}个活动，{departments}个科室，{updates}条月度填报。",
    "cli.demo_exists": "数据库中已有数据，未载入演示数据（如需重建请使用 --reset）。",
    "cli.demo_accounts": "演示账号（密码均为 {password}）：",
    "cli.user_created": "已创建用户 {username}（{roles}）。",
    "cli.password_set": "已为用户 {username} 设置新密码。",
    "cli.password_stdin_empty": "请通过标准输入提供密码（--password-stdin）。",
    "cli.backup_done": "已备份 {rows} 行数据到 {path}。",
    "cli.restore_done": "已从 {path} 恢复 {rows} 行数据。",
    "cli.restore_not_empty": "目标数据库不是空的，拒绝恢复（请先使用空数据库）。",
    "cli.backup_invalid": "备份文件无效或已损坏：{path}",
    "cli.file_missing": "文件不存在：{path}",
    "cli.error": "错误：{message}",
    "cli.bad_period": "月份格式应为 YYYY-MM：{period}",
    "cli.no_campaign": "活动 {campaign} 不存在。",
    "cli.period_outside": "{period} 不在该活动的已开展月份内。",
    "cli.written": "已写入 {path}",
    "cli.plan_summary": "方案：{title}；{phases}个阶段，{areas}个方面，{tasks}项任务。",
    "cli.export_done": "已导出到 {path}。",
}
