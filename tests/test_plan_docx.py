"""Word plans as Word shows them (#18): documents built here with python-docx — automatic
list numbering written into their numbering part, heading styles, plan tables, merged
cells — saved again by LibreOffice (the stand-in for Word/WPS) and read from the file
LibreOffice wrote. The labels the reader computes are checked against LibreOffice's own
text rendering of the same file; the dry run's JSON and exit code are checked too."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.domain.plan import PlanDocument, PlanParagraph, PlanTable, parse_plan, plan_warnings
from lib.io.plan_file import format_number, read_plan_file
from tests.conftest import need

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "data" / "seeds"


# --- building documents with real automatic numbering ----------------------------------


def add_list(doc: Any, abstract_id: int, levels: list[tuple[str, str, str | None]]) -> None:
    """An abstract list: per level (numFmt, lvlText, linked paragraph style id)."""
    body = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        + (f'<w:pStyle w:val="{style}"/>' if style else "")
        + f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl>'
        for i, (fmt, text, style) in enumerate(levels)
    )
    numbering = doc.part.numbering_part.element
    element = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
        f'<w:multiLevelType w:val="multilevel"/>{body}</w:abstractNum>'
    )
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(element)  # abstract lists come before the list instances
    else:
        numbering.append(element)


def add_num(doc: Any, num_id: int, abstract_id: int, *, restart: bool = False) -> None:
    """A list instance; ``restart`` starts its first level again at 1 (Word's 重新开始编号)."""
    override = (
        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>' if restart else ""
    )
    doc.part.numbering_part.element.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{num_id}">'
            f'<w:abstractNumId w:val="{abstract_id}"/>{override}</w:num>'
        )
    )


def _num_pr(num_id: int, ilvl: int) -> Any:
    return parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'
    )


def link_style(doc: Any, style: str, num_id: int, ilvl: int) -> None:
    """Word's way for numbered headings: the heading style carries the list."""
    doc.styles[style].element.get_or_add_pPr().insert(0, _num_pr(num_id, ilvl))


def numbered(paragraph: Any, num_id: int, ilvl: int = 0) -> Any:
    paragraph._p.get_or_add_pPr().insert(0, _num_pr(num_id, ilvl))
    return paragraph


def heading_list(doc: Any) -> None:
    """Heading 1/2/3 numbered 一、 / （一） / 1. by Word itself (list 90, instance 90)."""
    add_list(
        doc,
        90,
        [
            ("chineseCounting", "%1、", "Heading1"),
            ("chineseCounting", "（%2）", "Heading2"),
            ("decimal", "%3.", "Heading3"),
        ],
    )
    add_num(doc, 90, 90)
    for ilvl, style in enumerate(("Heading 1", "Heading 2", "Heading 3")):
        link_style(doc, style, 90, ilvl)


def fill_table(doc: Any, rows: list[list[str]]) -> Any:
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = doc.styles["Table Grid"]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    return table


# --- the test documents ------------------------------------------------------------------


