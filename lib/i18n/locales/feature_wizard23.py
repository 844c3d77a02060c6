"""Keys of the onboarding work (issue 23); regrouped by ``python -m lib.i18n.locales.regroup``."""

ZH = {
    "page.first_password": "首次登录",
    "account.first_heading": "首次登录：请修改初始密码",
    "account.first_why": (
        "{name}，您好！您的账户由活动办公室开通，初始密码只能使用一次。"
        "请设置您自己的新密码，之后用新密码重新登录即可开始填报。"
    ),
    "account.first_old": "初始密码",
    "account.error_username": "科室“{department}”的用户名 {username} 不可用：只能包含小写字母、数字、下划线、点和连字符，长度3–80。",
    "account.error_taken": "科室“{department}”的用户名 {username} 已被占用，请换一个。",
}

EN = {
    "page.first_password": "First login",
    "account.first_heading": "First login: change your initial password",
    "account.first_why": (
        "Welcome, {name}. The campaign office opened this account with a one-time initial "
        "password. Choose your own password, then log in again with it to start reporting."
    ),
    "account.first_old": "Initial password",
    "account.error_username": (
        "Username {username} for department “{department}” cannot be used: lower-case "
        "letters, digits, underscore, dot and hyphen only, 3–80 characters."
    ),
    "account.error_taken": (
        "Username {username} for department “{department}” is already taken; choose another."
    ),
}
