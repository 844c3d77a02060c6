"""One task read from its outline node: title, full text, deadline (整改时限：…, a table's
时限 cell, or prose: 6月底前完成), responsible departments (责任科室：…, a table's
责任科室 cell, （市公安局负责，…参与）, 由…负责, 医务科牵头; the first is the lead) and a
measurable target where one is stated (满意度＞95%, 不超过15分钟).

Titles: the item's heading sentence (a heading of up to 60 characters is kept whole; a
longer one is cut at a clause within 40 characters and the task says so), never running
into the next line; department brackets are left out of the title."""

from __future__ import annotations

import re

from lib.domain.plan.dates import parse_single_date, prose_due
from lib.domain.plan.draft import PlanTarget, PlanTask
from lib.domain.plan.outline import Node
from lib.domain.plan.text import CLAUSE, shadow, short_title, strip_end

_DEPT_LABEL = re.compile(
    r"(责任科室|责任部门|责任单位|牵头科室|牵头部门|牵头单位|负责科室|负责部门|责任处室|承办科室)\s*[:：]\s*"
)
_DUE_LABEL = re.compile(r"(整改时限|完成时限|完成时间|整改期限|时限|截止时间|完成期限)\s*[:：]\s*")
_DEPT_SUFFIX = re.compile(
    r"(科室|科|室|站|部|处|办|中心|院|组|委|局|所|队|班|馆|库|房|团|会|支部|党委|门诊|病区|厅|署|司|"
    r"府|公司|街道|社区|办事处)$"
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


def _without_verbs(part: str) -> str:
    """A name without quotes, brackets and a closing 等 / 牵头 / 负责 / 参与 … (matched on
    the shadow, so 負責 and 參與 go too)."""
    name = part.strip().strip("“”\"'（）()")
    for _ in range(2):
        m = _DEPT_DROP.search(shadow(name))
        if m is None:
            break
        name = name[: m.start()].strip()
    return name


def _departments(text: str) -> list[str]:
    """The departments named after 责任科室：… up to the end of the sentence, in order."""
    out: list[str] = []
    text = re.split(r"[。\n]", text, maxsplit=1)[0]
    for part in re.split(r"[、，,；;/／\s]+", text):
        name = _without_verbs(part)
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


# --- departments in prose ---------------------------------------------------------------

_DEPT_VERB = re.compile(r"(负责|牵头|参与|配合|协助|协办)")
_PAREN = re.compile(r"\(([^()]{2,80})\)")
_BY = re.compile(
    r"由([^,;:!?。，；：！？\n]{2,60}?)(?:牵头)?(?:负责|组织实施|承担|实施|落实)(?!人)"
)
_LEAD_CLAUSE = re.compile(r"^(?:由)?(.{2,40}?)(?:牵头负责|牵头|负责)(?:落实|实施|组织)?$")
_SUPPORT_CLAUSE = re.compile(r"^(.{2,60}?)(?:配合|参与|协助|协办|共同负责)$")
_COLLECTIVE = re.compile(r"^(全体|各|全院|全中心|相关|有关|其他|其余)")
_INNER_PAREN = re.compile(r"\([^()]*\)")


def _strict_departments(text: str) -> list[str]:
    """Departments when every name in ``text`` reads as one (科、室、局、中心 …), else []."""
    text = _INNER_PAREN.sub("", shadow(text)) if "(" in shadow(text) else text
    out: list[str] = []
    for part in re.split(r"[、，,；;/／\s]+|和|及|与", text):
        name = _without_verbs(part)
        if not name:
            continue
        if _COLLECTIVE.match(name):
            continue
        if len(name) > 30 or not _DEPT_SUFFIX.search(shadow(name)):
            return []
        if name not in out:
            out.append(name)
    return out


def _paren_group(orig: str, sh: str) -> tuple[list[str], int, int] | None:
    """The first bracket naming the responsible departments: （省卫生计生委负责，省财政厅
    参与）or （责任单位：…）anywhere; a bare list such as （市公安局）only where it closes
    the item's first sentence or the item, and not right after a department's name
    (办公室（党办） names one office twice)."""
    first_end = _SENTENCE.search(sh)
    ends = {len(sh.rstrip()), first_end.start() if first_end else len(sh)}
    if "\n" in sh:
        ends.add(sh.index("\n"))
    for m in _PAREN.finditer(sh):
        inner, inner_sh = orig[m.start(1) : m.end(1)], m.group(1)
        label = _DEPT_LABEL.match(inner_sh.strip())
        if label:
            names = _departments(inner.strip()[label.end() :])
        elif _DEPT_VERB.search(inner_sh) or (
            m.end() in ends
            and not _DEPT_SUFFIX.search(sh[max(0, m.start() - 40) : m.start()].rstrip())
        ):
            names = _strict_departments(inner)
        else:
            continue
        if names:
            return names, m.start(), m.end()
    return None


def _clause_departments(orig: str, sh: str) -> list[str]:
    """医务科牵头，护理部、门诊部配合 / 由市疾控中心负责 / 由办公室负责统筹…."""
    pos = 0
    clauses: list[tuple[str, str]] = []
    for cut in [*(c.start() for c in re.finditer(r"[,;。!?\n]", sh)), len(sh)]:
        clauses.append((orig[pos:cut].strip(), sh[pos:cut].strip()))
        pos = cut + 1
    for i, (c_orig, c_sh) in enumerate(clauses):
        lead = _LEAD_CLAUSE.match(c_sh)
        if not lead:
            continue
        names = _strict_departments(c_orig[lead.start(1) : lead.end(1)])
        if not names:
            continue
        if i + 1 < len(clauses):
            support = _SUPPORT_CLAUSE.match(clauses[i + 1][1])
            if support:
                more = _strict_departments(clauses[i + 1][0][: support.end(1)])
                names += [n for n in more if n not in names]
        return names
    m = _BY.search(sh)
    return _strict_departments(orig[m.start(1) : m.end(1)]) if m else []


_DUE_CLAUSE = re.compile(
    r"(?:于|在|力争|确保|争取|要|须|必须)?\s*(?:(?:19|20)[\dxX×*]{2}\s*年\s*)?\d{1,2}\s*月\s*"
    r"(?:\d{1,2}\s*[日号]|上旬|中旬|下旬|底|初|末)?\s*(?:前|以前|之前)?\s*(?:全部|全面|基本)?\s*"
    r"(?:完成|到位|落实到位)"
)


def _clean_title(title: str) -> str:
    """The title without a department bracket, a closing 由…负责 clause or a closing
    deadline clause (，2026年6月底前完成: the deadline is the task's due date)."""
    sh = shadow(title)
    found = _paren_group(title, sh)
    if found and found[2] >= len(sh.rstrip()) - 1:
        title = strip_end(title[: found[1]] + title[found[2] :])
        sh = shadow(title)
    m = re.search(r"[,，]\s*由[^,，]{2,60}$", sh)
    if m and _clause_departments(title[m.start() + 1 :], sh[m.start() + 1 :]):
        title = strip_end(title[: m.start()])
        sh = shadow(title)
    m = re.search(r",([^,]{4,30})$", sh)
    if m and _DUE_CLAUSE.fullmatch(m.group(1).strip()):
        title = strip_end(title[: m.start()])
    return title


# --- titles -----------------------------------------------------------------------------

TITLE_KEEP = 60  # a heading sentence up to this length is the title as it stands
TITLE_CUT = 40  # a longer one is cut at a clause boundary within this many characters
_SENTENCE = re.compile(r"[。；;！!？?]|(?<!\d)\.(?!\d)")
_CLAUSE_CUT = re.compile(r"[，,、：:；;（(]")


def heading_sentence(text: str) -> str:
    """The first sentence of a heading, without its closing punctuation."""
    return strip_end(_SENTENCE.split(text.strip(), maxsplit=1)[0])


def cap_title(title: str) -> tuple[str, bool]:
    """(title, cut): a title longer than TITLE_KEEP is cut at its last clause boundary
    within TITLE_CUT characters (or at TITLE_CUT)."""
    if len(title) <= TITLE_KEEP:
        return title, False
    cuts = [m.start() for m in _CLAUSE_CUT.finditer(title, 0, TITLE_CUT + 1) if m.start() >= 8]
    return strip_end(title[: cuts[-1]] if cuts else title[:TITLE_CUT]), True


def task_from_node(
    node: Node, code: str, default_year: int | None, *, heading_title: bool
) -> PlanTask:
    """A task from an outline node: title, full text, due, departments, target."""
    text = node.full_text()
    first = node.heading or (node.body[0][0] if node.body else "")
    if heading_title or node.titled:
        title = heading_sentence(first) or short_title(text)
    else:
        title = short_title(first) or short_title(text)
    title, cut = cap_title(_clean_title(title) or title)
    lines = [re.sub(r"[ \t\u3000]+", " ", x).strip() for x in node.lines_text().splitlines()]
    desc = "\n".join(x for x in lines if x)
    task = PlanTask(code=code, title=title, description=desc[:4000], title_cut=cut)
    rows = [(node.heading, node.heading_sh), *node.body]
    if node.fields:
        if node.fields.get("due"):
            task.due = parse_single_date(shadow(node.fields["due"]), default_year)
        names = _departments(node.fields.get("departments", ""))
        names += [n for n in _departments(node.fields.get("support", "")) if n not in names]
        task.departments = names
    for orig, sh in rows:
        m = _DEPT_LABEL.search(sh)
        if m and not task.departments and not node.fields:
            task.departments = _departments(orig[m.end() :])
        m = _DUE_LABEL.search(sh)
        if m and task.due is None and not node.fields.get("due"):
            task.due = parse_single_date(sh[m.end() :], default_year)
    joined = "\n".join(orig for orig, _ in rows)[:20000]
    joined_sh = shadow(joined)
    if not task.departments and not node.fields.get("departments"):
        found = _paren_group(joined, joined_sh)
        task.departments = found[0] if found else _clause_departments(joined, joined_sh)
    if task.due is None and not node.fields.get("due"):
        task.due = prose_due(joined_sh, default_year)
    target_text = node.fields.get("target") or text
    task.target = find_target(target_text if len(target_text) < 20000 else target_text[:20000])
    if task.target is None and node.fields.get("target"):
        task.target = find_target(text if len(text) < 20000 else text[:20000])
    return task
