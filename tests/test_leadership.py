"""Leadership numbers against the hand-built worked example, on SQLite and PostgreSQL,
and the worked example in docs/scoring.md."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from sqlalchemy import Engine

from lib.db import session_scope
from lib.read import aggregates, cache, queries, views
from tests.conftest import ROOT
from tests.factories import TODAY


@pytest.fixture
def example(worked_example: int) -> int:
    """The worked example's campaign id, on each backend (``worked_example`` in conftest)."""
    return worked_example


def _by_code(df: pd.DataFrame) -> dict[str, dict]:  # type: ignore[type-arg]
    return {r["code"]: r for r in df.to_dict("records")}


def test_department_scores_match_the_hand_computation(example: int) -> None:
    ctx = views.context(example, TODAY, "2026-03")
    assert ctx is not None and ctx.period == "2026-03"
    scores = _by_code(views.department_scores(ctx))
    assert set(scores) == {"A", "B"}  # 丙科 has no tasks: not ranked
    a, b = scores["A"], scores["B"]
    assert a["completion"] == pytest.approx(250 / 3)
    assert a["expected"] == pytest.approx((200 + 100 * 89 / 180) / 3, abs=0.01)
    assert a["timeliness"] == pytest.approx(100 * 5 / 6)
    assert a["satisfaction"] == pytest.approx(93)
    assert a["inspection"] == pytest.approx(90)
    assert a["deductions"] == 0
    assert a["composite"] == pytest.approx(86.60, abs=0.005)
    assert b["completion"] == pytest.approx(160 / 3)  # the February draft does not count
    assert b["timeliness"] == pytest.approx(100 * 2 / 6)
    assert b["satisfaction"] == pytest.approx(82)  # 86 is 4 under 90: counts 82
    assert b["deductions"] == pytest.approx(1.0)  # two complaints at 0.5
    assert b["composite"] == pytest.approx(59.40, abs=0.005)
    assert (a["rank"], b["rank"]) == (1, 2)


def test_previous_month_and_movement(example: int) -> None:
    ctx = views.context(example, TODAY, "2026-03")
    feb = _by_code(views.department_scores(ctx, "2026-02"))
    # no satisfaction or inspection yet in February: the other components are reweighted
    assert feb["A"]["satisfaction"] is None or pd.isna(feb["A"]["satisfaction"])
    assert feb["A"]["composite"] == pytest.approx(67.22, abs=0.005)
    assert feb["B"]["composite"] == pytest.approx(30.56, abs=0.005)
    ranked = _by_code(views.ranking(ctx))
    assert ranked["A"]["movement"] == 0 and ranked["B"]["movement"] == 0
    history = views.rank_history(ctx)
    assert sorted(history["period"].unique()) == ["2026-01", "2026-02", "2026-03"]


def test_task_statuses(example: int) -> None:
    ctx = views.context(example, TODAY, "2026-03")
    _, tasks = views.task_table(ctx)
    status = dict(zip(tasks["code"], tasks["status"], strict=True))
    # T1: (100 + 50) / 2 = 75% of an expected 100% on its due day -> at risk
    assert status == {"1": "at_risk", "2": "on_track", "3": "on_track"}
    percent = dict(zip(tasks["code"], tasks["percent"], strict=True))
    assert percent["1"] == 75.0


def test_heatmap_and_history(example: int) -> None:
    heat = aggregates.area_heatmap(example, "2026-03")
    cells = {(r.department, r.area): r.completion for r in heat.itertuples(index=False)}
    assert cells[("甲科", "服务流程")] == pytest.approx(100)
    assert cells[("甲科", "服务态度")] == pytest.approx(50)
    assert cells[("乙科", "服务流程")] == pytest.approx(50)
    assert cells[("乙科", "服务态度")] == pytest.approx(60)
    hist = queries.department_history(example, 1, "2026-03")
    assert list(hist["period"]) == ["2026-01", "2026-02", "2026-03"]
    # January: (2 × 40 + 1 × 10) / 3 = 30
    assert hist.iloc[0]["completion"] == pytest.approx(30.0)


