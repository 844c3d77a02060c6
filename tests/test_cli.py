"""The CLI contract: commands, output, exit codes (run as a subprocess, both backends)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lib.db import make_engine
from lib.models import Base, User
from tests.conftest import ROOT


def cli(url: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url, "APP_LOCALE": "zh"}
    return subprocess.run(
        [sys.executable, "-m", "lib.cli", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _head_revision() -> str:
    from alembic.script import ScriptDirectory

    from lib.db import ROOT

    head = ScriptDirectory(str(ROOT / "migrations")).get_current_head()
    assert head is not None
    return head


def test_init_demo_users_backup_restore(db_url: str, tmp_path: Path) -> None:
    r = cli(db_url, "init")
    assert r.returncode == 0, r.stderr
    assert f"（版本 {_head_revision()}）" in r.stdout  # the head revision

    r = cli(db_url, "demo", "--today", "2026-11-22")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert "Demo@2026" in r.stdout
    names = {line.split()[0] for line in lines if line.startswith("  ")}
    assert {"admin", "office", "leader", "viewer", "liaison_dispatch", "liaison_card"} <= names

    again = cli(db_url, "demo")
    assert again.returncode == 0 and "--reset" in again.stdout  # never loads twice

    r = cli(
        db_url,
        "create-user",
        "zhang.san",
        "--role",
        "office",
        "--display-name",
        "张三",
        "--password-stdin",
        stdin="Ch4nge!me-2026\n",
    )
    assert r.returncode == 0, r.stderr
    r = cli(
        db_url,
        "create-user",
        "li.si",
        "--role",
        "liaison",
        "--password-stdin",
        stdin="Ch4nge!me-2026\n",
    )
    assert r.returncode == 1 and "科室联络员必须指定所属科室" in r.stderr
    r = cli(
        db_url, "create-user", "wang.wu", "--role", "viewer", "--password-stdin", stdin="short\n"
    )
    assert r.returncode == 1 and "至少需要8位" in r.stderr
    r = cli(db_url, "set-password", "zhang.san", "--password-stdin", stdin="N3w!password\n")
    assert r.returncode == 0, r.stderr
    r = cli(db_url, "set-password", "nobody", "--password-stdin", stdin="N3w!password\n")
    assert r.returncode == 1 and "nobody" in r.stderr

    out = tmp_path / "backup.json.gz"
    r = cli(db_url, "backup", str(out))
    assert r.returncode == 0 and out.stat().st_size > 1000

    target = f"sqlite:///{tmp_path / 'restored.db'}"
    r = cli(target, "restore", str(out))
    assert r.returncode == 0, r.stderr
    r = cli(target, "restore", str(out))
    assert r.returncode == 1 and "不是空的" in r.stderr

    src, dst = make_engine(db_url), make_engine(target)
    with Session(src) as a, Session(dst) as b:
        for table in Base.metadata.sorted_tables:
            rows_a = a.execute(select(table).order_by(*table.primary_key.columns)).all()
            rows_b = b.execute(select(table).order_by(*table.primary_key.columns)).all()
            assert rows_a == rows_b, table.name
        assert b.scalar(select(func.count(User.id))) >= 5
    src.dispose()
    dst.dispose()


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["nonsense"],
        ["create-user"],
        ["create-user", "x", "--role", "king", "--password-stdin"],
        ["demo", "--today", "22/11/2026"],
        ["backup"],
    ],
)
def test_bad_arguments_exit_2(args: list[str], tmp_path: Path) -> None:
    r = cli(f"sqlite:///{tmp_path / 'x.db'}", *args)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "usage" in r.stderr


def test_empty_password_on_stdin_is_refused(tmp_path: Path) -> None:
    r = cli(
        f"sqlite:///{tmp_path / 'x.db'}",
        "create-user",
        "abc",
        "--role",
        "admin",
        "--password-stdin",
        stdin="",
    )
    assert r.returncode == 2 and "--password-stdin" in r.stderr


def test_restore_refuses_a_damaged_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    r = cli(f"sqlite:///{tmp_path / 'x.db'}", "restore", str(bad))
    assert r.returncode == 1 and "无效" in r.stderr
    r = cli(f"sqlite:///{tmp_path / 'x.db'}", "restore", str(tmp_path / "missing.json"))
    assert r.returncode == 1
