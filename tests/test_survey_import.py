"""Item-level survey answers (issue 21): the mapping suggested from a 问卷星-like export,
the refusals by sheet, row and column (a file Excel-saved by LibreOffice too), the write
on both backends (audit, month lock, the same file twice), the top-box share with n and
Wilson intervals checked by hand, and the import flow on the satisfaction page."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from lib import write
from lib.db import session_scope
from lib.domain.periods import shift_period
from lib.io import survey_import as si
from lib.models import AuditLog, SurveyAnswer
from lib.read import survey
from lib.write.survey import import_survey_answers
from tests.conftest import need

HEAD = "序号,提交答卷时间,所用时间,来源IP,科室,1、您对挂号服务是否满意？,2、您对医生服务是否满意？,备注"
DEPARTMENTS = {"甲科": 1, "a": 1, "乙科": 2, "b": 2}


def _csv(rows: list[str], head: str = HEAD) -> bytes:
    return ("\n".join([head, *rows]) + "\n").encode("utf-8-sig")


def _rows(month: str, dept: str, answers: list[tuple[str, str]]) -> list[str]:
    year, mon = month.split("-")
    return [
        f"{i},{year}/{int(mon)}/3 10:22:15,45秒,1.2.3.4,{dept},{a},{b},"
        for i, (a, b) in enumerate(answers, start=1)
    ]


MONTH = "2026-11"
GOOD = _rows(MONTH, "甲科", [("非常满意", "满意"), ("满意", "非常满意"), ("一般", "")])


def _table(data: bytes, name: str = "答卷.csv") -> si.SurveyTable:
    table, problems = si.read_table(data, name)
    assert table is not None, [p.message("zh") for p in problems]
    return table


# --- mapping and refusals (no database) -------------------------------------------------


def test_mapping_is_suggested_from_headers_and_answers() -> None:
    table = _table(_csv(GOOD))
    m = si.suggest_mapping(table)
    assert table.headers[m.department or 0] == "科室"
    assert table.headers[m.date or 0] == "提交答卷时间"
    assert [table.headers[i] for i in m.items] == [
        "1、您对挂号服务是否满意？",
        "2、您对医生服务是否满意？",
    ]  # not 序号, 所用时间, 来源IP or the empty 备注
    assert m.scale == "words5" and m.top_answer() == "非常满意"
    numbers = _table(_csv(_rows(MONTH, "乙科", [("5", "4"), ("3", "5")])))
    assert si.suggest_mapping(numbers).scale == "numbers5"


def test_good_file_gives_answers_with_top_box() -> None:
    table = _table(_csv(GOOD))
    checked = si.check_answers(
        table, si.suggest_mapping(table), DEPARTMENTS, months=[MONTH], locked=()
    )
    assert checked.problems == []
    assert checked.respondents == 3 and len(checked.rows) == 5  # one item skipped
    assert [(r.ref, r.answer, r.score, r.top) for r in checked.rows] == [
        (2, "非常满意", 5, True),
        (2, "满意", 4, False),
        (3, "满意", 4, False),
        (3, "非常满意", 5, True),
        (4, "一般", 3, False),
    ]
    assert checked.counts() == {(1, MONTH): 3}
    # top box chosen lower: 满意 and better count
    m = si.suggest_mapping(table)
    m.top = "满意"
    lower = si.check_answers(table, m, DEPARTMENTS, months=[MONTH])
    assert [r.top for r in lower.rows] == [True, True, True, True, False]


def test_unknown_department_bad_answer_and_unreadable_date_are_refused_by_row_and_column() -> None:
    rows = [
        *GOOD,
        "5,2026/11/4 09:00:00,30秒,1.2.3.4,丙科,满意,满意,",  # unknown department
        "6,2026/11/4 09:00:00,30秒,1.2.3.4,甲科,很好,满意,",  # off the scale
        "7,上周三,30秒,1.2.3.4,乙科,满意,满意,",  # unreadable date
        "8,2026/11/31,30秒,1.2.3.4,乙科,满意,满意,",  # no such day
    ]
    table = _table(_csv(rows))
    checked = si.check_answers(table, si.suggest_mapping(table), DEPARTMENTS, months=[MONTH])
    assert checked.rows == []  # nothing goes on while a problem remains
    zh = [p.message("zh") for p in checked.problems]
    assert zh == [
        "工作表“答卷.csv”第5行“科室”列：科室“丙科”不存在（请使用系统中的科室名称或编码）",
        "工作表“答卷.csv”第6行“1、您对挂号服务是否满意？”列：答案“很好”不在量表内"
        "（非常不满意、不满意、一般、满意、非常满意）",
        "工作表“答卷.csv”第7行“提交答卷时间”列：无法识别的日期“上周三”",
        "工作表“答卷.csv”第8行“提交答卷时间”列：无法识别的日期“2026/11/31”",
    ]
    en = checked.problems[0].message("en")
    assert "row 5" in en and "'科室'" in en and "丙科" in en


def test_month_outside_the_campaign_and_locked_month_are_refused() -> None:
    table = _table(_csv([*GOOD, *_rows("2026-12", "乙科", [("满意", "满意")])]))
    m = si.suggest_mapping(table)
    checked = si.check_answers(table, m, DEPARTMENTS, months=[MONTH])
    assert [p.key for p in checked.problems] == ["stats.survey_error_month"]
    assert checked.problems[0].params["row"] == 5
    locked = si.check_answers(table, m, DEPARTMENTS, months=[MONTH, "2026-12"], locked=[MONTH])
    assert [p.params["row"] for p in locked.problems] == [2, 3, 4]
    assert {p.key for p in locked.problems} == {"stats.survey_error_locked"}


def test_answers_off_a_numeric_scale_and_missing_mapping_are_refused() -> None:
    table = _table(_csv(_rows(MONTH, "乙科", [("5", "4"), ("6", "4.5"), ("５", "1")])))
    m = si.suggest_mapping(table)
    # items by their headers although 6 and 4.5 lie on no scale: they are refused, not dropped
    assert m.items == [5, 6]
    assert m.scale == "numbers10"  # the scale holding most answers; the user says 1–5
    m.scale = "numbers5"
    checked = si.check_answers(table, m, DEPARTMENTS, months=[MONTH])
    assert [(p.params["row"], p.params["value"]) for p in checked.problems] == [
        (3, "6"),
        (3, "4.5"),
    ]  # the full-width ５ is read as 5
    empty = si.Mapping(None, None, [], "words5")
    keys = [p.key for p in si.check_answers(table, empty, DEPARTMENTS, months=[MONTH]).problems]
    assert keys == [
        "stats.survey_error_no_department",
        "stats.survey_error_no_date",
        "stats.survey_error_no_items",
    ]


@pytest.mark.parametrize(
    ("cell", "month"),
    [
        ("2026/11/3 10:22:15", "2026-11"),
        ("2026-11-03", "2026-11"),
        ("2026.11.3", "2026-11"),
        ("2026年11月3日", "2026-11"),
        ("2026-11", "2026-11"),
        ("2026年11月", "2026-11"),
        ("２０２６/１１/３", "2026-11"),
        (dt.datetime(2026, 11, 3, 10, 22), "2026-11"),
        (dt.date(2026, 1, 31), "2026-01"),
        ("11/3/2026", None),
        ("2026/13/1", None),
        ("2026", None),
        (46000, None),  # a bare Excel serial is not guessed at
        ("", None),
    ],
)
def test_period_of_cell(cell: Any, month: str | None) -> None:
    assert si.period_of_cell(cell) == month


def test_gbk_csv_and_an_unreadable_file() -> None:
    data = ("\n".join([HEAD, *GOOD]) + "\n").encode("gb18030")
    table = _table(data)
    assert table.headers[4] == "科室" and table.rows[0][1][4] == "甲科"
    table, problems = si.read_table(b"PK\x03\x04 not really a workbook", "x.xlsx")
    assert table is None and [p.key for p in problems] == ["stats.survey_error_file"]


def _saved_by_libreoffice(tmp_path: Path, csv: bytes) -> bytes:
    """The CSV opened and saved as .xlsx by LibreOffice Calc, as a clerk would."""
    if shutil.which("soffice") is None:
        need("LibreOffice (soffice) is not installed")
    src = tmp_path / "answers.csv"
    src.write_bytes(csv)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--infilter=CSV:44,34,76,1",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return (tmp_path / "answers.xlsx").read_bytes()


def test_file_saved_by_libreoffice_as_xlsx_is_read_and_refused_by_sheet_row_column(
    tmp_path: Path,
) -> None:
    rows = [*GOOD, "5,2026/11/4 09:00:00,30秒,1.2.3.4,丙科,满意,满意,"]
    data = _saved_by_libreoffice(tmp_path, _csv(rows))
    table = _table(data, "answers.xlsx")
    assert table.headers[4] == "科室"
    m = si.suggest_mapping(table)
    assert [table.headers[i] for i in m.items] == [
        "1、您对挂号服务是否满意？",
        "2、您对医生服务是否满意？",
    ]
    checked = si.check_answers(table, m, DEPARTMENTS, months=[MONTH])
    assert [p.message("zh") for p in checked.problems] == [
        f"工作表“{table.sheet}”第5行“科室”列：科室“丙科”不存在（请使用系统中的科室名称或编码）"
    ]
    good = si.check_answers(
        _table(data, "answers.xlsx"), m, {**DEPARTMENTS, "丙科": 3}, months=[MONTH]
    )
    assert good.problems == [] and good.respondents == 4


# --- the write and the read, on both backends -------------------------------------------


def _answers(world: Any, period: str, dept: int, tops: int, others: int, item: str) -> list:
    from lib.write.survey import AnswerRow

    return [
        AnswerRow(
            ref=i + 2,
            department_id=dept,
            period=period,
            item=item,
            answer="非常满意" if i < tops else "满意",
            score=5 if i < tops else 4,
            points=5,
            top=i < tops,
        )
        for i in range(tops + others)
    ]


def test_import_writes_audits_and_top_box_is_right_by_hand(app_engine: Engine, world: Any) -> None:
    period = world.period
    rows = _answers(world, period, world.dept_a, 19, 1, "Q1") + _answers(
        world, period, world.dept_b, 6, 4, "Q1"
    )
    with session_scope(app_engine) as s:
        written = import_survey_answers(
            actor=world.office,
            session=s,
            campaign_id=world.campaign_id,
            source="a" * 64,
            rows=rows,
            file_name="答卷.csv",
        )
    assert written == 30
    with session_scope(app_engine) as s:
        assert s.scalar(select(func.count()).select_from(SurveyAnswer)) == 30
        audits = s.scalars(
            select(AuditLog).where(AuditLog.action == "import_survey").order_by(AuditLog.id)
        ).all()
        assert [(a.department_id, a.before["answers"], a.after["answers"]) for a in audits] == [
            (world.dept_a, 0, 20),
            (world.dept_b, 0, 10),
        ]
        assert audits[0].after["file"] == "答卷.csv" and audits[0].after["items"] == ["Q1"]
    detail = survey.top_box(world.campaign_id, period)
    a = detail[detail["department_id"] == world.dept_a].iloc[0]
    # 19 of 20 in the top box: 95%, Wilson 95% interval 76.4–99.1 (the example)
    assert (a["n"], a["top"]) == (20, 19)
    assert a["share"] == pytest.approx(95.0)
    assert (a["low"], a["high"]) == (pytest.approx(76.39, abs=0.01), pytest.approx(99.11, abs=0.01))
    b = detail[detail["department_id"] == world.dept_b].iloc[0]
    assert (b["n"], b["top"], b["share"]) == (10, 6, pytest.approx(60.0))
    assert (b["low"], b["high"]) == (pytest.approx(31.27, abs=0.01), pytest.approx(83.18, abs=0.01))
    pooled = survey.item_top_box(detail).iloc[0]
    # 25 of 30: 83.3%, Wilson 66.4–92.7
    assert (pooled["n"], pooled["top"], pooled["departments"]) == (30, 25, 2)
    assert (pooled["low"], pooled["high"]) == (
        pytest.approx(66.44, abs=0.01),
        pytest.approx(92.66, abs=0.01),
    )
    assert survey.top_box(world.campaign_id, shift_period(period, -1)).empty


def test_locked_month_same_file_twice_and_liaison_are_refused(
    app_engine: Engine, world: Any
) -> None:
    earlier = shift_period(world.period, -1)
    with session_scope(app_engine) as s:
        write.set_period_lock(
            actor=world.office,
            session=s,
            campaign_id=world.campaign_id,
            period=earlier,
            locked=True,
        )
    rows = _answers(world, world.period, world.dept_a, 2, 1, "Q1") + _answers(
        world, earlier, world.dept_b, 1, 0, "Q1"
    )
    with pytest.raises(write.BulkRefused) as refused, session_scope(app_engine) as s:
        import_survey_answers(
            actor=world.office, session=s, campaign_id=world.campaign_id, source="b" * 64, rows=rows
        )
    assert [(r.ref, r.error.key) for r in refused.value.refusals] == [(2, "error.period_locked")]
    with pytest.raises(write.PermissionDenied), session_scope(app_engine) as s:
        import_survey_answers(
            actor=world.liaison_a,
            session=s,
            campaign_id=world.campaign_id,
            source="c" * 64,
            rows=rows[:3],
        )
    with session_scope(app_engine) as s:
        assert s.scalar(select(func.count()).select_from(SurveyAnswer)) == 0
        assert s.scalar(select(func.count()).where(AuditLog.action == "import_survey")) == 0
    with session_scope(app_engine) as s:
        import_survey_answers(
            actor=world.office,
            session=s,
            campaign_id=world.campaign_id,
            source="d" * 64,
            rows=rows[:3],
        )
    with pytest.raises(write.ServiceError) as again, session_scope(app_engine) as s:
        import_survey_answers(
            actor=world.office,
            session=s,
            campaign_id=world.campaign_id,
            source="d" * 64,
            rows=rows[:3],
        )
    assert again.value.key == "stats.survey_error_again"
    assert "办公室张三" in again.value.message("zh")
    future = shift_period(world.period, 1)
    with pytest.raises(write.BulkRefused) as ahead, session_scope(app_engine) as s:
        import_survey_answers(
            actor=world.office,
            session=s,
            campaign_id=world.campaign_id,
            source="e" * 64,
            rows=_answers(world, future, world.dept_a, 1, 0, "Q1"),
        )
    assert ahead.value.refusals[0].error.key == "error.period_outside_campaign"
    months, locked = survey.answer_months(world.campaign_id)
    assert world.period in months and future not in months and locked == [earlier]


# --- the satisfaction page ---------------------------------------------------------------


class _Upload:
    def __init__(self, name: str, data: bytes) -> None:
        self.name, self._data = name, data

    def getvalue(self) -> bytes:
        return self._data


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_satisfaction_page_import_flow(
    app_db: str, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    import streamlit as st

    from lib.domain.clock import local_today
    from lib.domain.periods import period_of
    from lib.ui.nav import PAGES
    from tests.apphelpers import logged_in, raw_keys

    month = period_of(local_today())
    lookup = survey.department_lookup()
    dept = next(k for k in lookup if not k.isascii())  # a demo department's Chinese name
    answers = [("非常满意", "满意")] * 19 + [("满意", "满意")]
    data = _csv(_rows(month, dept, answers))
    upload = _Upload("问卷星答卷.csv", data)
    monkeypatch.setattr(st, "file_uploader", lambda *a, **k: upload)
    at = logged_in("office")
    at.session_state["lang"] = lang
    at.switch_page(next(p for p in PAGES if p.key == "satisfaction").path).run()
    assert not at.exception, at.exception
    texts = "\n".join(str(i.value) for i in at.info)
    assert ("尚无题目级答卷" if lang == "zh" else "No item-level answers yet") in texts
    # the suggested mapping
    by_label = {s.label: s for s in at.selectbox}
    dept_label = "科室列" if lang == "zh" else "Department column"
    assert by_label[dept_label].value == 4
    preview = "\n".join(str(s.value) for s in at.success)
    assert ("20份答卷、40个答案" if lang == "zh" else "20 respondents, 40 answers") in preview
    assert not raw_keys(at), raw_keys(at)
    if lang == "en":
        return  # AppTest re-formats the sidebar's months in Chinese on a click (its limit)
    confirm = "确认导入" if lang == "zh" else "Confirm import"
    next(b for b in at.button if b.label == confirm).click().run()
    assert not at.exception, at.exception
    with session_scope() as s:
        assert s.scalar(select(func.count()).select_from(SurveyAnswer)) == 40
        assert s.scalar(select(func.count()).where(AuditLog.action == "import_survey")) == 1
    # the top-box share is shown with n and its interval
    shown = [df.value for df in at.dataframe]
    top = [
        d
        for d in shown
        if ("首选率（%）" if lang == "zh" else "Top-box share (%)") in d.columns
        and ("科室" if lang == "zh" else "Department") in d.columns
    ]
    assert top, [list(d.columns) for d in shown]
    row = top[0].iloc[0]
    assert row.iloc[2] == 20 and row.iloc[3] == pytest.approx(95.0)
    assert row.iloc[4] == "76.4–99.1"
    # the same file again: no confirm button, the page names who imported it and when
    assert any("办公室" in str(w.value) and "不能重复导入" in str(w.value) for w in at.warning), [
        w.value for w in at.warning
    ]
    assert not [b for b in at.button if b.label == confirm]
    with session_scope() as s:
        assert s.scalar(select(func.count()).select_from(SurveyAnswer)) == 40


def test_satisfaction_page_refusal_lists_rows_and_writes_nothing(
    app_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import streamlit as st

    from lib.domain.clock import local_today
    from lib.domain.periods import period_of
    from lib.ui.nav import PAGES
    from tests.apphelpers import logged_in

    month = period_of(local_today())
    rows = _rows(month, "没有这个科室", [("非常满意", "满意")])
    upload = _Upload("bad.csv", _csv(rows))
    monkeypatch.setattr(st, "file_uploader", lambda *a, **k: upload)
    at = logged_in("office")
    at.switch_page(next(p for p in PAGES if p.key == "satisfaction").path).run()
    assert not at.exception, at.exception
    assert any("发现1个问题" in str(e.value) for e in at.error)
    assert any("第2行“科室”列" in str(m.value) for m in at.markdown)
    assert not [b for b in at.button if b.label == "确认导入"]
    with session_scope() as s:
        assert s.scalar(select(func.count()).select_from(SurveyAnswer)) == 0


def test_leader_sees_no_import(app_db: str) -> None:
    from lib.ui.nav import PAGES
    from tests.apphelpers import logged_in

    at = logged_in("leader")
    at.switch_page(next(p for p in PAGES if p.key == "satisfaction").path).run()
    assert not at.exception, at.exception
    assert not [e for e in at.expander if "导入题目级答卷" in str(e.label)]


def test_no_date_column_puts_every_answer_in_the_chosen_month_and_excel_dates_are_read() -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "答卷"
    ws.append(["提交时间", "科室", "Q1 挂号", "Q2 环境"])
    ws.append([dt.datetime(2026, 11, 3, 10, 22), "甲科", 5, 4])
    ws.append([dt.datetime(2026, 10, 30, 9, 0), "B", 4.0, None])
    buf = io.BytesIO()
    wb.save(buf)
    table = _table(buf.getvalue(), "答卷.xlsx")
    m = si.suggest_mapping(table)
    assert (m.department, m.date, m.items, m.scale) == (1, 0, [2, 3], "numbers5")
    checked = si.check_answers(table, m, DEPARTMENTS, months=["2026-10", MONTH])
    assert checked.problems == []
    assert [(r.department_id, r.period, r.answer, r.top) for r in checked.rows] == [
        (1, "2026-11", "5", True),
        (1, "2026-11", "4", False),
        (2, "2026-10", "4", False),
    ]
    m.date, m.period = None, "2026-10"
    fixed = si.check_answers(table, m, DEPARTMENTS, months=["2026-10", MONTH])
    assert {r.period for r in fixed.rows} == {"2026-10"}


def test_top_box_chart_names_n_and_draws_the_interval() -> None:
    import pandas as pd

    from lib.ui.survey import top_box_chart

    items = pd.DataFrame(
        {"item": ["挂号"], "period": [MONTH], "n": [20], "top": [19], "departments": [1]}
    )
    spec = top_box_chart(survey._with_interval(items), "zh").to_dict()
    [row] = next(iter(spec["datasets"].values()))
    assert row["label"] == "挂号（n=20）"
    assert (round(row["low"], 1), round(row["high"], 1)) == (76.4, 99.1)
    assert any(layer["mark"]["type"] == "rule" for layer in spec["layer"])  # the whisker


def _cells():  # type: ignore[no-untyped-def]
    from hypothesis import strategies as hs

    words = hs.sampled_from(
        ["非常满意", "满意", "一般", "不满意", "非常不满意", "很满意", "5", "3", "10", "0", "甲科",
         "乙科", "B", "丙科", "2026/11/3 10:00", "2026-10", "2026年13月", "=1+1", "<b>x</b>"]
    )  # fmt: skip
    return hs.one_of(
        hs.none(),
        words,
        hs.text(max_size=12),
        hs.integers(-5, 50000),
        hs.floats(allow_nan=True, allow_infinity=True),
        hs.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2100, 1, 1)),
    )


def test_any_file_and_mapping_is_checked_without_crashing() -> None:
    """Hypothesis: any cells, any mapping — a list of problems (with a message in both
    languages) or answers that the write service takes; never an exception."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as hs

    from lib.write.survey import MAX_ANSWER, MAX_ITEM

    @settings(
        max_examples=300,
        derandomize=True,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        headers=hs.lists(hs.text(max_size=30), min_size=1, max_size=6),
        rows=hs.lists(hs.lists(_cells(), max_size=7), max_size=8),
        picks=hs.lists(hs.integers(0, 7), max_size=5),
        department=hs.one_of(hs.none(), hs.integers(0, 7)),
        date=hs.one_of(hs.none(), hs.integers(0, 7)),
        scale=hs.sampled_from(list(si.SCALES)),
        top=hs.one_of(hs.none(), hs.sampled_from(["满意", "4", "很满意", "x"])),
    )
    def check(headers, rows, picks, department, date, scale, top) -> None:  # type: ignore[no-untyped-def]
        width = len(headers)
        table = si.SurveyTable(
            "答卷",
            [si._header(h) for h in headers],
            [(i + 2, r) for i, r in enumerate(rows)],
            "0" * 64,
        )
        in_range = [p for p in picks if p < width]
        mapping = si.Mapping(
            department if department is not None and department < width else None,
            date if date is not None and date < width else None,
            in_range,
            scale,
            top,
            None if date is not None else MONTH,
        )
        checked = si.check_answers(table, mapping, DEPARTMENTS, months=[MONTH, "2026-10"])
        for p in checked.problems:
            for lang in ("zh", "en"):
                message = p.message(lang)
                assert message and not message.startswith("stats."), message
        assert not (checked.problems and checked.rows)
        for r in checked.rows:
            assert 1 <= r.score <= r.points and r.answer and len(r.answer) <= MAX_ANSWER
            assert r.period in (MONTH, "2026-10") and len(r.item) <= MAX_ITEM
            assert not any(ch in r.item for ch in "\n\r\t\x00")
        si.suggest_mapping(table)  # never raises either

    check()


