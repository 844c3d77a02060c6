"""Fuzzing (issue 9): hypothesis drives every write service and the Excel importer with
at least 1,000 generated cases each — hostile text, NaN and infinities, unknown ids,
periods outside the campaign, other departments' rows, every role. No case may crash
(only ``ServiceError`` and its kinds may come out, with a translated message), and every
refused case leaves the checksum of every table exactly as before.

The plan parser has its own 1,000-case fuzz test in tests/test_plan_import.py.
SQLite only: the checks are in Python; both backends are covered by the service tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from lib import write
from lib.db import session_scope
from lib.domain.periods import shift_period
from lib.domain.permissions import Actor
from lib.i18n import t
from lib.write import IndicatorInput, ReportInput, ServiceError
from tests.factories import World, department_workbook, make_world, sqlite_database
from tests.test_security_common import checksum

CASES = settings(
    max_examples=1000,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@dataclass
class Fuzz:
    engine: Engine
    w: World
    actors: list[Actor]
    path: Path
    pristine: Path
    digest: str = ""
    refused: int = 0
    accepted: int = 0

    def reset(self) -> None:
        """Back to the pristine world (keeps the database small and the checksum cheap)."""
        import shutil

        self.engine.dispose()
        for suffix in ("-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        shutil.copy(self.pristine, self.path)

    def run(self, call: Callable[[Session], Any]) -> None:
        try:
            with session_scope(self.engine) as s:
                call(s)
        except ServiceError as exc:
            for lang in ("zh", "en"):
                assert t(exc.key, lang) != exc.key, f"untranslated {exc.key}"
                assert exc.message(lang)
            assert checksum(self.engine) == self.digest, f"refused ({exc.key}) but wrote"
            self.refused += 1
        else:
            self.accepted += 1
            self.reset()


@pytest.fixture(scope="module")
def fuzz(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzz]:
    from lib import config

    root = tmp_path_factory.mktemp("fuzz")
    path = root / "fuzz.db"
    engine = sqlite_database(path)
    w = make_world(engine)
    with session_scope(engine) as s:
        for asg, submit in ((w.asg_a1, True), (w.asg_a2, False)):
            write.save_reports(
                actor=w.liaison_a,
                session=s,
                period=w.period,
                items=[ReportInput(asg, 20, "in_progress")],
                submit=submit,
            )
    engine.dispose()
    pristine = root / "pristine.db"
    import shutil

    shutil.copy(path, pristine)
    admin = Actor(username="admin", roles=frozenset({"admin"}))
    viewer = Actor(username="viewer", roles=frozenset({"viewer"}))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ATTACHMENTS_DIR", str(root / "files"))
        config.settings.cache_clear()
        actors = [w.office, w.liaison_a, w.liaison_b, w.leader, admin, viewer]
        f = Fuzz(engine, w, actors, path, pristine)
        f.digest = checksum(engine)
        yield f
    config.settings.cache_clear()
    engine.dispose()


# --- strategies ---------------------------------------------------------------------------

HOSTILE = st.sampled_from(
    [
        "",
        "   ",
        "<script>alert(1)</script>",
        '=HYPERLINK("http://x")',
        "**粗体** [链接](javascript:alert(1))",
        "'; DROP TABLE users; --",
        "\x00\x07\u202e",
        "科" * 5000,
        "../../etc/passwd",
    ]
)
TEXT = st.one_of(st.none(), HOSTILE, st.text(max_size=40))
NUMBER = st.one_of(
    st.none(),
    st.integers(-1000, 1000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 50, 100, 100.0001, -0.0001, 1e308]),
)
DATES = st.one_of(
    st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)),
    st.just(dt.date.today()),
)


def _periods(w: World) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(
            [w.period, shift_period(w.period, -1), shift_period(w.period, 1), "2026-13", ""]
        ),
        st.from_regex(r"\A(19|20)\d\d-(0[1-9]|1[0-2])\Z"),
        st.text(max_size=8),
    )


def _ids(*known: int) -> st.SearchStrategy[int]:
    return st.one_of(st.sampled_from(known), st.integers(-3, 60))


# --- one test per entry point ----------------------------------------------------------------


@CASES
@given(data=st.data())
def test_fuzz_save_reports(fuzz: Fuzz, data: st.DataObject) -> None:
    w = fuzz.w
    items = data.draw(
        st.lists(
            st.builds(
                ReportInput,
                assignment_id=_ids(w.asg_a1, w.asg_a2, w.asg_b1),
                percent_done=st.one_of(st.integers(-10, 110), st.sampled_from([0, 100])),
                status=st.sampled_from(["in_progress", "done", "not_started", "blocked", "x"]),
                work_done=TEXT,
                problems=TEXT,
                next_steps=TEXT,
                expected_version=st.one_of(st.none(), st.integers(0, 5)),
            ),
            max_size=3,
        )
    )
    actor = data.draw(st.sampled_from(fuzz.actors))
    period = data.draw(_periods(w))
    submit = data.draw(st.booleans())
    fuzz.run(
        lambda s: write.save_reports(
            actor=actor, session=s, period=period, items=items, submit=submit
        )
    )


@CASES
@given(data=st.data())
def test_fuzz_save_indicator_values(fuzz: Fuzz, data: st.DataObject) -> None:
    w = fuzz.w
    items = data.draw(
        st.lists(
            st.builds(
                IndicatorInput,
                indicator_id=_ids(w.sat_id, w.complaints_id),
                value=NUMBER,
                sample_size=st.one_of(st.none(), st.integers(-5, 20_000_000)),
                expected_version=st.one_of(st.none(), st.integers(0, 5)),
            ),
            max_size=3,
        )
    )
    actor = data.draw(st.sampled_from(fuzz.actors))
    dept = data.draw(_ids(w.dept_a, w.dept_b))
    period = data.draw(_periods(w))
    fuzz.run(
        lambda s: write.save_indicator_values(
            actor=actor, session=s, department_id=dept, period=period, items=items
        )
    )


@CASES
@given(data=st.data())
def test_fuzz_review_and_lock(fuzz: Fuzz, data: st.DataObject) -> None:
    w = fuzz.w
    actor = data.draw(st.sampled_from(fuzz.actors))
    if data.draw(st.booleans()):
        decisions = data.draw(
            st.lists(
                st.tuples(
                    st.one_of(st.sampled_from([1, 2]), st.integers(-2, 40)), st.integers(0, 6)
                ),
                max_size=3,
            )
        )
        approve = data.draw(st.booleans())
        reason = data.draw(TEXT)
        fuzz.run(
            lambda s: write.review_reports(
                actor=actor, session=s, decisions=decisions, approve=approve, reason=reason
            )
        )
    else:
        campaign = data.draw(_ids(w.campaign_id))
        period = data.draw(_periods(w))
        locked = data.draw(st.booleans())
        reason = data.draw(TEXT)
        fuzz.run(
            lambda s: write.set_period_lock(
                actor=actor,
                session=s,
                campaign_id=campaign,
                period=period,
                locked=locked,
                reason=reason,
            )
        )


@CASES
@given(data=st.data())
def test_fuzz_inspection_scores(fuzz: Fuzz, data: st.DataObject) -> None:
    w = fuzz.w
    actor = data.draw(st.sampled_from(fuzz.actors))
    kwargs = {
        "campaign_id": data.draw(_ids(w.campaign_id)),
        "department_id": data.draw(_ids(w.dept_a, w.dept_b)),
        "period": data.draw(_periods(w)),
        "score": data.draw(st.one_of(st.integers(-10, 200), st.floats())),
        "comment": data.draw(TEXT),
        "max_score": data.draw(
            st.one_of(st.just(100.0), st.floats(allow_nan=True, allow_infinity=True))
        ),
        "expected_version": data.draw(st.one_of(st.none(), st.integers(0, 4))),
    }
    fuzz.run(lambda s: write.save_inspection_score(actor=actor, session=s, **kwargs))


@CASES
@given(data=st.data())
def test_fuzz_problem_ledger(fuzz: Fuzz, data: st.DataObject) -> None:
    w = fuzz.w
    actor = data.draw(st.sampled_from(fuzz.actors))
    if data.draw(st.booleans()):
        kwargs = {
            "campaign_id": data.draw(_ids(w.campaign_id)),
            "title": data.draw(st.one_of(HOSTILE, st.text(max_size=600))),
            "source": data.draw(st.sampled_from(["complaint", "inspection", "plan", "x", ""])),
            "found_on": data.draw(DATES),
            "department_ids": data.draw(st.lists(_ids(w.dept_a, w.dept_b), max_size=3)),
            "measure": data.draw(st.one_of(HOSTILE, st.text(max_size=20))),
            "due_date": data.draw(DATES),
            "description": data.draw(TEXT),
        }
        fuzz.run(lambda s: write.register_problem(actor=actor, session=s, **kwargs))
    else:
        kwargs = {
            "problem_id": data.draw(st.integers(-1, 30)),
            "close": data.draw(st.booleans()),
            "note": data.draw(st.one_of(HOSTILE, st.text(max_size=20))),
            "expected_version": data.draw(st.integers(0, 4)),
            "new_due_date": data.draw(st.one_of(st.none(), DATES)),
        }
        fuzz.run(lambda s: write.verify_problem(actor=actor, session=s, **kwargs))


@CASES
@given(data=st.data())
def test_fuzz_departments_and_users(fuzz: Fuzz, data: st.DataObject) -> None:
    actor = data.draw(st.sampled_from(fuzz.actors))
    code_text = st.one_of(HOSTILE, st.text(max_size=12), st.sampled_from(["A", "B", "NEW-1"]))
    if data.draw(st.booleans()):
        kwargs = {
            "code": data.draw(code_text),
            "name": data.draw(st.one_of(HOSTILE, st.text(max_size=20))),
            "name_en": data.draw(TEXT),
            "kind": data.draw(st.sampled_from(["department", "hospital", "station", "x"])),
            "parent_code": data.draw(st.one_of(st.none(), code_text)),
            "sort_order": data.draw(st.integers(-5, 10**6)),
            "active": data.draw(st.booleans()),
        }
        fuzz.run(lambda s: write.upsert_department(actor=actor, session=s, **kwargs))
    else:
        roles = data.draw(
            st.lists(
                st.sampled_from(["admin", "office", "leader", "viewer", "liaison", "root"]),
                max_size=3,
            )
        )
        kwargs = {
            "username": data.draw(st.one_of(HOSTILE, st.from_regex(r"\A[a-z0-9_.\-]{1,12}\Z"))),
            "roles": roles,
            "department_code": data.draw(st.one_of(st.none(), code_text)),
            "display_name": data.draw(TEXT),
        }
        # a ready hash: bcrypt would cost 0.25 s a case and adds nothing here
        fuzz.run(
            lambda s: write.create_user(
                actor=actor, session=s, password_hash="$2b$04$" + "x" * 53, **kwargs
            )
        )


@CASES
@given(data=st.data())
def test_fuzz_campaign_and_tasks(fuzz: Fuzz, data: st.DataObject) -> None:
    w = fuzz.w
    actor = data.draw(st.sampled_from(fuzz.actors))
    if data.draw(st.booleans()):
        rows = data.draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "code": st.one_of(HOSTILE, st.sampled_from(["1", "2", "9"])),
                        "title": TEXT,
                        "weight": NUMBER,
                        "target_value": NUMBER,
                        "target_direction": st.sampled_from([None, "higher", "lower", "x"]),
                        "due_date": st.one_of(st.none(), DATES, st.just("2026-01-01")),
                        "departments": st.one_of(
                            st.none(), st.lists(st.sampled_from(["A", "B", "Z"]), max_size=2)
                        ),
                        "lead": st.sampled_from([None, "A", "B", "Z"]),
                    }
                ),
                max_size=3,
            )
        )
        fuzz.run(
            lambda s: write.save_tasks(actor=actor, session=s, campaign_id=w.campaign_id, rows=rows)
        )
    else:
        today = dt.date.today()
        kwargs = {
            "campaign_id": data.draw(_ids(w.campaign_id)),
            "name": data.draw(st.one_of(HOSTILE, st.text(max_size=20))),
            "start": data.draw(st.sampled_from([today - dt.timedelta(days=90), today])),
            "end": data.draw(st.sampled_from([today + dt.timedelta(days=120), today])),
            "target_satisfaction": data.draw(NUMBER),
            "thresholds": data.draw(
                st.one_of(
                    st.none(),
                    st.fixed_dictionaries(
                        {"on_track": st.floats(-1, 2), "behind": st.floats(-1, 2)}
                    ),
                )
            ),
            "weights": data.draw(
                st.one_of(
                    st.none(),
                    st.dictionaries(
                        st.sampled_from(["completion", "reporting", "satisfaction"]),
                        st.floats(allow_nan=True, allow_infinity=True),
                        max_size=3,
                    ),
                )
            ),
        }
        fuzz.run(lambda s: write.update_campaign(actor=actor, session=s, **kwargs))


@CASES
@given(data=st.data())
def test_fuzz_attachments(fuzz: Fuzz, data: st.DataObject) -> None:
    actor = data.draw(st.sampled_from(fuzz.actors))
    name = data.draw(
        st.one_of(
            st.sampled_from(["a.png", "../../x.png", "a.exe", "a.pdf", "..", "a.PNG", "a"]),
            st.text(max_size=20),
        )
    )
    head = data.draw(st.sampled_from([b"\x89PNG\r\n\x1a\n", b"%PDF-", b"MZ", b"PK\x03\x04", b""]))
    body = data.draw(st.binary(max_size=64))
    update = data.draw(st.one_of(st.sampled_from([1, 2]), st.integers(-1, 8)))
    fuzz.run(
        lambda s: write.add_attachment(
            actor=actor, session=s, update_id=update, filename=name, data=head + body
        )
    )


# --- the Excel importer -------------------------------------------------------------------------

CELL = st.one_of(
    HOSTILE,
    st.text(max_size=15),
    st.integers(-(10**6), 10**6).map(str),
    st.sampled_from(["2026-01-01", "TRUE", "否", "department", "A", "B", "1e309", "nan"]),
)


@CASES
@given(rows=st.lists(st.tuples(CELL, CELL), max_size=4), raw=st.binary(max_size=64))
def test_fuzz_import_workbook(fuzz: Fuzz, rows: list[tuple[str, str]], raw: bytes) -> None:
    from lib.io.excel_import import import_workbook

    actor = fuzz.actors[0] if rows else fuzz.actors[4]
    data = department_workbook(rows) if rows or not raw else raw

    def call(s: Session) -> None:
        result = import_workbook(data, actor=actor, session=s)
        if result.problems:
            for p in result.problems:
                assert p.message("zh") and p.message("en")
            raise ServiceError(result.problems[0].key, **result.problems[0].params)

    fuzz.run(call)


# --- what the fuzzing found, pinned on both backends ------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"weights": {"completion": float("nan"), "reporting": 100.0}},
        {"max_score": float("inf")},
    ],
    ids=["nan-weight", "infinite-max-score"],
)
def test_non_finite_numbers_are_refused(engine: Engine, change: dict[str, Any]) -> None:
    """NaN weights passed the sum check (NaN compares false) and broke the JSON column on
    PostgreSQL; an infinite maximum score was stored. Both are refused now."""
    w = make_world(engine)
    before = checksum(engine)
    today = dt.date.today()
    with pytest.raises(ServiceError), session_scope(engine) as s:
        if "weights" in change:
            write.update_campaign(
                actor=w.office,
                session=s,
                campaign_id=w.campaign_id,
                name="活动",
                start=today - dt.timedelta(days=90),
                end=today + dt.timedelta(days=120),
                **change,
            )
        else:
            write.save_inspection_score(
                actor=w.office,
                session=s,
                campaign_id=w.campaign_id,
                department_id=w.dept_a,
                period=w.period,
                score=50,
                **change,
            )
    assert checksum(engine) == before