def test_week_over_week_changes(example: int) -> None:
    ctx = views.context(example, TODAY, "2026-03")
    before_ctx = views.week_ago(ctx)
    assert before_ctx is not None and before_ctx.today.isoformat() == "2026-03-24"
    import datetime as dt

    now = views.overview_numbers(ctx)
    before = views.overview_numbers(before_ctx, dt.datetime.combine(before_ctx.today, dt.time.max))
    changes = views.changes_since(now["task_frame"], before["task_frame"])
    # A's T2 report of 20 March was already in; nothing reached 100% this week
    assert changes["done"].empty
    assert now["reported"] == 3 and now["reports_due"] == 4


def test_worked_example_in_the_docs_matches() -> None:
    """docs/scoring.md shows the example's composites; they are the numbers asserted above."""
    text = (ROOT / "docs" / "scoring.md").read_text("utf-8")
    rows = re.findall(r"^\|\s*(甲科|乙科)\s*\|(.+)\|\s*$", text, flags=re.M)
    table = {name: [c.strip() for c in rest.split("|")] for name, rest in rows}
    assert table["甲科"][-2:] == ["86.60", "1"]
    assert table["乙科"][-2:] == ["59.40", "2"]


def test_the_docs_worked_example_is_what_the_ranking_page_shows(example: int) -> None:
    """Every figure of the worked example's table in docs/scoring.md, and its February
    composites, against ``views.ranking`` / ``views.department_scores`` -- the calls the
    ranking page, the meeting deck and the circular draw their numbers from. Editing a
    rule in lib/domain/scoring.py without the docs (or the docs without the rule) fails."""
    text = (ROOT / "docs" / "scoring.md").read_text("utf-8")
    header = re.search(r"^\|\s*科室\s*\|(.+)\|\s*$", text, flags=re.M)
    assert header is not None
    columns = [c.strip() for c in header.group(1).split("|")]
    assert columns == ["任务完成", "按时", "满意度", "督查", "扣分", "综合得分", "排名"]
    rows = re.findall(r"^\|\s*(甲科|乙科)\s*\|(.+)\|\s*$", text, flags=re.M)
    documented = {name: [c.strip() for c in rest.split("|")] for name, rest in rows}
    ctx = views.context(example, TODAY, "2026-03")
    assert ctx is not None
    ranked = views.ranking(ctx).set_index("department")
    assert sorted(documented) == sorted(ranked.index)
    for name, cells in documented.items():
        r = ranked.loc[name]
        shown = [
            *(f"{r[c]:.2f}" for c in ("completion", "timeliness", "satisfaction", "inspection")),
            f"{r['deductions']:g}",
            f"{r['composite']:.2f}",
            str(int(r["rank"])),
        ]
        assert cells == shown, name
    february = re.search(
        r"甲科 \(40×63\.33 \+ 20×75\) ÷ 60 = ([\d.]+), 乙科\s+\(40×33\.33 \+ 20×25\) ÷ 60 = ([\d.]+)",
        text,
    )
    assert february is not None, "the February sentence of the worked example"
    feb = views.department_scores(ctx, "2026-02").set_index("department")["composite"]
    assert [f"{feb['甲科']:.2f}", f"{feb['乙科']:.2f}"] == list(february.groups())


