"""Plan tables: a table whose header names its columns (序号 / 整改事项 / 整改措施 /
整改时限 / 责任科室 / 目标 …) gives one task per row, in the place of the table; a table
with 阶段 and 时间 columns gives phases. Any other table is read as lines of text.
"""

from __future__ import annotations

import re

from lib.domain.plan.outline import Node, Rows
from lib.domain.plan.text import cn_number, shadow, strip_end

# column header -> field; a header equal to one of the words wins, else the first field
# (in this order) with a word inside the header
_COLUMNS: list[tuple[str, tuple[str, ...]]] = [
    ("code", ("序号", "编号", "序")),
    (
        "support",
        ("配合科室", "配合部门", "配合单位", "协助科室", "协办科室", "参与科室", "协同科室"),
    ),
    (
        "departments",
        (
            "责任科室",
            "责任部门",
            "责任单位",
            "责任处室",
            "牵头科室",
            "牵头部门",
            "牵头单位",
            "负责科室",
            "负责部门",
            "承办科室",
            "主责科室",
            "科室",
            "部门",
            "单位",
        ),
    ),
    ("person", ("责任人", "负责人", "联系人", "分管领导", "分管院领导", "经办人")),
    (
        "due",
        (
            "整改时限",
            "完成时限",
            "完成时间",
            "整改期限",
            "完成期限",
            "截止时间",
            "时间节点",
            "时间要求",
            "时限",
            "期限",
            "时间",
        ),
    ),
    ("phase", ("阶段", "步骤")),
    (
        "measure",
        (
            "整改措施",
            "具体措施",
            "工作措施",
            "主要措施",
            "改进措施",
            "工作举措",
            "措施",
            "举措",
            "具体内容",
            "实施内容",
            "工作要求",
            "主要做法",
        ),
    ),
    (
        "title",
        (
            "整改事项",
            "整改任务",
            "整改内容",
            "整改项目",
            "重点任务",
            "工作任务",
            "主要任务",
            "目标任务",
            "任务名称",
            "工作内容",
            "事项",
            "任务",
            "项目",
            "内容",
            "问题",
            "存在问题",
            "名称",
        ),
    ),
    ("target", ("目标值", "工作目标", "预期目标", "考核指标", "目标", "指标", "预期效果")),
    ("area", ("类别", "分类", "领域", "方面", "板块", "模块", "维度")),
]
_EXACT = {word: name for name, words in _COLUMNS for word in words}
# words that name a column only on their own (科室负责人 is a person, not a department)
_EXACT_ONLY = {"序号", "编号", "序", "科室", "部门", "单位"}
_SPACE = re.compile(r"[\s\u3000]+")


def column_field(header: str) -> str | None:
    """The field a column header names, or None."""
    head = _SPACE.sub("", shadow(header)).strip(":：*")
    if not head or len(head) > 12:
        return None
    if head in _EXACT:
        return _EXACT[head]
    for name, words in _COLUMNS:
        if any(w in head for w in words if w not in _EXACT_ONLY):
            return name
    return None


def _header(rows: list[list[str]]) -> tuple[int, dict[str, int]] | None:
    """(row index, field -> column) of the header among the first three rows."""
    for idx, row in enumerate(rows[:3]):
        mapping: dict[str, int] = {}
        for col, cell in enumerate(row):
            name = column_field(cell)
            if name and name not in mapping:
                mapping[name] = col
        useful = {"title", "measure", "phase"} & set(mapping)
        if useful and len(mapping) >= 2:
            return idx, mapping
    return None


def _cell(row: list[str], mapping: dict[str, int], name: str) -> str:
    col = mapping.get(name)
    return row[col].strip() if col is not None and col < len(row) else ""


def _number(code: str, fallback: int) -> int:
    m = re.match(r"\s*[(（]?\s*(\d{1,3})", shadow(code))
    if m:
        return int(m.group(1)) or fallback
    m = re.match(r"\s*[(（]?\s*([一二三四五六七八九十]{1,3})", code)
    value = cn_number(m.group(1)) if m else None
    return value or fallback


def _first_line(text: str) -> tuple[str, list[str]]:
    lines = [x.strip() for x in text.splitlines() if x.strip()]
    return (lines[0], lines[1:]) if lines else ("", [])


def _task_node(row: list[str], mapping: dict[str, int], number: int) -> Node | None:
    title_text = _cell(row, mapping, "title")
    measure = _cell(row, mapping, "measure")
    heading, rest = _first_line(title_text or measure)
    if not heading:
        return None
    body: list[str] = rest
    if title_text and measure:
        body = [*rest, *(x.strip() for x in measure.splitlines() if x.strip())]
    fields = {
        name: _cell(row, mapping, name)
        for name in ("due", "departments", "support", "target")
        if _cell(row, mapping, name)
    }
    labels = {"target": "目标", "due": "时限", "departments": "责任科室", "support": "配合科室"}
    body += [f"{labels[name]}：{value}" for name, value in fields.items()]
    node = Node(3, number, heading, shadow(heading), titled=True, fields=fields)
    node.body = [(b, shadow(b)) for b in body]
    return node


def _group_row(row: list[str]) -> str | None:
    """The text of a row that is one merged cell (a heading row such as 一、服务环境)."""
    values = {c.strip() for c in row if c.strip()}
    return values.pop() if len(values) == 1 and len(row) > 1 else None


def _phase_rows(rows: list[list[str]], mapping: dict[str, int]) -> Rows:
    nodes: list[Node] = []
    for row in rows:
        name = strip_end(_first_line(_cell(row, mapping, "phase"))[0])
        if not name:
            continue
        when = " ".join(_cell(row, mapping, "due").split())
        heading = f"{name}（{when}）" if when else name
        body = [x for x in (_cell(row, mapping, "measure"), _cell(row, mapping, "title")) if x]
        node = Node(2, len(nodes) + 1, heading, shadow(heading), titled=True)
        node.body = [(b, shadow(b)) for b in body]
        nodes.append(node)
    return Rows(nodes, 2)


def table_rows(rows: list[list[str]]) -> Rows | None:
    """A plan table's tasks (grouped by a 类别 column or heading rows into areas) or
    phases; ``None`` when the table is not a plan table."""
    found = _header(rows)
    if found is None:
        return None
    idx, mapping = found
    data = rows[idx + 1 :]
    if "phase" in mapping:
        names = [_cell(row, mapping, "phase") for row in data]
        named = [n for n in names if n]
        if not ({"title", "measure"} & set(mapping)) or (
            named and sum("阶段" in n for n in named) * 2 > len(named)
        ):
            return _phase_rows(data, mapping)
    areas: list[Node] = []
    loose: list[Node] = []
    current: Node | None = None
    for row in data:
        if not any(c.strip() for c in row):
            continue
        group = _group_row(row)
        area_name = _cell(row, mapping, "area")
        if group is not None or (area_name and (current is None or current.heading != area_name)):
            name = group if group is not None else area_name
            heading = strip_end(name)
            current = Node(2, len(areas) + 1, heading, shadow(heading), titled=True)
            areas.append(current)
            if group is not None:
                continue
        count = len(current.children) if current else len(loose)
        node = _task_node(row, mapping, _number(_cell(row, mapping, "code"), count + 1))
        if node is None:
            continue
        (current.children if current else loose).append(node)
    return Rows([*loose, *areas], 2) if areas else Rows(loose, 3)
