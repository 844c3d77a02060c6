"""Measure the leadership pages, saving, memory and the deck on a generated database.

    .venv/bin/python -m benchmarks.run --scale S --database-url sqlite:////tmp/bench/s.db \
        --json /tmp/bench/s_sqlite.json

Run ``python -m benchmarks.generate`` first with the same scale and URL (or pass
``--generate``). What is measured (see benchmarks/README.md):

- each leadership page driven by ``streamlit.testing`` AppTest after logging in: the
  server-side script time with an empty cache (cold) and again (warm), median and p95;
- the floor: the SQL statements the cold page sent, replayed alone on a raw connection,
  plus a bare Streamlit script that renders the page's charts and tables from the data
  the page produced; and page ÷ floor;
- a naive baseline: the tables loaded into pandas and grouped in memory for the same
  per-department completion and overall completion, checked equal; baseline ÷ ours;
- save latency and lost updates with concurrent writers through ``lib.write``;
- peak RSS of a ``streamlit run`` server after N browser sessions opened the overview;
- time to build the meeting deck (``lib.io.deck``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("overview", "progress", "ranking", "satisfaction", "ledger")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]  # fmt: skip

# what the page drew, for the floor's bare render: (function name, args, kwargs)
FLOOR_ELEMENTS: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[k]


def _stats(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "p95": _pct(values, 0.95), "n": len(values)}


def _setup_env(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("COOKIE_KEY", "benchmark-cookie-key-" + "b" * 40)
    os.environ.setdefault("DEMO_MODE", "0")
    from benchmarks.generate import BENCH_TODAY
    from lib import config
    from lib.db import dispose_all
    from lib.read import queries

    config.settings.cache_clear()
    dispose_all()
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.ERROR)
    queries.today = lambda: BENCH_TODAY  # the generated campaign is judged on this day


# --- pages ---------------------------------------------------------------------------


class _Recorder:
    """Record the SQL a page sends and the charts/tables it draws."""

    def __init__(self) -> None:
        self.sql: list[tuple[str, Any]] = []
        self.on = False

    def before_execute(self, conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if self.on:
            self.sql.append((statement, parameters))

    def watch_copies(self) -> Callable[[], None]:
        """Also record the ``COPY … TO STDOUT`` reads sent on the driver's own cursors
        (SQLAlchemy's events do not see them), so the floor replays them too."""
        try:
            import psycopg
        except ImportError:  # no PostgreSQL driver: nothing is read by COPY
            return lambda: None
        original = psycopg.Cursor.copy

        def copy(cursor: Any, statement: Any, params: Any = None, **kwargs: Any) -> Any:
            if self.on and "TO STDOUT" in str(statement).upper():
                self.sql.append((statement, params))
            return original(cursor, statement, params, **kwargs)

        psycopg.Cursor.copy = copy  # type: ignore[method-assign]
        return lambda: setattr(psycopg.Cursor, "copy", original)


def _patch_drawing(record: bool) -> Callable[[], None]:
    import streamlit as st

    originals = {name: getattr(st, name) for name in ("altair_chart", "dataframe")}

    def wrap(name: str):  # type: ignore[no-untyped-def]
        original = originals[name]

        def inner(*args: Any, **kwargs: Any) -> Any:
            if record:
                FLOOR_ELEMENTS.append((name, args, kwargs))
            return original(*args, **kwargs)

        return inner

    for name in originals:
        setattr(st, name, wrap(name))

    def restore() -> None:
        for name, fn in originals.items():
            setattr(st, name, fn)

    return restore


def _floor_script() -> None:  # runs as a Streamlit script (AppTest.from_function)
    import streamlit as st

    from benchmarks.run import FLOOR_ELEMENTS

    for name, args, kwargs in FLOOR_ELEMENTS:
        getattr(st, name)(*args, **kwargs)


def _replay_sql(statements: list[tuple[str, Any]]) -> float:
    from lib.db import get_engine

    raw = get_engine().raw_connection()
    try:
        cur = raw.cursor()
        start = time.perf_counter()
        for statement, params in statements:
            if str(statement).lstrip().upper().startswith("COPY"):
                with cur.copy(statement, params) as copy:
                    for _chunk in copy:
                        pass
                continue
            cur.execute(statement, params)
            if cur.description is not None:
                cur.fetchall()
        elapsed = time.perf_counter() - start
        raw.rollback()
    finally:
        raw.close()
    return elapsed


def measure_pages(repeat: int, cold_repeat: int, timeout: float) -> dict[str, Any]:
    from sqlalchemy import event
    from streamlit.testing.v1 import AppTest

    import tests.apphelpers
    from benchmarks.generate import BENCH_LEADER, BENCH_PASSWORD
    from lib.db import get_engine
    from lib.read import cache
    from lib.ui.nav import PAGES as SPECS

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    at.run()
    tests.apphelpers.login(at, BENCH_LEADER, BENCH_PASSWORD)
    assert at.session_state["authentication_status"] is True, "benchmark login failed"
    recorder = _Recorder()
    event.listen(get_engine(), "before_cursor_execute", recorder.before_execute)
    unwatch = recorder.watch_copies()
    results: dict[str, Any] = {}
    for key in PAGES:
        spec = next(p for p in SPECS if p.key == key)
        cold, warm = [], []
        statements: list[tuple[str, Any]] = []
        for i in range(cold_repeat):
            cache.clear_caches()
            at.switch_page(spec.path)
            first = i == 0
            if first:
                recorder.sql, recorder.on = [], True
                FLOOR_ELEMENTS.clear()
            restore = _patch_drawing(record=first)
            start = time.perf_counter()
            at.run()
            cold.append(time.perf_counter() - start)
            restore()
            recorder.on = False
            if first:
                statements = list(recorder.sql)
            assert not at.exception, at.exception
        for _ in range(repeat):
            at.switch_page(spec.path)
            start = time.perf_counter()
            at.run()
            warm.append(time.perf_counter() - start)
            assert not at.exception, at.exception
        sql_times = [_replay_sql(statements) for _ in range(max(1, min(3, cold_repeat)))]
        render = []
        for _ in range(repeat):
            floor_at = AppTest.from_function(_floor_script, default_timeout=timeout)
            start = time.perf_counter()
            floor_at.run()
            render.append(time.perf_counter() - start)
            assert not floor_at.exception, floor_at.exception
        floor = statistics.median(sql_times) + statistics.median(render)
        results[key] = {
            "cold": _stats(cold),
            "warm": _stats(warm),
            "floor_sql": statistics.median(sql_times),
            "floor_render": statistics.median(render),
            "floor": floor,
            "statements": len(statements),
            "charts_tables": len(FLOOR_ELEMENTS),
            "page_over_floor": statistics.median(cold) / floor if floor else None,
        }
        print(f"  page {key:<13} cold {statistics.median(cold):7.3f} s  warm "
              f"{statistics.median(warm):6.3f} s  floor {floor:6.3f} s", file=sys.stderr)  # fmt: skip
    event.remove(get_engine(), "before_cursor_execute", recorder.before_execute)
    unwatch()
    return results


# --- naive baseline ----------------------------------------------------------------------


def naive_completion(period: str, campaign_id: int) -> tuple[Any, float]:
    """Load the tables into pandas and compute per-department completion and the overall
    task-weighted completion in memory (what a quick dashboard would do)."""
    import pandas as pd

    from lib.db import get_engine

    with get_engine().connect() as conn:
        mu = pd.read_sql_table("monthly_updates", conn, columns=["assignment_id", "period",
                               "percent_done", "review_state"])  # fmt: skip
        asg = pd.read_sql_table("assignments", conn)
        tasks = pd.read_sql_table("tasks", conn)
        depts = pd.read_sql_table("departments", conn)
    tasks = tasks[(tasks["campaign_id"] == campaign_id) & tasks["active"]]
    depts = depts[depts["active"]]
    counted = mu[(mu["period"] <= period) & mu["review_state"].isin(["submitted", "approved"])]
    latest = counted.sort_values("period").groupby("assignment_id").tail(1)
    df = asg.merge(tasks[["id", "weight"]].rename(columns={"id": "task_id"}), on="task_id")
    df = df.merge(depts[["id"]].rename(columns={"id": "department_id"}), on="department_id")
    df = df.merge(
        latest[["assignment_id", "percent_done"]].rename(columns={"assignment_id": "id"}),
        on="id",
        how="left",
    )
    df["pct"] = df["percent_done"].fillna(0)
    df["wp"] = df["weight"] * df["pct"]
    g = df.groupby("department_id")[["wp", "weight"]].sum()
    per_dept = (g["wp"] / g["weight"]).sort_index()
    task_pct = (
        df.assign(p=df["percent_done"].fillna(0.0))
        .groupby("task_id")
        .agg(p=("p", "mean"), w=("weight", "first"))
    )
    overall = float((task_pct["p"] * task_pct["w"]).sum() / task_pct["w"].sum())
    return per_dept, overall


def measure_baseline(repeat: int) -> dict[str, Any]:
    from benchmarks.generate import BENCH_TODAY
    from lib.read import cache, views

    ctx = views.context(1, BENCH_TODAY)
    assert ctx is not None
    naive, ours, warm = [], [], []
    for _ in range(repeat):
        start = time.perf_counter()
        per_dept, overall = naive_completion(ctx.period, 1)
        naive.append(time.perf_counter() - start)
        cache.clear_caches()
        start = time.perf_counter()
        scores = views.department_scores(ctx)
        numbers = views.overview_numbers(ctx)
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        views.department_scores(ctx)
        views.overview_numbers(ctx)
        warm.append(time.perf_counter() - start)
    mine = scores.set_index("department_id")["completion"].sort_index()
    same = bool(
        len(mine) == len(per_dept)
        and (abs(mine.to_numpy() - per_dept.to_numpy()) < 1e-6).all()
        and abs(numbers["completion"] - overall) < 1e-6
    )
    return {
        "naive": _stats(naive),
        "ours_cold": _stats(ours),
        "ours_warm": _stats(warm),
        "baseline_over_ours_cold": statistics.median(naive) / statistics.median(ours),
        "baseline_over_ours_warm": statistics.median(naive) / max(statistics.median(warm), 1e-9),
        "same_numbers": same,
    }


# --- saving ------------------------------------------------------------------------------


def measure_saves(url: str, writers: int, saves: int, processes: int = 1) -> dict[str, Any]:
    """``writers`` liaisons each saving ``saves`` reports back to back, released together;
    with ``processes`` > 1 the writers are spread over that many Python processes (as
    over the app processes of a deployment behind a proxy)."""
    import multiprocessing

    from sqlalchemy import select

    from benchmarks.generate import BENCH_TODAY
    from lib.db import make_engine, normalise_url
    from lib.domain.periods import period_of
    from lib.models import Assignment, MonthlyUpdate

    url = normalise_url(url)
    period = period_of(BENCH_TODAY)
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = [
            tuple(r)
            for r in conn.execute(
                select(Assignment.id, Assignment.department_id).order_by(Assignment.id)
            )
        ]
    rows = random.Random(8).sample(rows, min(len(rows), writers * saves))
    share = [rows[i::writers] or [rows[i % len(rows)]] for i in range(writers)]  # each its own
    processes = max(1, min(processes, writers))
    groups = [list(range(writers))[k::processes] for k in range(processes)]
    start = time.perf_counter()
    if processes == 1:
        parts = [_writers(url, period, [(n, share[n]) for n in groups[0]], saves, None)]
    else:
        spawn = multiprocessing.get_context("spawn")
        barrier = spawn.Barrier(processes)
        with spawn.Pool(processes, initializer=_set_barrier, initargs=(barrier,)) as pool:
            parts = pool.starmap(
                _writers,
                [(url, period, [(n, share[n]) for n in g], saves, "shared") for g in groups],
            )
    wall = time.perf_counter() - start
    latencies = [x for part in parts for x in part["latencies"]]
    errors = [x for part in parts for x in part["errors"]]
    last_saved = {aid: pct for part in parts for aid, pct in part["last_saved"].items()}
    with engine.connect() as conn:
        stored = dict(
            conn.execute(
                select(MonthlyUpdate.assignment_id, MonthlyUpdate.percent_done).where(
                    MonthlyUpdate.period == period,
                    MonthlyUpdate.assignment_id.in_(list(last_saved)),
                )
            ).all()
        )
    lost = sum(1 for aid, pct in last_saved.items() if stored.get(aid) != pct)
    engine.dispose()
    return {
        "writers": writers,
        "saves_each": saves,
        "processes": processes,
        "ok": len(latencies),
        "failed": len(errors),
        "errors": sorted(set(errors)),
        "lost": lost,
        "latency": _stats(latencies) if latencies else {},
        "saves_per_s": len(latencies) / wall if wall else None,
    }


_BARRIER: Any = None


def _set_barrier(barrier: Any) -> None:
    global _BARRIER
    _BARRIER = barrier


def _writers(
    url: str, period: str, mine: list[tuple[int, list[Any]]], saves: int, shared: str | None
) -> dict[str, Any]:
    """One process's writers (threads), each saving its own reports back to back; all
    start together (and with the other processes' writers when ``shared``)."""
    from sqlalchemy import create_engine, select

    from lib.db import make_engine, session_scope
    from lib.domain.permissions import Actor
    from lib.models import MonthlyUpdate
    from lib.write import ReportInput, ServiceError, save_reports

    engine = (
        create_engine(url, pool_size=len(mine), max_overflow=10, pool_pre_ping=True)
        if url.startswith("postgresql")
        else make_engine(url)
    )
    latencies: list[float] = []
    errors: list[str] = []
    last_saved: dict[int, int] = {}
    lock = threading.Lock()

    def ready() -> None:  # every thread of this process, then every process
        if shared is not None and _BARRIER is not None:
            _BARRIER.wait()

    barrier = threading.Barrier(len(mine), action=ready)

    def writer(n: int, reports: list[Any]) -> None:
        barrier.wait()
        for i in range(saves):
            aid, dept = reports[i % len(reports)]
            pct = (n * 7 + i * 5) % 100
            actor = Actor(username=f"bench_w{n}", roles=frozenset({"liaison"}), department_id=dept)
            with engine.connect() as conn:  # the version the page showed
                version = conn.scalar(
                    select(MonthlyUpdate.version).where(
                        MonthlyUpdate.assignment_id == aid, MonthlyUpdate.period == period
                    )
                )
            start = time.perf_counter()
            try:
                with session_scope(engine) as s:
                    save_reports(actor=actor, session=s, period=period, submit=True,
                                 items=[ReportInput(aid, pct, "in_progress", "基准",
                                                    expected_version=version)])  # fmt: skip
            except ServiceError as exc:
                with lock:
                    errors.append(exc.key)
                continue
            except Exception as exc:  # database errors count as failed saves
                with lock:
                    errors.append(type(exc).__name__)
                continue
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                last_saved[aid] = pct

    # the generated month is BENCH_TODAY's, never in the future, so services accept it
    threads = [threading.Thread(target=writer, args=(n, reports)) for n, reports in mine]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    engine.dispose()
    return {"latencies": latencies, "errors": errors, "last_saved": last_saved}


# --- memory of a real server -------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _vm(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


def measure_rss(url: str, sessions: int, parallel: int = 5) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    from benchmarks.generate import BENCH_LEADER, BENCH_PASSWORD

    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "DEMO_MODE": "0"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:
                    if r.read() == b"ok":
                        break
            except OSError:
                time.sleep(0.3)
        idle = _vm(proc.pid, "VmRSS")
        opened = 0
        times: list[float] = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            contexts = []
            for first in range(0, sessions, parallel):
                batch = []
                for _ in range(min(parallel, sessions - first)):
                    ctx = browser.new_context(locale="zh-CN")
                    page = ctx.new_page()
                    page.goto(base)
                    batch.append((ctx, page, time.perf_counter()))
                for _ctx, page, _ in batch:
                    page.get_by_role("textbox", name="用户名").wait_for(timeout=120_000)
                    page.wait_for_timeout(800)
                    page.get_by_role("textbox", name="用户名").fill(BENCH_LEADER)
                    page.get_by_role("textbox", name="密码").fill(BENCH_PASSWORD)
                    page.get_by_role("button", name="登录").click()
                for _ctx, page, started in batch:
                    page.get_by_text("总体完成率").first.wait_for(timeout=600_000)
                    times.append(time.perf_counter() - started)
                    opened += 1
                contexts.extend(c for c, _, _ in batch)
            time.sleep(2)
            rss_now = _vm(proc.pid, "VmRSS")
            browser.close()
        peak = _vm(proc.pid, "VmHWM")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    return {
        "sessions": opened,
        "idle_rss_mb": idle / 2**20,
        "rss_after_mb": rss_now / 2**20,
        "peak_rss_mb": peak / 2**20,
        "session_open_s": _stats(times),
    }


# --- deck ----------------------------------------------------------------------------


def measure_summary() -> dict[str, Any]:
    """The pre-aggregated department × month table: a whole campaign rebuilt (what the
    first reader after a setup change waits for) and one department refreshed (what
    every save adds)."""
    from sqlalchemy.orm import Session

    from lib.db import get_engine, session_scope
    from lib.models import DepartmentMonth
    from lib.write import summary

    engine = get_engine()
    with session_scope(engine) as s:
        summary.invalidate(s, 1)
    start = time.perf_counter()
    summary.ensure(engine, 1)
    rebuild = time.perf_counter() - start
    with Session(engine) as s:
        rows = s.query(DepartmentMonth).filter(DepartmentMonth.campaign_id == 1).count()
        department = s.query(DepartmentMonth.department_id).first()
        period = s.query(DepartmentMonth.period).order_by(DepartmentMonth.period.desc()).first()
        assert department is not None and period is not None
        times = []
        for _ in range(20):
            start = time.perf_counter()
            summary.refresh(s, 1, {int(department[0]): str(period[0])})
            times.append(time.perf_counter() - start)
        s.rollback()
    return {"rebuild_s": rebuild, "rows": rows, "refresh_one_department": _stats(times)}


def measure_deck() -> dict[str, Any]:
    from benchmarks.generate import BENCH_TODAY
    from lib.io import meeting
    from lib.io.deck import build_deck
    from lib.read import cache, views

    ctx = views.context(1, BENCH_TODAY)
    assert ctx is not None
    cache.clear_caches()
    start = time.perf_counter()
    data = meeting.meeting_data(ctx, "zh")
    numbers = time.perf_counter() - start
    start = time.perf_counter()
    deck = build_deck(data)
    build = time.perf_counter() - start
    return {"meeting_data_cold_s": numbers, "build_deck_s": build, "bytes": len(deck)}


# --- report --------------------------------------------------------------------------


def _table(result: dict[str, Any]) -> str:
    lines = [
        f"scale {result['scale']} · {result['backend']} · {result['machine']}",
        "",
        "| page | cold median | cold p95 | warm median | warm p95 | floor (sql+render) | page ÷ floor |",
        "|---|---|---|---|---|---|---|",
    ]
    for key, r in result.get("pages", {}).items():
        lines.append(
            f"| {key} | {r['cold']['median']:.3f} | {r['cold']['p95']:.3f} | "
            f"{r['warm']['median']:.3f} | {r['warm']['p95']:.3f} | {r['floor']:.3f} "
            f"({r['floor_sql']:.3f}+{r['floor_render']:.3f}) | {r['page_over_floor']:.2f} |"
        )
    b = result.get("baseline")
    if b:
        lines += ["", f"naive baseline {b['naive']['median']:.3f} s; ours cold "
                  f"{b['ours_cold']['median']:.3f} s, warm {b['ours_warm']['median']:.4f} s; "
                  f"baseline ÷ ours: cold {b['baseline_over_ours_cold']:.1f}×, warm "
                  f"{b['baseline_over_ours_warm']:.0f}×; same numbers: {b['same_numbers']}"]  # fmt: skip
    s = result.get("saves")
    if s and s.get("latency"):
        lines.append(
            f"saves: {s['writers']} writers × {s['saves_each']}"
            f"{' in ' + str(s['processes']) + ' processes' if s.get('processes', 1) > 1 else ''}"
            f": ok {s['ok']}, failed "
            f"{s['failed']} {s['errors']}, lost {s['lost']}; latency median "
            f"{1000 * s['latency']['median']:.1f} ms, p95 {1000 * s['latency']['p95']:.1f} ms"
            f" ({s['saves_per_s']:.0f} saves/s)"
        )
    m = result.get("rss")
    if m:
        lines.append(
            f"server RSS: idle {m['idle_rss_mb']:.0f} MB, peak {m['peak_rss_mb']:.0f} MB after "
            f"{m['sessions']} sessions (open median {m['session_open_s']['median']:.1f} s)"
        )
    u = result.get("summary")
    if u:
        lines.append(
            f"summary: campaign rebuilt in {u['rebuild_s']:.2f} s ({u['rows']} rows); one "
            f"department refreshed in {1000 * u['refresh_one_department']['median']:.1f} ms"
        )
    d = result.get("deck")
    if d:
        lines.append(
            f"deck: meeting data (cold) {d['meeting_data_cold_s']:.2f} s, build_deck "
            f"{d['build_deck_s']:.2f} s"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from benchmarks.generate import SCALES

    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--scale", choices=sorted(SCALES), required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("--generate", action="store_true", help="(re)generate the data first")
    parser.add_argument("--repeat", type=int, default=5, help="warm runs per page")
    parser.add_argument("--cold-repeat", type=int, default=3, help="cold runs per page")
    parser.add_argument("--writers", type=int, default=50)
    parser.add_argument("--saves", type=int, default=20, help="saves per writer")
    parser.add_argument(
        "--writer-processes", type=int, default=1, help="spread the writers over N processes"
    )
    parser.add_argument("--sessions", type=int, default=25, help="browser sessions (0: skip)")
    parser.add_argument("--timeout", type=float, default=900, help="per script run, seconds")
    parser.add_argument(
        "--skip", default="", help="comma list of: summary,pages,baseline,saves,rss,deck"
    )
    args = parser.parse_args(argv)
    from lib.db import normalise_url

    url = normalise_url(args.database_url)
    skip = {s for s in args.skip.split(",") if s}
    if args.generate:
        from benchmarks.generate import generate

        generate(SCALES[args.scale], url, reset=True, quiet=True)
    _setup_env(url)
    result: dict[str, Any] = {
        "scale": args.scale,
        "backend": url.split(":", 1)[0].split("+")[0],
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}",
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "command": " ".join(["python -m benchmarks.run", *(argv or sys.argv[1:])]),
    }
    if "summary" not in skip:
        result["summary"] = measure_summary()
    if "pages" not in skip:
        result["pages"] = measure_pages(args.repeat, args.cold_repeat, args.timeout)
    if "baseline" not in skip:
        result["baseline"] = measure_baseline(max(1, min(3, args.cold_repeat)))
    if "deck" not in skip:
        result["deck"] = measure_deck()
    if "saves" not in skip and args.writers > 0:
        result["saves"] = measure_saves(url, args.writers, args.saves, args.writer_processes)
    if "rss" not in skip and args.sessions > 0:
        result["rss"] = measure_rss(url, args.sessions)
    print(_table(result))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
