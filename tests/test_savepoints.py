"""A savepoint opened first in a transaction (the Excel import's all_or_nothing, the
login throttle's insert) stays inside that transaction on both backends: when the outer
transaction fails later, what the savepoint wrote is rolled back with it. (pysqlite's
own transaction handling let RELEASE of such a savepoint commit on its own.)"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from lib import write
from lib.db import session_scope
from lib.domain.permissions import Actor
from lib.models import Department


def test_a_first_savepoint_is_rolled_back_with_its_transaction(engine: Engine) -> None:
    with pytest.raises(RuntimeError), session_scope(engine) as s:
        with write.all_or_nothing(s):
            write.upsert_department(actor=Actor.system(), session=s, code="SP1", name="保存点科")
        raise RuntimeError("the rest of the transaction fails")
    with Session(engine) as s:
        assert s.scalar(select(Department).where(Department.code == "SP1")) is None


def test_a_first_savepoint_commits_with_its_transaction(engine: Engine) -> None:
    with session_scope(engine) as s:
        with write.all_or_nothing(s):
            write.upsert_department(actor=Actor.system(), session=s, code="SP2", name="保存点科")
        write.upsert_department(actor=Actor.system(), session=s, code="SP3", name="其后科")
    with Session(engine) as s:
        codes = set(s.scalars(select(Department.code).where(Department.code.like("SP%"))))
        assert codes == {"SP2", "SP3"}
