"""The outline of a plan, read the way a reader does: levels ``一、`` / ``（一）(一)㈠`` /
``1、1.`` / ``(1)（1）`` / ``①``, one heading per line or run together in one long line (web
copies), and the section vocabulary that tells task sections (任务目标, 活动内容 …) from
phase sections (活动步骤, 实施步骤 …) and the sections a reader skips (指导思想 …)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from lib.domain.plan.text import CN_TEN, cn_number, shadow

_PAREN_NUM = {chr(0x3220 + i): CN_TEN[i] for i in range(10)}  # ㈠..㈩
_MARKERS: list[tuple[int, re.Pattern[str]]] = [
    (1, re.compile(rf"^([{CN_TEN}]{{1,3}})\s*[、.,](?![{CN_TEN}]*是)")),
    (2, re.compile(rf"^[(]\s*([{CN_TEN}]{{1,3}})\s*[)]\s*[、.]?")),
    (2, re.compile(r"^([\u3220-\u3229])\s*")),
    (3, re.compile(r"^(\d{1,3})\s*(?:[、]|[.](?!\d))\s*")),
    (4, re.compile(r"^[(]\s*(\d{1,3})\s*[)]\s*[、.]?")),
    (5, re.compile(r"^([\u2460-\u2473])\s*")),
]
# where a marker may start a new line inside a run-together paragraph
_INLINE_BREAK = re.compile(
    rf"(?<=[。；;:：!?！？])\s*(?=(?:[{CN_TEN}]{{1,3}}[、]|[(（][{CN_TEN}]{{1,3}}[)）]|"
    r"[\u3220-\u3229]|\d{1,2}[、]|[\u2460-\u2473]))|(?<=.)(?=[\u3220-\u3229])"
)


def _marker(line_shadow: str) -> tuple[int, int, int] | None:
    """(level, number, end of marker) of an outline heading, or None."""
    for level, pat in _MARKERS:
        m = pat.match(line_shadow)
        if m:
            raw = m.group(1)
            if level == 2 and raw in _PAREN_NUM:
                num = cn_number(_PAREN_NUM[raw])
            elif level in (1, 2):
                num = cn_number(raw)
            elif level == 5:
                num = ord(raw) - 0x2460 + 1
            else:
                num = int(raw)
            if num is None or num == 0:
                return None
            return level, num, m.end()
    return None


# --- the tree -------------------------------------------------------------------------


@dataclass
class Node:
    """An outline heading with the lines under it and its sub-headings."""

    level: int
    number: int
    heading: str  # original text after the marker
    heading_sh: str
    body: list[tuple[str, str]] = field(default_factory=list)  # (original, shadow)
    children: list[Node] = field(default_factory=list)
    # the heading is a title as it stands (a Word heading, a table's 事项 cell)
    titled: bool = False
    # the cells of a plan-table row: due, departments, support, target (original text)
    fields: dict[str, str] = field(default_factory=dict)

    def full_text(self) -> str:
        return "".join([self.heading, *(b for b, _ in self.body)])

    def lines_text(self) -> str:
        """Heading and body, one line each (a line break ends a sentence)."""
        return "\n".join(x for x in [self.heading, *(b for b, _ in self.body)] if x)

    def walk(self) -> list[Node]:
        """Every node below this one, in reading order."""
        out: list[Node] = []
        stack = list(reversed(self.children))
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(reversed(node.children))
        return out


def split_lines(text: str) -> list[tuple[str, str]]:
    """(original, shadow) lines, run-together outlines split at their markers."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    out: list[tuple[str, str]] = []
    for raw in text.split("\n"):
        sh = shadow(raw)
        cuts = [m.start() for m in _INLINE_BREAK.finditer(raw)] if len(raw) > 40 else []
        pos = 0
        for cut in [*cuts, len(raw)]:
            if cut > pos:
                piece, piece_sh = raw[pos:cut], sh[pos:cut]
                lead = len(piece) - len(piece.lstrip(" \t\u3000\u00a0"))
                piece, piece_sh = piece[lead:].rstrip(), piece_sh[lead:].rstrip()
                if piece:
                    out.append((piece, piece_sh))
            pos = cut
    return out


@dataclass
class Line:
    """A line of a Word document: ``outline`` is the heading level Word gives it (1 = top,
    ``None``: body text), ``label`` the length of the automatic list label it starts with."""

    orig: str
    sh: str
    outline: int | None = None
    label: int = 0


@dataclass
class Rows:
    """The rows of a plan table, in the place of the table: nodes at ``level`` (2: areas or
    phases, 3: tasks), with their own children."""

    nodes: list[Node]
    level: int


Entry = tuple[str, str] | Line | Rows


def _label_marker(label_sh: str) -> tuple[int, int, int] | None:
    """An automatic label without punctuation (``一`` + tab) read as if it had its 、."""
    label = label_sh.strip()
    mk = _marker(label) or (_marker(label + "、") if label else None)
    return (mk[0], mk[1], len(label_sh)) if mk else None


BULLETS = "•●○◦■□▪▫◆◇◎★☆✓✔➢➤►▶-–—*·"
BULLET_LEVEL = 5  # a bulleted item sits below whatever heading is above it