def doc_auto_numbered(doc: Any) -> None:
    """Headings numbered by Word (no number in the text), task lists numbered by Word with
    a restart per area, a heading run into its next line kept apart, phases dated."""
    heading_list(doc)
    add_list(doc, 91, [("decimal", "%1、", None), ("decimalEnclosedCircle", "%2", None)])
    add_num(doc, 91, 91)
    add_num(doc, 92, 91, restart=True)
    doc.add_paragraph("市第一人民医院改善就医感受提升患者体验行动方案", style="Title")
    doc.add_heading("指导思想", 1)
    doc.add_paragraph("坚持以病人为中心，持续改善医疗服务。")
    doc.add_heading("主要任务", 1)
    doc.add_heading("优化门诊服务流程", 2)
    numbered(doc.add_paragraph("推行分时段预约诊疗，候诊时间不超过30分钟。（门诊部负责）"), 91)
    numbered(doc.add_paragraph("完善自助服务设备，2026年6月30日前完成。责任科室：信息科。"), 91)
    numbered(doc.add_paragraph("细化检查预约流程。"), 91, 1)
    numbered(doc.add_paragraph("推行检查结果互认，由医务科牵头负责。"), 91)
    doc.add_heading("改善住院服务体验", 2)
    numbered(doc.add_paragraph("推行床旁结算，出院结算时间不超过15分钟。"), 92)
    numbered(doc.add_paragraph("优化探视制度（护理部）"), 92)
    doc.add_heading("狠抓质控核心制度落实", 2)
    doc.add_paragraph("提高质控质量，每月开展一次质控检查。责任科室：质控科、医务科。")
    p = doc.add_heading("严格规范收费行为", 2)
    p.add_run().add_break()  # a soft line break: the next line is not part of the heading
    p.add_run("公示收费项目")
    doc.add_heading("实施步骤", 1)
    doc.add_heading("动员部署阶段（2026年3月1日—3月31日）", 2)
    doc.add_paragraph("召开动员大会。")
    doc.add_heading("整改落实阶段（2026年4月1日—9月30日）", 2)
    doc.add_heading("总结提升阶段（2026年10月1日—10月31日）", 2)
    doc.add_heading("工作要求", 1)
    doc.add_paragraph("各科室要高度重视。")


def _seed_003_measures() -> tuple[list[str], list[list[str]], list[str]]:
    """Seed 003 split around its section 四、整改措施: the lines before it, the five
    measures as table rows, the lines after it."""
    lines = [x for x in next(SEEDS.glob("003_*.txt")).read_text("utf-8").splitlines()]
    start = next(i for i, x in enumerate(lines) if x.startswith("四、整改措施"))
    stop = next(i for i, x in enumerate(lines) if x.startswith("五、"))
    rows: list[list[str]] = []
    for line in lines[start + 1 : stop]:
        line = line.strip()
        if line.startswith("（"):
            rows.append([str(len(rows) + 1), line.split("）", 1)[1], "", "", ""])
        elif line.startswith("整改措施："):
            rows[-1][2] = line.split("：", 1)[1]
        elif line.startswith("整改时限："):
            rows[-1][3] = line.split("：", 1)[1]
        elif line.startswith("责任科室："):
            rows[-1][4] = line.split("：", 1)[1]
    return lines[: start + 1], rows, lines[stop:]


def doc_seed_003_table(doc: Any) -> None:
    """Seed 003 as offices write it: its five measures in a table (序号 / 整改事项 /
    整改措施 / 整改时限 / 责任科室), the same deadline merged down four rows."""
    before, rows, after = _seed_003_measures()
    for line in before:
        doc.add_paragraph(line)
    doc.add_paragraph("具体整改任务见下表：")
    table = fill_table(doc, [["序号", "整改事项", "整改措施", "整改时限", "责任科室"], *rows])
    merged = table.cell(2, 3).merge(table.cell(5, 3))
    merged.text = rows[1][3]
    for line in after:
        doc.add_paragraph(line)


def doc_parentheses(doc: Any) -> None:
    """A government plan in traditional characters: items numbered by Word (1.), the
    departments in brackets, in 由…負責 sentences, or bare at the end of the item."""
    add_list(doc, 93, [("decimal", "%1.", None)])
    add_num(doc, 93, 93)
    doc.add_paragraph("某市改善醫療服務行動計劃實施方案")
    doc.add_paragraph("一、重點任務")
    numbered(
        doc.add_paragraph(
            "建立預約診療制度，縮短候診時間。（省衛生計生委負責，省發展改革委、省財政廳參與）"
        ),
        93,
    )
    numbered(doc.add_paragraph("加強傳染病監測預警，由市疾控中心負責，2026年6月底前完成。"), 93)
    numbered(doc.add_paragraph("維護醫療秩序，嚴厲打擊涉醫違法犯罪（市公安局）"), 93)
    doc.add_paragraph("二、實施步驟")
    doc.add_paragraph("（一）部署階段（2026年1月1日至1月31日）")
    doc.add_paragraph("（二）實施階段（2026年2月1日至11月30日）")
    doc.add_paragraph("某市衛生健康委員會")
    doc.add_paragraph("2025年12月20日")


