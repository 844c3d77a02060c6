"""Strings of the second security round (issue 17): login throttling and its
administration, error ids, compressed-input limits."""

ZH: dict[str, str] = {
    # login form: one answer for every failure (locked or not, known user or not)
    "login.failed_hint": (
        "同一账号在同一网络地址连续5次登录失败后，将暂时无法从该地址登录（每次锁定时长加倍）；"
        "如急需登录，请联系系统管理员解锁。"
    ),
    # unexpected errors
    "error.internal": (
        "系统出现内部错误，已记录（错误编号 {id}）。请稍后重试；如问题持续，请把错误编号告知系统管理员。"
    ),
    # administration of locks
    "security.error_bad_address": "不是有效的IP地址或网段（例如 203.0.113.7 或 203.0.113.0/24）。",
    "security.error_bad_reason": "封禁原因不能包含控制字符，且不超过{max}个字符。",
    "security.error_not_blocked": "地址 {address} 未被封禁。",
    "security.locks_title": "登录锁定与封禁地址",
    "security.locks_none": "当前没有生效的登录锁定。",
    "security.col_address": "网络地址",
    "security.col_locks": "锁定次数",
    "security.col_until": "锁定至",
    "security.every_address": "所有未登录过的地址",
    "security.unlock_user": "解锁账号",
    "security.block_optional": "同时封禁攻击地址（可选）",
    "security.block_reason": "封禁原因（可选）",
    "security.unlock_button": "解锁",
    "security.unlocked": "已解除 {username} 的登录锁定（{count} 个地址）。",
    "security.blocked_none": "没有被封禁的地址。",
    "security.col_reason": "原因",
    "security.col_blocked_by": "封禁人",
    "security.col_blocked_at": "封禁时间",
    "security.unblock_pick": "解除封禁的地址",
    "security.unblock_button": "解除封禁",
    "security.unblocked": "已解除对 {address} 的封禁。",
    # compressed and oversized inputs
    "security.error_zip_ratio": (
        "文件压缩比异常（解压后超过原文件的100倍），疑似压缩炸弹，已拒绝。请检查文件后重新上传。"
    ),
    "security.error_zip_damaged": "文件已损坏（压缩包内容与校验信息不一致），已拒绝。",
    # command line
    "cli.unlock_done": "已解除 {username} 的登录锁定（{count} 个地址）。",
    "cli.address_blocked": "已封禁地址 {network}，该地址的所有登录都将被拒绝。",
    "cli.address_unblocked": "已解除对 {network} 的封禁。",
    "cli.locks_none": "当前没有生效的登录锁定，也没有被封禁的地址。",
    "cli.lock_line": "锁定：{username}\t地址 {address}\t第{locks}次\t至 {until}（UTC）",
    "cli.blocked_line": "封禁：{network}\t{reason}\t{by}\t{at}（UTC）",
    "cli.backup_bomb": (
        "备份文件解压后超过 {max} MB，或压缩比超过 {ratio} 倍（疑似压缩炸弹），拒绝恢复：{path}"
    ),
    "cli.backup_too_deep": "备份文件的嵌套层级过深，不是本系统的备份，拒绝恢复：{path}",
    "cli.backup_rows_invalid": "备份文件中的数据无法写入（{table} 表）：{path}",
    "cli.file_too_large": "文件过大（{size} MB，上限 {max} MB），拒绝读取：{path}",
}

EN: dict[str, str] = {
    "login.failed_hint": (
        "After 5 failed logins to one account from one network address, that address cannot "
        "log in to it for a while (each lock lasts twice as long as the one before); if you "
        "need in urgently, ask your administrator to unlock it."
    ),
    "error.internal": (
        "Something went wrong on our side; it has been logged (error id {id}). Please try "
        "again; if it keeps happening, give this id to your administrator."
    ),
    "security.error_bad_address": (
        "That is not an IP address or network (e.g. 203.0.113.7 or 203.0.113.0/24)."
    ),
    "security.error_bad_reason": (
        "The reason may not contain control characters and may be at most {max} characters."
    ),
    "security.error_not_blocked": "Address {address} is not blocked.",
    "security.locks_title": "Login locks and blocked addresses",
    "security.locks_none": "No login lock is in force.",
    "security.col_address": "Network address",
    "security.col_locks": "Locks",
    "security.col_until": "Locked until",
    "security.every_address": "every address not used before",
    "security.unlock_user": "Account to unlock",
    "security.block_optional": "Also block the attacking address (optional)",
    "security.block_reason": "Reason for the block (optional)",
    "security.unlock_button": "Unlock",
    "security.unlocked": "Login locks of {username} cleared ({count} addresses).",
    "security.blocked_none": "No address is blocked.",
    "security.col_reason": "Reason",
    "security.col_blocked_by": "Blocked by",
    "security.col_blocked_at": "Blocked at",
    "security.unblock_pick": "Address to unblock",
    "security.unblock_button": "Unblock",
    "security.unblocked": "{address} is no longer blocked.",
    "security.error_zip_ratio": (
        "The file is compressed suspiciously well (it unpacks to more than 100 times its "
        "size), as a zip bomb does; it was refused. Check the file and upload it again."
    ),
    "security.error_zip_damaged": (
        "The file is damaged (its contents do not match their checksums); it was refused."
    ),
    "cli.unlock_done": "Login locks of {username} cleared ({count} addresses).",
    "cli.address_blocked": "Blocked {network}: every login from it is refused.",
    "cli.address_unblocked": "{network} is no longer blocked.",
    "cli.locks_none": "No login lock is in force and no address is blocked.",
    "cli.lock_line": "locked: {username}\taddress {address}\tlock {locks}\tuntil {until} (UTC)",
    "cli.blocked_line": "blocked: {network}\t{reason}\t{by}\t{at} (UTC)",
    "cli.backup_bomb": (
        "The backup unpacks to more than {max} MB or is compressed more than {ratio} times "
        "(a zip bomb?); restore refused: {path}"
    ),
    "cli.backup_too_deep": (
        "The backup file is nested too deeply to be one of ours; restore refused: {path}"
    ),
    "cli.backup_rows_invalid": "Rows of table {table} in the backup cannot be stored: {path}",
    "cli.file_too_large": "File too large ({size} MB, at most {max} MB); not read: {path}",
}
