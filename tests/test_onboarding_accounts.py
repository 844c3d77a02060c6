"""Liaison accounts issued by the office with one-time passwords (issue 23): one per
department, the clear password only in what the call returns, the first login forced to
change it; a lost list is answered with a reset, never a reveal."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from lib import write
from lib.db import session_scope
from lib.domain.permissions import Actor
from lib.models import AuditLog, Department, User
from lib.write.users import validate_password, verify_password
from tests.apphelpers import login, new_app

OFFICE = Actor(username="office", roles=frozenset({"office"}), user_id=None)


def _new_departments(engine, *codes: str) -> None:  # type: ignore[no-untyped-def]
    """Departments that have no liaison yet (the world's A and B have theirs)."""
    with session_scope(engine) as s:
        for code in codes:
            write.upsert_department(
                actor=Actor.system(), session=s, code=code, name=f"{code}科", name_en=code
            )


def test_one_time_passwords_meet_the_rules_and_differ() -> None:
    seen = {write.one_time_password() for _ in range(50)}
    assert len(seen) == 50
    for pw in seen:
        assert validate_password(pw) is None
        assert not set(pw) & set("0O1lI")


def test_one_time_passwords_print_as_typed_in_the_account_list() -> None:
    """No password begins with a character Excel reads as a formula (= + - @): the list
    would show it with a protecting apostrophe, which the liaison would then type."""
    import io

    import openpyxl

    from lib.io.account_list import account_list_xlsx
    from lib.write.accounts import IssuedAccount

    passwords = [write.one_time_password() for _ in range(400)]
    assert all(pw[0] not in "=+-@#%" for pw in passwords)
    issued = [IssuedAccount(f"u{i}", "联络员", "A", "甲科", pw) for i, pw in enumerate(passwords)]
    book = openpyxl.load_workbook(io.BytesIO(account_list_xlsx(issued, "zh")))
    printed = [row[2] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert printed == passwords


def test_office_issues_one_account_per_department_and_only_hashes_are_kept(world, engine) -> None:  # type: ignore[no-untyped-def]
    _new_departments(engine, "C", "D-2")
    with session_scope(engine) as s:
        issued = write.issue_liaison_accounts(actor=OFFICE, session=s)
    assert sorted(a.username for a in issued) == ["liaison_c", "liaison_d-2"]
    # whatever liaisons the world had, every active department now has one
    with Session(engine) as s:
        depts = s.scalars(select(Department).where(Department.active.is_(True))).all()
        liaison_depts = {
            u.department_id for u in s.scalars(select(User)) if "liaison" in u.role_list
        }
        assert {d.id for d in depts} <= liaison_depts
        for acc in issued:
            user = s.scalar(select(User).where(User.username == acc.username))
            assert user is not None and user.must_change_password
            assert acc.password not in user.password_hash
            assert verify_password(acc.password, user.password_hash)
            assert acc.username == f"liaison_{acc.department_code.lower()}"
        # the audit rows name the accounts and never hold a password
        rows = s.scalars(select(AuditLog).where(AuditLog.action == "create")).all()
        text = " ".join(str(r.before) + str(r.after) for r in rows)
        assert all(acc.password not in text for acc in issued)
    # a second run finds nothing left to issue
    with session_scope(engine) as s:
        assert write.issue_liaison_accounts(actor=OFFICE, session=s) == []


def test_taken_or_bad_names_refuse_the_whole_batch(world, engine) -> None:  # type: ignore[no-untyped-def]
    _new_departments(engine, "C", "D")
    with Session(engine) as s:
        before = s.scalar(select(User.id).order_by(User.id.desc()))
        codes = ["C", "D"]
    with session_scope(engine) as s:
        existing = s.scalars(select(User.username)).first()
    with pytest.raises(write.ServiceError) as exc, session_scope(engine) as s:
        write.issue_liaison_accounts(
            actor=OFFICE, session=s, department_codes=codes, usernames={codes[-1]: existing}
        )
    assert exc.value.key in {"account.error_taken"}
    with pytest.raises(write.ServiceError) as exc, session_scope(engine) as s:
        write.issue_liaison_accounts(
            actor=OFFICE, session=s, department_codes=codes, usernames={codes[0]: "科室 一"}
        )
    assert exc.value.key == "account.error_username"
    with Session(engine) as s:
        assert s.scalar(select(User.id).order_by(User.id.desc())) == before


def test_reset_gives_a_new_one_time_password_and_office_only_for_liaisons(world, engine) -> None:  # type: ignore[no-untyped-def]
    _new_departments(engine, "C")
    with session_scope(engine) as s:
        (first,) = write.issue_liaison_accounts(actor=OFFICE, session=s)
    with session_scope(engine) as s:
        again = write.reset_one_time_password(actor=OFFICE, session=s, username=first.username)
    assert again.password != first.password
    with Session(engine) as s:
        user = s.scalar(select(User).where(User.username == first.username))
        assert user is not None and user.must_change_password
        assert not verify_password(first.password, user.password_hash)
        assert verify_password(again.password, user.password_hash)
        admin = s.scalar(select(User).where(User.roles.contains("admin")))
    if admin is not None:
        with pytest.raises(write.PermissionDenied), session_scope(engine) as s:
            write.reset_one_time_password(actor=OFFICE, session=s, username=admin.username)
    viewer = Actor(username="v", roles=frozenset({"viewer"}))
    with pytest.raises(write.PermissionDenied), session_scope(engine) as s:
        write.issue_liaison_accounts(actor=viewer, session=s)


def test_first_login_must_change_the_password_first(app_db: str) -> None:
    engine = create_engine(app_db)
    with Session(engine) as s:
        dept = s.scalars(select(Department).where(Department.active.is_(True))).first()
        assert dept is not None
        code = dept.code
    with session_scope(engine) as s:
        acc = write.issue_liaison_accounts(
            actor=OFFICE, session=s, department_codes=[code], usernames={code: "new.liaison"}
        )[0]
    at = login(new_app(), "new.liaison", acc.password)
    assert not at.exception, at.exception
    assert at.title[0].value == "首次登录：请修改初始密码"
    # nothing else is reachable: the navigation holds the one page
    with pytest.raises(ValueError):
        at.switch_page("pages/report.py").run()
    at.text_input(key="old_password").input(acc.password)
    at.text_input(key="new_password").input("Neu-Passwort-2026")
    at.text_input(key="repeat_password").input("Neu-Passwort-2026")
    submit = [b for b in at.button if b.label == "保存新密码"]
    assert submit, [b.label for b in at.button]
    submit[0].click().run()
    assert not at.exception, at.exception
    with Session(engine) as s:
        user = s.scalar(select(User).where(User.username == "new.liaison"))
        assert user is not None and not user.must_change_password
    # logging in with the new password opens the product
    at = login(new_app(), "new.liaison", "Neu-Passwort-2026")
    assert not at.exception, at.exception
    assert at.title and at.title[0].value != "首次登录：请修改初始密码"


def _downloads(at):  # type: ignore[no-untyped-def]
    return [e for e in at.get("download_button")]


def test_account_list_only_in_the_issuing_session(app_db: str) -> None:
    """The office issues accounts and downloads the list with the passwords in the same
    session; a later session (or after 清除) has no list to download and no password on the
    page: the database holds hashes only, and the way back is a reset."""
    import io

    import openpyxl

    from tests.apphelpers import logged_in

    engine = create_engine(app_db)
    with session_scope(engine) as s:
        write.upsert_department(
            actor=Actor.system(), session=s, code="NEWD", name="新设科室", name_en="New dept"
        )
    at = logged_in("office")
    at.switch_page("pages/setup_accounts.py").run()
    assert not at.exception, at.exception
    assert any("新设科室" in m.value for m in at.markdown)
    at.button(key="accounts_issue").click().run()
    assert not at.exception, at.exception
    assert any("只在本次会话中显示" in w.value for w in at.warning)
    issued = at.session_state["_issued_accounts"]
    assert [a.department_code for a in issued if a.department_code == "NEWD"] == ["NEWD"]
    from lib.io.account_list import account_list_xlsx

    book = openpyxl.load_workbook(io.BytesIO(account_list_xlsx(issued, "zh")))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0] == ("科室", "用户名", "初始密码")
    with Session(engine) as s:
        for _dept, username, password in rows[1:]:
            user = s.scalar(select(User).where(User.username == username))
            assert user is not None and verify_password(str(password), user.password_hash)
            assert str(password) not in user.password_hash

    # a new session of the same office: nothing to download, no password anywhere
    later = logged_in("office")
    later.switch_page("pages/setup_accounts.py").run()
    assert not later.exception, later.exception
    assert not _downloads(later)
    page_text = " ".join(
        str(x.value) for kind in ("markdown", "info", "warning", "caption") for x in later.get(kind)
    ) + " ".join(str(df.value.to_dict()) for df in later.dataframe)
    assert all(str(p) not in page_text for _, _, p in rows[1:])
    assert any("之后如需密码，请重置" in i.value for i in later.info)
    assert "待首次登录改密" in " ".join(str(df.value.to_dict()) for df in later.dataframe)

    # forgetting in the issuing session drops the passwords there too
    at.button(key="accounts_forget").click().run()
    assert not _downloads(at)
