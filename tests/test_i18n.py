"""Every key exists in both catalogues, with the same placeholders, and every key used
in code exists."""

from __future__ import annotations

import datetime as dt
import re
import string
from pathlib import Path

import pytest

from lib.i18n import (
    CATALOGUES,
    each,
    fmt_date,
    fmt_num,
    fmt_pct,
    fmt_period,
    join_list,
    status_label,
    t,
    yes_no,
)
from tests.conftest import ROOT

KEY_CALL = re.compile(r"""\bt\(\s*["']([a-z_]+(?:\.[a-z_]+)+)["']""")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_no_key_is_defined_twice_across_catalogue_files() -> None:
    from lib.i18n import DUPLICATE_KEYS

    assert DUPLICATE_KEYS == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_key_lives_in_the_file_of_its_prefix_group(lang: str) -> None:
    """``error.*`` in ``<lang>/error.py``, ``cli.*`` in ``<lang>/cli.py``…: one file per
    prefix group (``locales.GROUPS``) and language, and no other file."""
    from lib.i18n.locales import GROUPS, group_modules, group_of, sources

    assert group_modules(lang) == sorted(GROUPS)
    misplaced = {
        key: f"{name} -> {group_of(key)}"
        for name, messages in sources(lang)
        for key in messages
        if group_of(key) != name
    }
    assert misplaced == {}, "run: python -m lib.i18n.locales.regroup"


def test_each_prefix_belongs_to_one_group() -> None:
    from lib.i18n.locales import GROUP_OF_PREFIX, GROUPS

    assert sum(len(p) for p in GROUPS.values()) == len(GROUP_OF_PREFIX)


def test_regroup_writes_back_exactly_the_catalogues(tmp_path: Path) -> None:
    """The tool that wrote the group files changes no text, drops no key, and writes
    each key into its group's file."""
    import runpy

    from lib.i18n.locales import GROUPS, group_of
    from lib.i18n.locales.regroup import write_all

    write_all(CATALOGUES, root=tmp_path)
    for lang in ("zh", "en"):
        merged: dict[str, str] = {}
        for group in GROUPS:
            messages = runpy.run_path(str(tmp_path / lang / f"{group}.py"))["MESSAGES"]
            assert {group_of(k) for k in messages} <= {group}
            merged.update(messages)
        assert merged == CATALOGUES[lang]


def test_catalogues_have_the_same_keys() -> None:
    zh, en = set(CATALOGUES["zh"]), set(CATALOGUES["en"])
    assert zh - en == set(), f"missing in en: {sorted(zh - en)}"
    assert en - zh == set(), f"missing in zh: {sorted(en - zh)}"


@pytest.mark.parametrize("key", sorted(CATALOGUES["zh"]))
def test_placeholders_match(key: str) -> None:
    assert _placeholders(CATALOGUES["zh"][key]) == _placeholders(CATALOGUES["en"][key])


def _code_files() -> list[Path]:
    return [
        ROOT / "app.py",
        *sorted((ROOT / "pages").glob("*.py")),
        *sorted((ROOT / "lib").rglob("*.py")),
    ]


def test_every_key_used_in_code_exists() -> None:
    used: dict[str, str] = {}
    for path in _code_files():
        for key in KEY_CALL.findall(path.read_text("utf-8")):
            used[key] = path.name
    assert used, "the scan found no t() calls"
    missing = {k: f for k, f in used.items() if k not in CATALOGUES["zh"]}
    assert missing == {}


def test_chinese_catalogue_is_chinese() -> None:
    """No English leftovers in Chinese mode (except product names and codes)."""
    allowed = {"sidebar.language", "cli.password_stdin_empty"}
    han = re.compile(r"[\u4e00-\u9fff]")
    leftovers = []
    for key, text in CATALOGUES["zh"].items():
        bare = re.sub(r"\{[a-z_]*\}", "", text)
        if key not in allowed and re.search(r"[A-Za-z]{3}", bare) and not han.search(bare):
            leftovers.append(key)
    assert leftovers == []