def doc_year_20xx(doc: Any) -> None:
    """A plan that leaves its year for later: 20xx everywhere."""
    heading_list(doc)
    doc.add_paragraph("关于开展20xx年度服务提升活动的实施方案", style="Title")
    doc.add_heading("工作任务", 1)
    doc.add_heading("优化预约流程", 2)
    doc.add_paragraph("整改时限：20xx年6月30日。责任科室：门诊部。")
    doc.add_heading("改善病区环境", 2)
    doc.add_paragraph("整改时限：20xx年9月30日。责任科室：护理部。")
    doc.add_heading("实施步骤", 1)
    doc.add_heading("动员部署阶段（20xx年3月1日—3月31日）", 2)
    doc.add_heading("整改落实阶段（20xx年4月1日—11月30日）", 2)
    doc.add_paragraph("20xx年2月1日")


def doc_no_tasks(doc: Any) -> None:
    doc.add_paragraph("会议纪要")
    doc.add_paragraph("今天开会讨论了服务工作，大家发言踊跃。")


def doc_long_titles(doc: Any) -> None:
    """A heading far longer than a title, and a table whose 事项 cell is one too."""
    heading_list(doc)
    doc.add_paragraph("某医院服务提升方案", style="Title")
    doc.add_heading("重点任务", 1)
    long = (
        "全面加强医疗质量安全管理，健全质量控制体系，落实十八项医疗质量安全核心制度，"
        "定期开展质量评估并持续改进，确保医疗安全，并建立长效机制"
    )
    doc.add_heading(long, 2)
    doc.add_paragraph("责任科室：医务科。整改时限：2026年9月30日。")
    doc.add_heading("改善服务态度", 2)
    doc.add_heading("实施步骤", 1)
    doc.add_heading("整改阶段（2026年6月1日—12月31日）", 2)


def doc_numbering_rules(doc: Any) -> None:
    """Counters shared by two instances of one list, a restart, deeper levels restarting,
    legal numbering (1.1 under 一、) and Word's formats for Chinese documents."""
    add_list(doc, 80, [("chineseCounting", "%1、", None), ("decimal", "%1.%2", None)])
    add_num(doc, 80, 80)
    add_num(doc, 81, 80)  # same list, no override: numbering continues
    add_num(doc, 82, 80, restart=True)
    for num, ilvl, text in [
        (80, 0, "甲"),
        (80, 1, "甲一"),
        (80, 1, "甲二"),
        (81, 0, "乙"),
        (81, 1, "乙一"),
        (82, 0, "丙"),
    ]:
        numbered(doc.add_paragraph(text), num, ilvl)
    add_list(
        doc,
        83,
        [
            ("ideographTraditional", "%1．", None),
            ("decimalEnclosedCircle", "%2", None),
            ("ideographDigital", "（%3）", None),
        ],
    )
    add_num(doc, 83, 83)
    for ilvl, text in [(0, "天干"), (1, "圈号"), (1, "圈号二"), (2, "数字"), (0, "再一")]:
        numbered(doc.add_paragraph(text), 83, ilvl)
    for _ in range(11):
        numbered(doc.add_paragraph("计数"), 80, 0)


def doc_headings_and_tables(doc: Any) -> None:
    """Heading styles without any numbering, a phase table (阶段 / 时间 / 主要工作) and a
    task table grouped by a 类别 column with targets and lead departments."""
    doc.add_heading("某医院优质服务活动方案", 1)
    doc.add_heading("指导思想", 1)
    doc.add_paragraph("以病人为中心。")
    doc.add_heading("活动内容", 1)
    doc.add_heading("改善门诊环境", 2)
    doc.add_paragraph("门诊大厅整洁有序，2026年5月底前完成。（后勤科负责）")
    doc.add_heading("优化住院流程", 2)
    doc.add_paragraph("推行入院准备中心，由医务科牵头，护理部配合。")
    doc.add_heading("时间安排", 1)
    fill_table(
        doc,
        [
            ["阶段", "时间", "主要工作"],
            ["动员部署阶段", "2026年3月1日-3月15日", "召开大会"],
            ["整改落实阶段", "2026年3月16日-10月31日", "逐项整改"],
            ["总结阶段", "2026年11月", "总结表彰"],
        ],
    )
    doc.add_heading("重点任务清单", 1)
    fill_table(
        doc,
        [
            ["类别", "序号", "任务", "目标值", "牵头科室"],
            ["服务环境", "1", "候诊区改造", "满意度达到95%以上", "后勤科"],
            ["服务环境", "2", "卫生间改造", "", "后勤科"],
            ["服务流程", "1", "预约挂号全覆盖", "预约率达到80%以上", "门诊部"],
            ["服务流程", "2", "检查集中预约", "等候时间不超过3天", "医技科"],
        ],
    )