def test_a_header_with_line_breaks_is_one_line_and_imports(app_engine: Engine, world: Any) -> None:
    head = '提交时间,科室,"1、您对挂号\n服务是否满意？\x07"'
    data = _csv([f"{world.period}-01,甲科,非常满意"], head=head)
    table = _table(data)
    assert table.headers[2] == "1、您对挂号 服务是否满意？"
    checked = si.check_answers(
        table,
        si.suggest_mapping(table),
        survey.department_lookup(),
        months=[world.period],
    )
    assert checked.problems == [] and len(checked.rows) == 1
    with session_scope(app_engine) as s:
        assert (
            import_survey_answers(
                actor=world.office,
                session=s,
                campaign_id=world.campaign_id,
                source=table.digest,
                rows=checked.rows,
            )
            == 1
        )


def test_zip_bomb_and_too_many_rows_are_refused() -> None:
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (120 * 1024 * 1024))
    table, problems = si.read_table(buf.getvalue(), "bomb.xlsx")
    assert table is None and [p.key for p in problems] == ["security.error_zip_bomb"]
    many = _csv(_rows(MONTH, "甲科", [("满意", "满意")]) * (si.MAX_ROWS + 1))
    table, problems = si.read_table(many, "many.csv")
    assert table is None and [p.key for p in problems] == ["stats.survey_error_too_many"]
    assert "50000" in problems[0].message("zh")