def entry_marker(sh: str, label: int = 0) -> tuple[int, int, int] | None:
    """(level, number, end of marker) of a line, its automatic label of ``label``
    characters included."""
    mk = _marker(sh)
    if mk is None and label:
        mk = _label_marker(sh[:label])
    return mk


def build_tree(entries: Sequence[Entry]) -> tuple[list[tuple[str, str]], list[Node]]:
    """Preamble lines and top-level nodes; a restart of 一、 numbering ends the plan
    (what follows is an attachment such as an appraisal scheme).

    A Word heading without a number in its text or label takes its outline level and the
    next number among its siblings, a bulleted paragraph is an item of the heading above;
    a plan table's rows take their place under the heading above them."""
    root = Node(0, 0, "", "")
    stack: list[Node] = [root]
    preamble: list[tuple[str, str]] = []
    last_top = 0
    for entry in entries:
        if isinstance(entry, Rows):
            while len(stack) > 1 and stack[-1].level >= entry.level:
                stack.pop()
            stack[-1].children.extend(entry.nodes)
            continue
        if isinstance(entry, Line):
            orig, sh, outline, label = entry.orig, entry.sh, entry.outline, entry.label
        else:
            (orig, sh), outline, label = entry, None, 0
        mk = entry_marker(sh, label)
        if mk is None and label and sh[:label].strip()[:1] in BULLETS:
            # a Word bullet: an item of the heading above, numbered in its turn
            while len(stack) > 1 and stack[-1].level >= BULLET_LEVEL:
                stack.pop()
            siblings = [c for c in stack[-1].children if c.level == BULLET_LEVEL]
            mk = (BULLET_LEVEL, (siblings[-1].number if siblings else 0) + 1, label)
        if mk is None and outline is not None:
            while len(stack) > 1 and stack[-1].level >= outline:
                stack.pop()
            siblings = [c for c in stack[-1].children if c.level == outline]
            mk = (outline, (siblings[-1].number if siblings else 0) + 1, 0)
        if mk is None:
            if stack[-1] is root:
                if not root.children:
                    preamble.append((orig, sh))
                continue
            stack[-1].body.append((orig, sh))
            continue
        level, number, end = mk
        if level == 1:  # a list before any 一、 heading (plain numbered plans) still counts
            if last_top and number <= last_top:
                break
            last_top = number
        node = Node(level, number, orig[end:].strip(), sh[end:].strip(), titled=outline is not None)
        while len(stack) > 1 and stack[-1].level >= level:
            stack.pop()
        stack[-1].children.append(node)
        stack.append(node)
    return preamble, root.children


def numbered_children(node: Node) -> list[Node]:
    """The numbered items (1、 (1) ①) directly under a heading."""
    return [c for c in node.children if c.level >= 3]


# --- section vocabulary ---------------------------------------------------------------

TASK_SECTION = (
    "任务目标",
    "主要任务",
    "重点任务",
    "工作任务",
    "整改任务",
    "整改措施",
    "整改内容",
    "活动内容",
    "工作内容",
    "主要内容",
    "重点工作",
    "重点内容",
    "具体措施",
    "具体任务",
    "提升措施",
    "改进措施",
    "主要措施",
    "目标任务",
)
PHASE_SECTION = (
    "活动步骤",
    "实施步骤",
    "工作步骤",
    "方法步骤",
    "活动安排",
    "时间安排",
    "进度安排",
    "实施阶段",
    "工作安排",
    "步骤安排",
    "活动阶段",
    "实施计划",
)
SKIP_SECTION = (
    "指导思想",
    "总体要求",
    "总体目标",
    "工作目标",
    "活动目标",
    "基本原则",
    "活动范围",
    "实施范围",
    "评选范围",
    "活动主题",
    "组织领导",
    "组织机构",
    "领导机构",
    "领导小组",
    "工作要求",
    "活动要求",
    "保障措施",
    "工作措施",
    "有关要求",
    "其他要求",
    "调查反馈",
    "存在问题",
    "主要问题",
    "奖励措施",
    "评选标准",
    "评选办法",
    "考核办法",
    "附件",
    "附则",
)


def section_kind(heading_sh: str) -> tuple[str, str | None]:
    """('task'|'phase'|'skip'|'other', keyword matched)."""
    head = heading_sh.strip()[:24]
    for kind, words in (("phase", PHASE_SECTION), ("task", TASK_SECTION), ("skip", SKIP_SECTION)):
        for word in words:
            if head.startswith(word) or (word in head[:12] and len(head) <= 16):
                return kind, word
    return "other", None


def phase_kind(name_sh: str) -> str:
    """The kind of a phase from its name (动员 → mobilise, 整改 → rectify …)."""
    for kind, words in (
        ("self_check", ("自查",)),
        ("mobilise", ("动员", "部署", "宣传", "学习", "启动", "准备")),
        ("review", ("总结",)),
        ("assess", ("考核", "评比", "验收", "表彰", "评估", "检查")),
        ("rectify", ("整改", "实施", "落实", "推进", "提高")),
        ("review", ("提升", "巩固", "长效")),
    ):
        if any(w in name_sh for w in words):
            return kind
    return "rectify"