def doc_bullets(doc: Any) -> None:
    """Tasks as Word bullets under typed headings; the bullets under 工作要求 are no tasks."""
    doc.add_paragraph("某医院服务提升方案")
    doc.add_paragraph("一、主要任务")
    doc.add_paragraph("（一）服务环境")
    doc.add_paragraph("候诊区改造，2026年6月底前完成。（后勤科）", style="List Bullet")
    doc.add_paragraph("卫生间改造。", style="List Bullet")
    doc.add_paragraph("（二）服务流程")
    doc.add_paragraph("预约挂号全覆盖，预约率达到80%以上。", style="List Bullet")
    doc.add_paragraph("二、工作要求")
    doc.add_paragraph("加强领导。", style="List Bullet")


def doc_seed(prefix: str) -> Callable[[Any], None]:
    """A seed plan as a Word document: one paragraph per line, numbers typed."""

    def build(doc: Any) -> None:
        for line in next(SEEDS.glob(f"{prefix}_*.txt")).read_text("utf-8").splitlines():
            doc.add_paragraph(line)

    return build


BUILDERS: dict[str, Callable[[Any], None]] = {
    **{f"seed_{prefix}": doc_seed(prefix) for prefix in ("000", "001", "003", "004")},
    "headings_and_tables": doc_headings_and_tables,
    "bullets": doc_bullets,
    "numbering_rules": doc_numbering_rules,
    "auto_numbered": doc_auto_numbered,
    "seed_003_table": doc_seed_003_table,
    "parentheses": doc_parentheses,
    "year_20xx": doc_year_20xx,
    "no_tasks": doc_no_tasks,
    "long_titles": doc_long_titles,
}


# --- LibreOffice ---------------------------------------------------------------------------