def test_a_month_locked_after_the_preview_is_refused_at_confirm_by_row(
    app_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The service checks the lock again: a month locked after the page's check (here
    the page is made to miss the lock) is refused, every row named, nothing written."""
    import streamlit as st

    from lib.domain.clock import local_today
    from lib.domain.periods import period_of
    from lib.domain.permissions import Actor
    from lib.ui.nav import PAGES
    from tests.apphelpers import logged_in

    month = period_of(local_today())
    dept = next(k for k in survey.department_lookup() if not k.isascii())
    upload = _Upload("late.csv", _csv(_rows(month, dept, [("非常满意", "满意")] * 2)))
    monkeypatch.setattr(st, "file_uploader", lambda *a, **k: upload)
    real = survey.answer_months
    monkeypatch.setattr(survey, "answer_months", lambda cid: (real(cid)[0], []))
    at = logged_in("office")
    at.switch_page(next(p for p in PAGES if p.key == "satisfaction").path).run()
    assert not at.exception, at.exception
    campaign_id = int(at.session_state["campaign_id"])
    with session_scope() as s:
        write.set_period_lock(
            actor=Actor.system(), session=s, campaign_id=campaign_id, period=month, locked=True
        )
    next(b for b in at.button if b.label == "确认导入").click().run()
    assert not at.exception, at.exception
    assert any("已锁定" in str(e.value) for e in at.error), [e.value for e in at.error]
    texts = [str(m.value).replace("\\", "") for m in at.markdown]
    rows = [x for x in texts if "late.csv" in x]
    assert len(rows) == 2 and "第2行" in rows[0] and "第3行" in rows[1]
    with session_scope() as s:
        assert s.scalar(select(func.count()).select_from(SurveyAnswer)) == 0


# --- a wrong file withdrawn ---------------------------------------------------------------


def _import(app_engine: Engine, world: Any, source: str, rows: list, name: str) -> int:
    with session_scope(app_engine) as s:
        return import_survey_answers(
            actor=world.office,
            session=s,
            campaign_id=world.campaign_id,
            source=source,
            rows=rows,
            file_name=name,
        )


def _withdraw(app_engine: Engine, world: Any, actor: Any, source: str, reason: str) -> int:
    from lib.write.survey import withdraw_survey_import

    with session_scope(app_engine) as s:
        return withdraw_survey_import(
            actor=actor, session=s, campaign_id=world.campaign_id, source=source, reason=reason
        )


def test_a_withdrawn_file_counts_nowhere_and_its_answers_stay(
    app_engine: Engine, world: Any
) -> None:
    """A wrong file (the wrong month's export) is withdrawn with a reason: the top-box
    share no longer counts it, its answers stay, one audit row per department and month
    holds the answers that count before and after; the same file cannot come back, the
    corrected one can; a liaison cannot withdraw; a reason is required."""

    period = world.period
    _import(
        app_engine, world, "1" * 64, _answers(world, period, world.dept_a, 8, 2, "Q1"), "对.csv"
    )
    wrong = _answers(world, period, world.dept_a, 0, 10, "Q1") + _answers(
        world, period, world.dept_b, 1, 3, "Q1"
    )
    _import(app_engine, world, "2" * 64, wrong, "错的月份.csv")
    a = survey.top_box(world.campaign_id, period).set_index("department_id")
    assert (a.loc[world.dept_a, "n"], a.loc[world.dept_a, "top"]) == (20, 8)
    listed = survey.imports(world.campaign_id)
    assert list(listed["file_name"]) == ["错的月份.csv", "对.csv"]  # newest first
    assert list(listed["answers"]) == [14, 10] and list(listed["departments"]) == [2, 1]
    assert list(listed["respondents"]) == [14, 10]

    def withdraw(actor: Any, reason: str) -> int:
        return _withdraw(app_engine, world, actor, "2" * 64, reason)

    with pytest.raises(write.PermissionDenied):
        withdraw(world.liaison_a, "不是我的")
    with pytest.raises(write.ServiceError) as no_reason:
        withdraw(world.office, "  ")
    assert no_reason.value.key == "stats.survey_error_reason"
    assert withdraw(world.office, "导出了上个月的问卷") == 14
    after = survey.top_box(world.campaign_id, period).set_index("department_id")
    assert (after.loc[world.dept_a, "n"], after.loc[world.dept_a, "top"]) == (10, 8)
    assert world.dept_b not in after.index
    with session_scope(app_engine) as s:
        assert s.scalar(select(func.count()).select_from(SurveyAnswer)) == 24  # kept
        audits = s.scalars(
            select(AuditLog).where(AuditLog.action == "withdraw_survey").order_by(AuditLog.id)
        ).all()
    assert [(x.department_id, x.before["answers"], x.after["answers"]) for x in audits] == [
        (world.dept_a, 20, 10),
        (world.dept_b, 4, 0),
    ]
    assert audits[0].after["reason"] == "导出了上个月的问卷"
    assert audits[0].after["file"] == "错的月份.csv"
    listed = survey.imports(world.campaign_id).set_index("file_name")
    assert listed.loc["错的月份.csv", "reason"] == "导出了上个月的问卷"
    assert listed.loc["错的月份.csv", "withdrawer"] == "办公室张三"
    assert listed.loc["对.csv", "withdrawn_at"] is None
    with pytest.raises(write.ServiceError) as twice:
        withdraw(world.office, "再撤一次")
    assert twice.value.key == "stats.survey_error_withdrawn"
    with pytest.raises(write.ServiceError) as back:
        _import(app_engine, world, "2" * 64, wrong, "错的月份.csv")
    assert back.value.key == "stats.survey_error_again_withdrawn"
    assert "办公室张三" in back.value.message("zh")
    _when, who, withdrawn = survey.imported("2" * 64) or (None, None, None)
    assert withdrawn is True and who == "办公室张三"
    # the corrected export of the same department and month comes in as a new file
    assert (
        _import(
            app_engine, world, "3" * 64, _answers(world, period, world.dept_b, 3, 1, "Q1"), "改.csv"
        )
        == 4
    )
    b = survey.top_box(world.campaign_id, period).set_index("department_id")
    assert (b.loc[world.dept_b, "n"], b.loc[world.dept_b, "top"]) == (4, 3)


def test_a_file_with_answers_in_a_locked_month_cannot_be_withdrawn(
    app_engine: Engine, world: Any
) -> None:

    _import(
        app_engine,
        world,
        "4" * 64,
        _answers(world, world.period, world.dept_a, 1, 1, "Q1"),
        "x.csv",
    )
    with session_scope(app_engine) as s:
        write.set_period_lock(
            actor=world.office,
            session=s,
            campaign_id=world.campaign_id,
            period=world.period,
            locked=True,
        )
    with pytest.raises(write.ServiceError) as locked:
        _withdraw(app_engine, world, world.office, "4" * 64, "错了")
    assert locked.value.key == "error.period_locked"
    assert survey.top_box(world.campaign_id, world.period)["n"].sum() == 2
    with pytest.raises(write.ServiceError) as unknown:
        _withdraw(app_engine, world, world.office, "5" * 64, "错了")
    assert unknown.value.key == "stats.survey_error_unknown_import"


def test_satisfaction_page_lists_files_and_withdraws_one(app_db: str) -> None:
    from lib.domain.clock import local_today
    from lib.domain.periods import period_of
    from lib.domain.permissions import Actor
    from lib.models import Campaign, User
    from lib.ui.nav import PAGES
    from lib.write.survey import AnswerRow
    from tests.apphelpers import logged_in, raw_keys

    month = period_of(local_today())
    at = logged_in("office")
    at.switch_page(next(p for p in PAGES if p.key == "satisfaction").path).run()
    campaign_id = int(at.session_state["campaign_id"])
    dept = next(iter(survey.department_lookup().values()))
    with session_scope() as s:
        office = s.scalar(select(User).where(User.username == "office"))
        assert office is not None and s.get(Campaign, campaign_id) is not None
        actor = Actor(office.username, frozenset({"office"}), office.id)
        import_survey_answers(
            actor=actor,
            session=s,
            campaign_id=campaign_id,
            source="6" * 64,
            rows=[AnswerRow(2, dept, month, "Q1", "非常满意", 5, 5, True)],
            file_name="<b>错</b>.csv",
        )
    at.run()
    assert not at.exception, at.exception
    files = next(
        d.value for d in at.dataframe if "文件" in d.value.columns and "状态" in d.value.columns
    )
    assert list(files["文件"]) == ["<b>错</b>.csv"] and list(files["状态"]) == ["有效"]
    reason = next(i for i in at.text_input if i.label == "撤回原因")
    reason.set_value("<i>导错了</i>")
    next(b for b in at.button if b.label == "撤回该文件").click().run()
    assert not at.exception, at.exception
    files = next(
        d.value for d in at.dataframe if "文件" in d.value.columns and "状态" in d.value.columns
    )
    assert files["状态"].iloc[0].startswith("已撤回（") and "<i>导错了</i>" in files["状态"].iloc[0]
    assert not [b for b in at.button if b.label == "撤回该文件"]
    assert not raw_keys(at), raw_keys(at)


def test_a_file_saved_by_libreoffice_is_imported_then_withdrawn(
    app_engine: Engine, world: Any, tmp_path: Path
) -> None:
    """A clerk's export opened and saved by LibreOffice: imported, counted, withdrawn;
    the page's check of the same file then names who withdrew it, in local time."""
    from lib.domain.clock import to_local
    from lib.models import Department

    with session_scope(app_engine) as s:
        dept = s.get(Department, world.dept_a)
        assert dept is not None
        name = dept.name
    data = _saved_by_libreoffice(
        tmp_path, _csv(_rows(world.period, name, [("非常满意", "满意")] * 3))
    )
    table = _table(data, "answers.xlsx")
    checked = si.check_answers(
        table, si.suggest_mapping(table), survey.department_lookup(), months=[world.period]
    )
    assert checked.problems == [] and checked.respondents == 3
    assert _import(app_engine, world, table.digest, checked.rows, "answers.xlsx") == 6
    assert survey.top_box(world.campaign_id, world.period)["n"].sum() == 6
    assert _withdraw(app_engine, world, world.office, table.digest, "传错了文件") == 6
    assert survey.top_box(world.campaign_id, world.period).empty
    when, who, withdrawn = survey.imported(table.digest) or (None, None, None)
    assert withdrawn is True and who == "办公室张三"
    with pytest.raises(write.ServiceError) as again:
        _import(app_engine, world, table.digest, checked.rows, "answers.xlsx")
    assert again.value.key == "stats.survey_error_again_withdrawn"
    shown = to_local(when).strftime("%Y-%m-%d %H:%M")  # Asia/Shanghai, not UTC
    assert shown in again.value.message("zh")