def test_department_grid_keeps_units_with_the_same_name_apart() -> None:
    # two township health centres called the same in different counties
    history = pd.DataFrame(
        {
            "department_id": [7, 9, 4, 7, 9, 4],
            "department": ["中心卫生院", "中心卫生院", "人民医院"] * 2,
            "period": ["2026-01"] * 3 + ["2026-02"] * 3,
            "rank": [1, 3, 2, 2, 1, 3],
        }
    )
    grid = views.department_grid(
        history, "department", "period", "rank", label="科室", order=[9, 7, 4]
    )
    assert list(grid.columns) == ["科室", "2026-01", "2026-02"]
    assert list(grid["科室"]) == ["中心卫生院", "中心卫生院", "人民医院"]
    assert grid.iloc[0, 1:].tolist() == [3, 1]  # unit 9, not an average of 7 and 9
    assert grid.iloc[1, 1:].tolist() == [1, 2]
    areas = views.department_grid(
        history, "department", "period", "rank", label="科室", column_order=["2026-02", "2026-01"]
    )
    assert list(areas.columns) == ["科室", "2026-02", "2026-01"]
    assert list(areas["科室"]) == ["中心卫生院", "中心卫生院", "人民医院"]  # first appearance
    empty = views.department_grid(history.iloc[0:0], "department", "period", "rank", label="科室")
    assert list(empty.columns) == ["科室"] and empty.empty
    # a unit only in an earlier month, and a column with no value at all, stay
    gaps = pd.concat(
        [
            history,
            pd.DataFrame(
                {"department_id": [5], "department": ["停办站"], "period": ["2026-01"], "rank": [4]}
            ),
        ]
    ).assign(blank=float("nan"))
    grid = views.department_grid(
        gaps, "department", "period", "rank", label="科室", order=[9, 7, 4]
    )
    assert list(grid["科室"]) == ["中心卫生院", "中心卫生院", "人民医院", "停办站"]
    assert pd.isna(grid.iloc[3]["2026-02"])
    blank = views.department_grid(gaps, "department", "period", "blank", label="科室")
    assert len(blank) == 4 and list(blank.columns) == ["科室", "2026-01", "2026-02"]
    # several values in one cell: their mean (one value per cell is taken as it is)
    twice = pd.concat([history, history.assign(rank=history["rank"] + 1)])
    grid = views.department_grid(twice, "department", "period", "rank", label="科室", order=[9])
    assert grid.iloc[0, 1:].tolist() == [3.5, 1.5]


def test_a_department_without_an_english_name_shows_its_chinese_one(
    example: int, engine: Engine
) -> None:
    from sqlalchemy import update

    from lib.models import Department

    with session_scope(engine) as s:  # the setup form stores a blank English name as NULL
        s.execute(update(Department).where(Department.name == "乙科").values(name_en=None))
    cache.clear_caches()
    ctx = views.context(example, TODAY, "2026-03")
    assert ctx is not None
    _, tasks = views.task_table(ctx)  # raised TypeError on the NaN name before
    assert any("乙科" in names for names in tasks["departments_en"])
    scores = _by_code(views.department_scores(ctx))
    assert scores["B"]["department_en"] == "乙科"
    history = views.rank_history(ctx)
    assert set(history.loc[history["department"] == "乙科", "department_en"]) == {"乙科"}


def test_units_sharing_a_name_are_told_apart_by_their_code(example: int, engine: Engine) -> None:
    from sqlalchemy import update

    from lib.models import Department

    with session_scope(engine) as s:
        s.execute(
            update(Department)
            .where(Department.code.in_(["A", "B"]))
            .values(name="中心卫生院", name_en="Health Centre")
        )
    cache.clear_caches()
    ctx = views.context(example, TODAY, "2026-03")
    assert ctx is not None
    scores = views.department_scores(ctx)
    assert sorted(scores["department"]) == ["中心卫生院（A）", "中心卫生院（B）"]
    assert sorted(scores["department_en"]) == ["Health Centre (A)", "Health Centre (B)"]
    history = views.rank_history(ctx)
    assert set(history["department"]) == {"中心卫生院（A）", "中心卫生院（B）"}
    heat = views.area_heatmap(ctx)
    assert set(heat["department"]) == {"中心卫生院（A）", "中心卫生院（B）"}
    # a name used once keeps its plain form
    alone = views.distinct_names(scores.head(1).assign(department="甲科"))
    assert list(alone["department"]) == ["甲科"]