def _soffice(args: list[str], profile: Path) -> None:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        need("LibreOffice (soffice) is not installed")
    assert office is not None
    subprocess.run(
        [office, f"-env:UserInstallation=file://{profile}", "--headless", *args],
        check=True,
        capture_output=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every test document built by python-docx, then saved again by LibreOffice (one
    LibreOffice run for all of them), plus LibreOffice's text rendering of each."""
    base = tmp_path_factory.mktemp("plans")
    src, out, txt = base / "src", base / "lo", base / "txt"
    src.mkdir()
    for name, build in BUILDERS.items():
        document = docx.Document()
        build(document)
        document.save(str(src / f"{name}.docx"))
    profile = base / "profile"
    sources = [str(src / f"{name}.docx") for name in BUILDERS]
    _soffice(["--convert-to", "docx", "--outdir", str(out), *sources], profile)
    saved_files = [str(out / f"{name}.docx") for name in BUILDERS]
    _soffice(
        ["--convert-to", "txt:Text (encoded):UTF8", "--outdir", str(txt), *saved_files], profile
    )
    paths = {name: out / f"{name}.docx" for name in BUILDERS}
    paths.update({f"{name}.txt": txt / f"{name}.txt" for name in BUILDERS})
    paths.update({f"{name}.src": src / f"{name}.docx" for name in BUILDERS})
    for path in paths.values():
        assert path.stat().st_size > 0, path
    return paths


def read(saved: dict[str, Path], name: str) -> PlanDocument:
    document = read_plan_file(str(saved[name]))
    assert isinstance(document, PlanDocument)
    return document


def dry_run(path: Path, *extra: str, lang: str = "zh") -> tuple[int, dict[str, Any], str]:
    out = subprocess.run(
        [sys.executable, "-m", "lib.cli", "import-plan", str(path), "--dry-run", "--json", *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            "DATABASE_URL": f"sqlite:///{path.parent / 'never.db'}",
            "DEMO_MODE": "1",
            "APP_LOCALE": lang,
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        },
        timeout=120,
    )
    data = json.loads(out.stdout) if out.stdout.strip() else {}
    return out.returncode, data, out.stderr


def keys(warnings: list[tuple[str, dict[str, Any]]]) -> list[str]:
    return [k for k, _ in warnings]


# --- the tests -----------------------------------------------------------------------------


def test_labels_are_the_ones_libreoffice_shows(saved: dict[str, Path]) -> None:
    """Every paragraph as the reader shows it (automatic label, then text) is a line of
    LibreOffice's own text rendering of the same file: a label missed, added or counted
    wrongly would not be."""
    checked = 0
    for name in BUILDERS:
        shown = {
            " ".join(line.split())
            for line in saved[f"{name}.txt"].read_text("utf-8-sig").splitlines()
        }
        for block in read(saved, name).blocks:
            if not isinstance(block, PlanParagraph):
                continue
            for line in block.shown.split("\n"):
                line = " ".join(line.split())
                if line:
                    assert line in shown, (name, line)
                    checked += bool(block.label)
    assert checked >= 25


def test_auto_numbered_headings_and_lists(saved: dict[str, Path]) -> None:
    document = read(saved, "auto_numbered")
    labels = [b.label.strip() for b in document.blocks if isinstance(b, PlanParagraph) and b.label]
    assert labels[:4] == ["一、", "二、", "（一）", "1、"]
    # the second area's list restarts at 1 (startOverride), the sub-item ① does not count
    assert labels.count("1、") == 2 and "①" in labels and "3、" in labels
    assert "四、" in labels and "（三）" in labels
    d = parse_plan(document)
    assert d.title == "市第一人民医院改善就医感受提升患者体验行动方案"
    assert [a.title for a in d.areas] == ["主要任务", "优化门诊服务流程", "改善住院服务体验"]
    loose, outpatient, inpatient = d.areas
    # headings without numbered items are tasks of their own, titled by the heading alone
    assert [t.title for t in loose.tasks] == ["狠抓质控核心制度落实", "严格规范收费行为"]
    assert loose.tasks[0].departments == ["质控科", "医务科"]
    assert [t.code for t in outpatient.tasks] == ["1.1", "1.2", "1.3"]
    assert [t.title for t in outpatient.tasks] == [
        "推行分时段预约诊疗",
        "完善自助服务设备",
        "推行检查结果互认",
    ]
    assert outpatient.tasks[0].departments == ["门诊部"]
    assert outpatient.tasks[0].target and outpatient.tasks[0].target.value == 30
    assert outpatient.tasks[1].due == dt.date(2026, 6, 30)
    assert outpatient.tasks[1].departments == ["信息科"]
    assert outpatient.tasks[2].departments == ["医务科"]
    assert [t.code for t in inpatient.tasks] == ["2.1", "2.2"]
    assert inpatient.tasks[1].title == "优化探视制度" and inpatient.tasks[1].departments == [
        "护理部"
    ]
    assert [(p.name, p.start, p.end) for p in d.phases] == [
        ("动员部署阶段", dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
        ("整改落实阶段", dt.date(2026, 4, 1), dt.date(2026, 9, 30)),
        ("总结提升阶段", dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
    ]
    assert plan_warnings(d) == []
    # the same document as plain text (what the reader used to see) found nothing
    flat = "\n".join(b.text for b in document.blocks if isinstance(b, PlanParagraph))
    assert parse_plan(flat).tasks == []


def test_plan_table_gives_seed_003s_five_measures_in_place(saved: dict[str, Path]) -> None:
    seed = parse_plan(read_plan_file(str(next(SEEDS.glob("003_*.txt")))))
    d = parse_plan(read(saved, "seed_003_table"))
    assert d.title == seed.title
    assert [(t.code, t.title, t.due, t.departments) for t in d.tasks] == [
        (t.code, t.title, t.due, t.departments) for t in seed.tasks
    ]
    assert not any("见下表" in t.title for t in d.tasks)
    assert "整改措施：" not in d.tasks[0].description  # the measure cell is the description
    assert "优化办事流程" in d.tasks[0].description
    code, data, _ = dry_run(saved["seed_003_table"])
    assert code == 0 and sum(len(a["tasks"]) for a in data["areas"]) == 5
    assert [w["key"] for w in data["warnings"]] == ["plan.warn_mixed_years", "plan.warn_no_span"]


def test_departments_in_brackets_and_sentences(saved: dict[str, Path]) -> None:
    d = parse_plan(read(saved, "parentheses"))
    assert d.title == "某市改善醫療服務行動計劃實施方案"
    assert [(t.title, t.departments) for t in d.tasks] == [
        ("建立預約診療制度，縮短候診時間", ["省衛生計生委", "省發展改革委", "省財政廳"]),
        ("加強傳染病監測預警", ["市疾控中心"]),
        ("維護醫療秩序，嚴厲打擊涉醫違法犯罪", ["市公安局"]),
    ]
    assert d.tasks[1].due == dt.date(2026, 6, 30)  # 2026年6月底前完成
    assert [(p.start, p.end) for p in d.phases] == [
        (dt.date(2026, 1, 1), dt.date(2026, 1, 31)),
        (dt.date(2026, 2, 1), dt.date(2026, 11, 30)),
    ]


def test_year_20xx_leaves_dates_empty_and_warns(saved: dict[str, Path]) -> None:
    document = read(saved, "year_20xx")
    d = parse_plan(document)
    assert [t.title for t in d.tasks] == ["优化预约流程", "改善病区环境"]
    assert all(t.due is None for t in d.tasks)
    assert [(p.name, p.start, p.end) for p in d.phases] == [
        ("动员部署阶段", None, None),
        ("整改落实阶段", None, None),
    ]
    assert keys(plan_warnings(d)) == [
        "plan.warn_year_placeholder",
        "plan.warn_phase_undated",
        "plan.warn_phase_undated",
        "plan.warn_no_span",
    ]
    code, data, _ = dry_run(saved["year_20xx"])
    assert code == 0
    assert data["phases"][0] == {"name": "动员部署阶段", "start": None, "end": None}
    assert data["warnings"][0]["key"] == "plan.warn_year_placeholder"
    assert "20xx" in data["warnings"][0]["message"]
    # given the year, the plan's own dates are read, nothing else changes
    filled = parse_plan(document, year=2026)
    assert [(p.start, p.end) for p in filled.phases] == [
        (dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
        (dt.date(2026, 4, 1), dt.date(2026, 11, 30)),
    ]
    assert [t.due for t in filled.tasks] == [dt.date(2026, 6, 30), dt.date(2026, 9, 30)]
    assert plan_warnings(filled) == []
    code, data, _ = dry_run(saved["year_20xx"], "--year", "2026")
    assert code == 0 and data["warnings"] == []
    assert data["phases"][1]["end"] == "2026-11-30"


def test_year_20xx_real_import_is_refused_without_a_year(
    saved: dict[str, Path], tmp_path: Path
) -> None:
    db = tmp_path / "plan.db"
    env = {
        "DATABASE_URL": f"sqlite:///{db}",
        "DEMO_MODE": "1",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    }

    def run(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "lib.cli", "import-plan", str(saved["year_20xx"]), *extra],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env=env,
            timeout=180,
        )

    refused = run()
    assert refused.returncode == 1 and "--year" in refused.stderr
    assert not db.exists()  # refused before anything was opened
    done = run("--year", "2026", "--json")
    assert done.returncode == 0, done.stderr
    campaign_id = json.loads(done.stdout)["id"]
    from sqlalchemy import create_engine, select

    from lib.models import Campaign, Phase

    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        campaign = conn.execute(select(Campaign).where(Campaign.id == campaign_id)).one()
        phases = conn.execute(
            select(Phase.start_date, Phase.end_date)
            .where(Phase.campaign_id == campaign_id)
            .order_by(Phase.seq)
        ).all()
    engine.dispose()
    assert (campaign.start_date, campaign.end_date) == (dt.date(2026, 3, 1), dt.date(2026, 11, 30))
    assert [tuple(p) for p in phases] == [
        (dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
        (dt.date(2026, 4, 1), dt.date(2026, 11, 30)),
    ]


def test_no_tasks_exits_1_docx_and_empty_txt(saved: dict[str, Path], tmp_path: Path) -> None:
    code, data, err = dry_run(saved["no_tasks"])
    assert code == 1 and data["areas"] == []
    assert [w["key"] for w in data["warnings"]] == ["plan.warn_no_tasks"]
    assert "没有识别出任何任务" in err
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    code, data, err = dry_run(empty)
    assert code == 1 and "没有识别出任何任务" in err
    code, data, err = dry_run(empty, lang="en")
    assert code == 1 and "No tasks found" in err
    assert data["warnings"][0]["message"].startswith("No tasks found")
    prose = tmp_path / "prose.txt"
    prose.write_text("今天开会讨论了服务工作。\n大家发言踊跃。\n", "utf-8")
    assert dry_run(prose)[0] == 1


def test_long_heading_is_cut_with_a_warning(saved: dict[str, Path]) -> None:
    d = parse_plan(read(saved, "long_titles"))
    first = d.tasks[0]
    assert (
        first.title == "全面加强医疗质量安全管理，健全质量控制体系，落实十八项医疗质量安全核心制度"
    )
    assert first.title_cut and len(first.title) <= 40
    assert "并建立长效机制" in first.description  # nothing lost
    assert first.departments == ["医务科"] and first.due == dt.date(2026, 9, 30)
    assert d.tasks[1].title == "改善服务态度" and not d.tasks[1].title_cut
    assert keys(plan_warnings(d)) == ["plan.warn_title_cut"]


@pytest.mark.parametrize("prefix", ["000", "001", "003", "004"])
def test_seeds_as_word_documents_read_as_their_text(saved: dict[str, Path], prefix: str) -> None:
    """The four real plans typed into Word (numbers in the text) give what their text
    gives: typed numbering keeps working."""
    text = parse_plan(read_plan_file(str(next(SEEDS.glob(f"{prefix}_*.txt")))))
    word = parse_plan(read(saved, f"seed_{prefix}"))
    assert word.to_json() == text.to_json()
    assert plan_warnings(word) == plan_warnings(text)


def test_heading_styles_phase_table_and_grouped_task_table(saved: dict[str, Path]) -> None:
    d = parse_plan(read(saved, "headings_and_tables"))
    assert d.title == "某医院优质服务活动方案"
    assert [(p.name, p.start, p.end) for p in d.phases] == [
        ("动员部署阶段", dt.date(2026, 3, 1), dt.date(2026, 3, 15)),
        ("整改落实阶段", dt.date(2026, 3, 16), dt.date(2026, 10, 31)),
        ("总结阶段", dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
    ]
    assert [a.title for a in d.areas] == ["活动内容", "服务环境", "服务流程"]
    got = [(t.code, t.title, t.due, t.departments, t.target and t.target.text) for t in d.tasks]
    assert got == [
        ("1", "改善门诊环境", dt.date(2026, 5, 31), ["后勤科"], None),
        ("2", "优化住院流程", None, ["医务科", "护理部"], None),
        ("1.1", "候诊区改造", None, ["后勤科"], "满意度达到95%以上"),
        ("1.2", "卫生间改造", None, ["后勤科"], None),
        ("2.1", "预约挂号全覆盖", None, ["门诊部"], "预约率达到80%以上"),
        ("2.2", "检查集中预约", None, ["医技科"], "等候时间不超过3天"),
    ]
    assert plan_warnings(d) == []


def test_bullets_are_items_of_the_heading_above(saved: dict[str, Path]) -> None:
    d = parse_plan(read(saved, "bullets"))
    assert [a.title for a in d.areas] == ["服务环境", "服务流程"]
    got = [(t.code, t.title, t.due, t.departments) for t in d.tasks]
    assert got == [
        ("1.1", "候诊区改造", dt.date(2026, 6, 30), ["后勤科"]),
        ("1.2", "卫生间改造", None, []),
        ("2.1", "预约挂号全覆盖，预约率达到80%以上", None, []),
    ]
    assert d.tasks[2].target and d.tasks[2].target.value == 80


def test_python_docx_and_libreoffice_files_read_alike(saved: dict[str, Path]) -> None:
    """The reader does not depend on who wrote the file: the document as python-docx
    wrote it and as LibreOffice saved it again give the same draft."""
    for name in BUILDERS:
        ours = parse_plan(read(saved, f"{name}.src"))
        theirs = parse_plan(read(saved, name))
        assert ours.to_json() == theirs.to_json(), name
        assert plan_warnings(ours) == plan_warnings(theirs), name


# --- without LibreOffice: the number formats and the warnings ----------------------------


@pytest.mark.parametrize(
    ("n", "fmt", "shown"),
    [
        (1, "chineseCounting", "一"),
        (10, "chineseCounting", "十"),
        (11, "taiwaneseCountingThousand", "十一"),
        (21, "chineseCountingThousand", "二十一"),
        (105, "chineseCounting", "一百〇五"),
        (12, "ideographDigital", "一二"),
        (3, "decimalEnclosedCircle", "③"),
        (2, "ideographTraditional", "乙"),
        (4, "chineseLegalSimplified", "肆"),
        (3, "decimalFullWidth", "３"),
        (9, "decimalZero", "09"),
        (4, "upperRoman", "IV"),
        (28, "lowerLetter", "bb"),
        (5, "decimal", "5"),
    ],
)
def test_number_formats(n: int, fmt: str, shown: str) -> None:
    assert format_number(n, fmt) == shown


def test_counters_continue_across_instances_and_deeper_levels_restart(
    saved: dict[str, Path],
) -> None:
    labels = [
        b.label.strip()
        for b in read(saved, "numbering_rules").blocks
        if isinstance(b, PlanParagraph)
    ]
    assert labels[:6] == ["一、", "一.1", "一.2", "二、", "二.1", "一、"]
    assert labels[6:11] == ["甲．", "①", "②", "（一）", "乙．"]
    assert labels[11:] == [f"{n}、" for n in "二三四五六七八九十"] + ["十一、", "十二、"]


_TEXT = st.text(
    alphabet=st.sampled_from(
        list("一二三、（）().1２：:阶段整改时限责任科室负责牵头20xx年3月1日-，。\n\t ")
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.builds(
                PlanParagraph,
                _TEXT,
                st.one_of(st.none(), st.integers(min_value=1, max_value=9)),
                st.sampled_from(["", "一、\t", "（二）", "3.", "④", "甲", "\t"]),
            ),
            st.builds(PlanTable, st.lists(st.lists(_TEXT, min_size=1, max_size=6), max_size=5)),
        ),
        max_size=25,
    ),
    st.one_of(st.none(), st.integers(min_value=1990, max_value=2100)),
)
def test_parser_never_crashes_on_any_document(blocks: list[Any], year: int | None) -> None:
    d = parse_plan(PlanDocument(blocks), year=year)
    json.dumps(d.to_json(), ensure_ascii=False)
    plan_warnings(d)


def test_mixed_years_and_deadline_before_start_are_warned() -> None:
    text = (
        "某医院服务方案\n一、工作任务\n1、优化流程。整改时限：2025年1月31日。\n"
        "2、改善环境。整改时限：2026年6月30日。\n二、实施步骤\n"
        "（一）整改阶段（2026年3月1日—12月31日）\n"
    )
    warnings = plan_warnings(parse_plan(text))
    assert keys(warnings) == ["plan.warn_due_before_start", "plan.warn_mixed_years"]
    assert warnings[0][1] == {"code": "1", "due": "2025-01-31", "start": "2026-03-01"}
    assert warnings[1][1]["years"] == "2025: 1 / 2026: 3"