def test_missing_key_shows_the_key() -> None:
    assert t("no.such_key", "zh") == "no.such_key"


def test_formatting_per_language() -> None:
    assert fmt_period("2024-03", "zh") == "2024年3月"
    assert fmt_period("2024-03", "en") == "Mar 2024"
    assert fmt_date(dt.date(2021, 8, 31), "zh") == "2021年8月31日"
    assert fmt_date(dt.date(2021, 8, 31), "en") == "31 Aug 2021"
    assert fmt_pct(97.234) == "97.2%"
    assert fmt_num(3200000) == "3,200,000"
    assert join_list(["办公室", "人事科"], "zh") == "办公室、人事科"
    assert join_list(["Office", "HR"], "en") == "Office, HR"
    assert t("overview.day_of", "zh", day=37, total=100) == "第37天 / 共100天"


def test_each_labels_every_value_once_per_distinct_value() -> None:
    import pandas as pd

    calls: list[object] = []

    def label(value: object, lang: str) -> str:
        calls.append(value)
        return status_label(str(value), lang)

    values = pd.Series(["done", "behind", None, "done", float("nan"), "behind", "overdue"])
    assert each(label, values, "zh") == ["已完成", "滞后", "—", "已完成", "—", "滞后", "逾期"]
    assert each(label, values, "en")[:3] == ["Done", "Behind", "—"]
    assert sorted(map(str, calls)) == sorted(["done", "behind", "overdue"] * 2)
    days = [dt.date(2026, 3, 5), pd.NaT, dt.date(2026, 3, 5)]
    assert each(fmt_date, days, "zh") == ["2026年3月5日", "—", "2026年3月5日"]
    assert each(fmt_period, ["2026-11", None], "en") == ["Nov 2026", "—"]


def test_yes_no_marks_true_flags_only() -> None:
    import pandas as pd

    flags = pd.Series([True, False, None, pd.NA, 1, 0], dtype=object)
    assert yes_no(flags, "zh") == ["是", "", "", "", "是", ""]
    assert yes_no([True, False], "en") == ["Yes", ""]


def test_each_gives_a_column_the_same_labels_as_its_values_one_by_one() -> None:
    """Columns are labelled through pandas' distinct values; the result must be what the
    value-by-value path gives, missing values and every column type included."""
    import pandas as pd

    def show(value: object, lang: str) -> str:
        return f"{lang}:{value!r}"

    columns = [
        pd.Series(["b", "a", None, "b", "c"], dtype="str"),
        pd.Series(["2026-10", "2026-11", None, "2026-10"], dtype="string[pyarrow]"),
        pd.Series([3, None, 3, 1], dtype="Int64"),
        pd.Series([1.5, float("nan"), 1.5]),
        pd.Series(pd.to_datetime(["2026-03-05", None, "2026-03-05"])),
        pd.Series([True, False, True]),
        pd.Series([["x"], ["y"], ["x"]]),  # unhashable: value by value
        pd.Index(["z", "y", "z"]),
        pd.Series([], dtype="str"),
    ]
    for column in columns:
        assert each(show, column, "en") == each(show, list(column), "en"), column


def test_english_counts_of_one_are_singular() -> None:
    """ "1 tasks" reads "1 task" in English; 11 and 21 keep the plural; Chinese untouched."""
    from lib.i18n import t

    assert t("report.overdue", "en", days=1, count=1).startswith("Overdue by 1 day: 1 task ")
    assert "21 tasks" in t("report.overdue", "en", days=11, count=21)
    assert "11 days" in t("report.overdue", "en", days=11, count=21)
    assert t("report.saved_draft", "en", count=1) == "Draft saved (1 task)."
    assert "1 项任务" in t("report.overdue", "zh", days=1, count=1)
