"""Timing of the plan parser and the Excel round trip (not a test; run by hand).

.venv/bin/python -m benchmarks.plan_import
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from lib.domain.plan import parse_plan
from lib.io.plan_file import read_plan_file

SEEDS = Path(__file__).resolve().parent.parent / "tests" / "data" / "seeds"


def _time(label: str, fn) -> None:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn()
    print(f"{label:<40} {time.perf_counter() - start:8.3f} s")


def main() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        text = read_plan_file(str(path))
        _time(f"seed {path.name[:3]} ({len(text)} chars)", lambda text=text: parse_plan(text))
    line = "一、二、（三）1、(4)①—2—〔2020〕3号 满意度＞95% 2019年3月1日-3月31日 责任科室：甲科、乙科。"
    ten_mb = (line + "\n") * (10_000_000 // len(line.encode()))
    _time("10 MB outline noise, many lines", lambda: parse_plan(ten_mb))
    _time(
        "10 MB one line (web copy)", lambda: parse_plan(line * (10_000_000 // len(line.encode())))
    )
    plan = read_plan_file(str(next(SEEDS.glob("004_*.txt"))))
    _time("seed 004 x 200 (2.8 MB plan)", lambda: parse_plan(plan * 200, today=dt.date.today()))


if __name__ == "__main__":
    main()
