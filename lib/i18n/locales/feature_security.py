"""Strings of the hardening work (issue 9): refused hostile files."""

ZH: dict[str, str] = {
    "security.error_zip_bomb": "文件解压后过大（超过100 MB）或内部文件过多，已拒绝。请拆分后再上传。",
}

EN: dict[str, str] = {
    "security.error_zip_bomb": (
        "The file unpacks to more than 100 MB or holds too many parts; it was refused. "
        "Split it and upload the parts."
    ),
}
