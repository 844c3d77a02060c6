"""One task read from its outline node: title, full text, deadline (整改时限：…),
responsible departments (责任科室：…, the first is the lead) and a measurable target where
one is stated (满意度＞95%, 不超过15分钟)."""

from __future__ import annotations

import re

from lib.domain.plan.dates import parse_single_date
from lib.domain.plan.draft import PlanTarget, PlanTask
from lib.domain.plan.outline import Node
from lib.domain.plan.text import CLAUSE, shadow, short_title, strip_end

_DEPT_LABEL = re.compile(
    r"(责任科室|责任部门|责任单位|牵头科室|牵头部门|牵头单位|负责科室|负责部门|责任处室|承办科室)\s*[:：]\s*"
)
_DUE_LABEL = re.compile(r"(整改时限|完成时限|完成时间|整改期限|时限|截止时间|完成期限)\s*[:：]\s*")
_DEPT_SUFFIX = re.compile(
    r"(科室|科|室|站|部|处|办|中心|院|组|委|局|所|队|班|馆|库|房|团|会|支部|党委|门诊|病区)$"
)
_DEPT_DROP = re.compile(r"(等科室|等部门|等单位|等|牵头|配合|负责|参与|协助)$")

_TARGET_HIGHER = re.compile(
    r"(?:>=|>|≥|不低于|不少于|达到|达|高于|超过|在)?\s*(\d{1,4}(?:\.\d+)?)\s*%\s*(?:以上|及以上)?"
)
_TARGET_LOWER = re.compile(
    r"(?:(?:<=|<|≤|不超过|不高于|不多于|小于|低于|少于|控制在)\s*(\d{1,4}(?:\.\d+)?)\s*"
    r"(分钟|小时|秒|天|日|%|个工作日)"
    r"|(\d{1,4}(?:\.\d+)?)\s*(分钟|小时|秒|天|个工作日)\s*(?:内|以内|之内))"
)
_TARGET_HINT = re.compile(r"(满意|评价率|达标|合格|知晓|及时率|完成率|覆盖率|准确率|成功率|率)")
_LEAD_VERBS = re.compile(r"^(力争|确保|努力|实现|做到|保证|使|争取|力求|要求)")


def _departments(text: str) -> list[str]:
    """The departments named after 责任科室：… up to the end of the sentence, in order."""
    out: list[str] = []
    text = re.split(r"[。\n]", text, maxsplit=1)[0]
    for part in re.split(r"[、，,；;/／\s]+", text):
        name = part.strip().strip("“”\"'（）()")
        for _ in range(2):
            name = _DEPT_DROP.sub("", name).strip()
        if not name or len(name) > 30:
            continue
        if name in ("全体干部职工", "全体职工", "全院", "各科室") and out:
            continue
        if _DEPT_SUFFIX.search(shadow(name)) and name not in out:
            out.append(name)
    return out


def find_target(text: str) -> PlanTarget | None:
    """A measurable target stated in ``text`` (满意度＞95%, 不超过15分钟, 1分钟内出车)."""
    sh = shadow(text)
    pos = 0
    for clause_end in [*(m.start() for m in CLAUSE.finditer(sh)), len(sh)]:
        clause_sh = sh[pos:clause_end]
        clause = text[pos:clause_end]
        pos = clause_end + 1
        if len(clause_sh) > 120:
            continue
        low = _TARGET_LOWER.search(clause_sh)
        if low:
            value = low.group(1) or low.group(3)
            unit = low.group(2) or low.group(4)
            return PlanTarget(_clean_target(clause), float(value), "lower", unit)
        if "%" in clause_sh and _TARGET_HINT.search(clause_sh):
            high = None
            for m in _TARGET_HIGHER.finditer(clause_sh):
                high = m
            if high:
                return PlanTarget(_clean_target(clause), float(high.group(1)), "higher", "%")
    return None


def _clean_target(clause: str) -> str:
    clause = clause.strip()
    stripped = _LEAD_VERBS.sub("", clause).strip()
    return (stripped or clause)[:300]


def task_from_node(
    node: Node, code: str, default_year: int | None, *, heading_title: bool
) -> PlanTask:
    """A task from an outline node: title, full text, due, departments, target."""
    text = node.full_text()
    if heading_title:
        title = strip_end(node.heading)[:200] or short_title(text)
    else:
        title = short_title(text)
    desc = re.sub(r"\s+", " ", text).strip()
    task = PlanTask(code=code, title=title, description=desc[:4000])
    for orig, sh in [(node.heading, node.heading_sh), *node.body]:
        m = _DEPT_LABEL.search(sh)
        if m and not task.departments:
            task.departments = _departments(orig[m.end() :])
        m = _DUE_LABEL.search(sh)
        if m and task.due is None:
            task.due = parse_single_date(sh[m.end() :], default_year)
    task.target = find_target(text if len(text) < 20000 else text[:20000])
    return task
