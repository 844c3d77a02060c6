"""A plan (its text, or a Word document as :mod:`lib.domain.plan.document`) into a
:class:`~lib.domain.plan.draft.PlanDraft`, in named steps:

0. a year the office gives fills the placeholder years (20xx年) first;
1. lines without noise (a Word document's headings with their outline level and list
   label, its plan tables as rows of tasks or phases in their place), built into an
   outline tree (:mod:`lib.domain.plan.outline`, :mod:`lib.domain.plan.tables`);
2. the title from the preamble, the plan's year (:func:`lib.domain.plan.dates.document_year`);
3. phases: the headings under the phase sections, dated, years carried from phase to phase;
4. areas: the task sections, their sub-headings as areas and numbered items as tasks;
5. work items under the phases when the task sections give fewer than three tasks;
6. a flat area for a plain numbered list without any 一、 sections;
7. task codes made unique;
8. notes for the office: years written 20xx, dates without any year (nothing is guessed:
   such dates stay empty).

Each task's deadline, departments and target are read by
:func:`lib.domain.plan.tasks.task_from_node`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from lib.domain.plan.dates import (
    DATE_PART,
    MONTH_DATE,
    document_year,
    fill_year,
    parse_date_range,
    year_placeholders,
)
from lib.domain.plan.document import PlanDocument, PlanParagraph, PlanSource, source_text
from lib.domain.plan.draft import PlanArea, PlanDraft, PlanPhase
from lib.domain.plan.outline import (
    Entry,
    Line,
    Node,
    Rows,
    build_tree,
    entry_marker,
    numbered_children,
    phase_kind,
    section_kind,
    split_lines,
)
from lib.domain.plan.tables import table_rows
from lib.domain.plan.tasks import task_from_node
from lib.domain.plan.text import CLAUSE, cn_code, is_noise, shadow, short_title, strip_end


def parse_plan(
    source: PlanSource, *, today: dt.date | None = None, year: int | None = None
) -> PlanDraft:
    """Parse a plan (text or Word document) into a :class:`PlanDraft` (never raises on any
    input). ``year`` is the plan's year when the office gives it: it replaces the
    placeholder years (20xx年) and dates without a year take it when the plan names none."""
    if year is not None:
        given = year
        if isinstance(source, str):
            source = fill_year(source, given)
        else:
            source = source.map_text(lambda s: fill_year(s, given))
    entries, lines = _entries(source)
    preamble, tops = build_tree(entries)
    title = _title(preamble[:40])
    doc_year, doc_date = document_year(lines, shadow(title or ""))
    year = doc_year or year
    phase_nodes = _phase_nodes(tops)
    phases = _phases(phase_nodes, year)
    if year is None:
        year = next((p.start.year for p in phases if p.start), None)
    areas = _section_areas(tops, year)
    if sum(len(a.tasks) for a in areas) < 3:
        areas += _phase_work_areas(phase_nodes, phases, year)
    if not areas:
        areas = _flat_area(tops, title, year)
    _unique_codes(areas)
    draft = PlanDraft(title=title, phases=phases, areas=areas, document_date=doc_date)
    draft.notes = _notes(source, year)
    return draft


# --- lines ------------------------------------------------------------------------------


def _entries(source: PlanSource) -> tuple[list[Entry], list[tuple[str, str]]]:
    """The outline entries and every line of text (for the plan's year)."""
    if isinstance(source, str):
        lines = [(o, s) for o, s in split_lines(source) if not is_noise(o, s)]
        return list(lines), lines
    return _document_entries(source)


_TITLE_WORDS = re.compile(r"(方案|计划|意见|通知|办法|细则|要点|决定)")


def _document_entries(doc: PlanDocument) -> tuple[list[Entry], list[tuple[str, str]]]:
    """A Word document's entries: headings keep their outline level (the shallowest used
    becomes level 1; a title-like heading before any outline is the document title),
    body lines stay lines, plan tables become rows in their place."""
    entries: list[Entry] = []
    lines: list[tuple[str, str]] = []
    for block in doc.blocks:
        if isinstance(block, PlanParagraph):
            _paragraph_entries(block, entries, lines)
            continue
        rows = table_rows(block.rows)
        cell_lines = [
            (o, s)
            for row in block.rows
            for o, s in split_lines("，".join(_distinct(row)))
            if not is_noise(o, s)
        ]
        lines.extend(cell_lines)
        if rows is not None and rows.nodes:
            entries.append(rows)
        elif rows is None:
            for row in block.rows:
                cells = _distinct(row)
                text = (
                    cells[0] if len(cells) == 1 else "，".join(" ".join(c.split()) for c in cells)
                )
                entries.extend((o, s) for o, s in split_lines(text) if not is_noise(o, s))
    return _levelled(entries), lines


def _distinct(row: list[str]) -> list[str]:
    """A row's cells without the repeats of a merged cell, empty ones left out."""
    out: list[str] = []
    for cell in row:
        cell = cell.strip()
        if cell and (not out or out[-1] != cell):
            out.append(cell)
    return out


def _paragraph_entries(
    block: PlanParagraph, entries: list[Entry], lines: list[tuple[str, str]]
) -> None:
    for i, (orig, sh) in enumerate(split_lines(block.shown)):
        if is_noise(orig, sh):
            continue
        lines.append((orig, sh))
        label = len(block.label.rstrip()) if i == 0 and block.label.strip() else 0
        if i == 0 and (block.outline is not None or label):
            entries.append(Line(orig, sh, block.outline, label))
        else:
            entries.append((orig, sh))


def _has_marker(line: Line) -> bool:
    return entry_marker(line.sh, line.label) is not None


def _levelled(entries: list[Entry]) -> list[Entry]:
    """Outline levels made relative (the shallowest heading is level 1); a title-like
    heading before any outline is a plain line (the document's title)."""
    out: list[Entry] = []
    outlined = False
    for entry in entries:
        if isinstance(entry, Line) and entry.outline is not None and not outlined:
            if not _has_marker(entry) and _is_title_heading(entry, first=not out):
                out.append((entry.orig, entry.sh))
                continue
            outlined = True
        elif (
            isinstance(entry, Rows)
            or (isinstance(entry, Line) and _has_marker(entry))
            or (isinstance(entry, tuple) and entry_marker(entry[1]) is not None)
        ):
            outlined = True
        out.append(entry)
    levels = [e.outline for e in out if isinstance(e, Line) and e.outline is not None]
    base = min(levels) if levels else 1
    for e in out:
        if isinstance(e, Line) and e.outline is not None:
            e.outline = max(1, min(5, e.outline - base + 1))
    return out


def _is_title_heading(line: Line, *, first: bool) -> bool:
    if section_kind(line.sh)[0] != "other":
        return False
    return first or bool(_TITLE_WORDS.search(line.sh[:60]))


# --- notes ------------------------------------------------------------------------------


def _notes(source: PlanSource, year: int | None) -> list[tuple[str, dict[str, Any]]]:
    """What the office must know about the dates: placeholder years, no year at all."""
    sh = shadow(source_text(source))
    notes: list[tuple[str, dict[str, Any]]] = []
    placeholders = year_placeholders(sh)
    if placeholders:
        notes.append(
            ("plan.warn_year_placeholder", {"count": len(placeholders), "text": placeholders[0]})
        )
    elif year is None and MONTH_DATE.search(sh):
        notes.append(("plan.warn_year_unknown", {}))
    return notes


# --- title ----------------------------------------------------------------------------

_ISSUE_PREFIX = re.compile(r"^(关于)?(印发|下发|转发|发布)")
_QUOTED_TITLE = re.compile(r"(?:关于)?(?:印发|下发|转发|发布)[^《]{0,20}《([^》]{2,120})》")


def _title(preamble: list[tuple[str, str]]) -> str | None:
    """The plan's title: quoted in an issuing notice (印发《…》), else the first line naming
    a 方案 / 计划 / 实施意见, else the first line of some length."""
    joined = "".join(o.strip() for o, _ in preamble)
    m = _QUOTED_TITLE.search(shadow(joined))
    if m:
        return re.sub(r"\s+", " ", joined[m.start(1) : m.end(1)]).strip()
    for i, (orig, sh) in enumerate(preamble):
        title = _plan_word_title(orig, sh)
        if title is not None:
            # an organisation name on its own line just above belongs to the title
            if i > 0 and _is_organisation_line(preamble[i - 1][1]):
                title = preamble[i - 1][0].strip() + title
            return title.strip()
    for orig, sh in preamble:
        s = sh.strip()
        if len(s) >= 4 and not s.endswith((":", "：")):
            return strip_end(orig)[:60]
    return None


def _plan_word_title(orig: str, sh: str) -> str | None:
    """The line up to 方案 / 计划 / 实施意见 when one of them comes early in it."""
    s = sh.strip()
    if _ISSUE_PREFIX.match(s) or s.startswith("《"):
        return None
    for word in ("方案", "计划", "实施意见"):
        pos = s.find(word)
        if 0 <= pos <= 60:
            return orig.strip()[: pos + len(word)]
    return None


def _is_organisation_line(sh: str) -> bool:
    return len(sh.strip()) <= 20 and not CLAUSE.search(sh) and not _ISSUE_PREFIX.match(sh.strip())


# --- phases ---------------------------------------------------------------------------

_HAS_YEAR = re.compile(r"(19|20)\d{2}")


def _phase_nodes(tops: list[Node]) -> list[Node]:
    """The phase headings: those under the phase sections, else headings such as
    （一）动员部署阶段（…）anywhere in the plan."""
    nodes: list[Node] = []
    for node in tops:
        if section_kind(node.heading_sh)[0] == "phase":
            nodes.extend(c for c in node.children if c.level == 2)
            if not nodes:
                nodes.extend(c for c in node.children if c.level >= 3)
    if nodes:
        return nodes
    return [
        child
        for node in tops
        for child in node.walk()
        if "阶段" in child.heading_sh[:20] and DATE_PART.search(child.heading_sh[:60])
    ]


def _phases(nodes: list[Node], year: int | None) -> list[PlanPhase]:
    """The dated phases; a missing year is the one of the phase before (or the plan's)."""
    phases: list[PlanPhase] = []
    running_year = year
    prev_end: dt.date | None = None
    for pn in nodes:
        phase, used = _read_phase(pn, running_year)
        if (
            phase.start
            and prev_end
            and phase.start < prev_end - dt.timedelta(days=31)
            and not _HAS_YEAR.search(pn.heading_sh[:60])
        ):
            # month went backwards without a year: the plan crossed into the next year
            phase.start = _next_year(phase.start)
            if phase.end:
                phase.end = _next_year(phase.end)
        if used:
            running_year = (phase.end or phase.start or dt.date(used, 1, 1)).year
        if phase.end or phase.start:
            prev_end = phase.end or phase.start
        phases.append(phase)
    _fill_gaps(phases)
    return phases


def _read_phase(node: Node, year: int | None) -> tuple[PlanPhase, int | None]:
    """A phase from its heading (name up to the first date or bracket) and the year used."""
    head, head_sh = node.heading, node.heading_sh
    first_date = DATE_PART.search(head_sh)
    cut = len(head_sh)
    for ch in ("(", ":", "。", ";", ","):
        p = head_sh.find(ch)
        if 0 <= p < cut:
            cut = p
    if first_date and first_date.start() < cut:
        cut = first_date.start()
    name = strip_end(head[:cut]).strip("（(")
    name = re.sub(r"^第[一二三四五六七八九十\d]+阶段\s*[:：]?\s*", "", name) or name
    name = name[:60] or strip_end(head)[:60]
    probe = head_sh[:200]
    start, end, used = parse_date_range(probe, year)
    if start is None and node.body:
        start, end, used = parse_date_range(node.body[0][1][:120], year)
    return PlanPhase(name=name, start=start, end=end, kind=phase_kind(shadow(name))), used


def _next_year(day: dt.date) -> dt.date:
    """The same day a year later (29 February stays where it is)."""
    return day.replace(year=day.year + 1) if day.month != 2 or day.day < 29 else day


def _fill_gaps(phases: list[PlanPhase]) -> None:
    """A phase without a start begins the day after the one before; without an end, it
    ends the day before the next one."""
    for i, ph in enumerate(phases):
        if ph.start is None and i > 0 and phases[i - 1].end:
            prev = phases[i - 1].end
            assert prev is not None
            ph.start = prev + dt.timedelta(days=1)
        if ph.end is None and i + 1 < len(phases) and phases[i + 1].start:
            nxt = phases[i + 1].start
            assert nxt is not None
            ph.end = nxt - dt.timedelta(days=1)
        if ph.start and ph.end and ph.end < ph.start:
            ph.end = None


# --- areas ----------------------------------------------------------------------------

# a principle or slogan, not work (seed 001 §四: 坚持“以病人为中心”…): a title that opens
# with such a verb and quotes a motto, or is little more than a quoted motto
_SLOGAN_VERB = re.compile(r"^(?:始终|牢固|切实)?(?:坚持|树立|弘扬|践行|倡导|秉承|奉行|围绕|贯彻)")
_QUOTED = re.compile(r"[“\"「『][^”\"」』]{2,30}[”\"」』]")


def is_slogan(title: str) -> bool:
    """A task title that is a slogan or principle rather than a piece of work."""
    sh = shadow(title).strip()
    quoted = _QUOTED.findall(sh)
    if not quoted:
        return False
    rest = _QUOTED.sub("", sh)
    return bool(_SLOGAN_VERB.match(sh)) or len(re.sub(r"[\W_]", "", rest)) <= 4


def _task_sections(tops: list[Node]) -> list[Node]:
    """The task sections, else every section (not skipped) that has sub-headings."""
    sections = [n for n in tops if section_kind(n.heading_sh)[0] == "task"]
    if sections:
        return sections
    return [
        n
        for n in tops
        if section_kind(n.heading_sh)[0] == "other" and any(c.level >= 2 for c in n.walk())
    ]


def _section_areas(tops: list[Node], year: int | None) -> list[PlanArea]:
    areas: list[PlanArea] = []
    for section in _task_sections(tops):
        areas.extend(_areas_of_section(section, year))
    return areas


def _areas_of_section(sec: Node, year: int | None) -> list[PlanArea]:
    """A sub-heading with numbered items is an area of its own; the other sub-headings
    (and a section without any) are tasks of an area named after the section."""
    word = section_kind(sec.heading_sh)[1]
    loose = PlanArea(title=_section_title(sec, word), code=cn_code(sec.number))
    grouped: list[tuple[PlanArea, list[Node]]] = []
    for child in sec.children:
        items = numbered_children(child) if child.level == 2 else []
        if items:
            title = short_title(child.heading, 20, merge_short=False)
            grouped.append((PlanArea(title=title, code=cn_code(child.number)), items))
        elif child.level == 2:
            code = str(len(loose.tasks) + 1)
            loose.tasks.append(task_from_node(child, code, year, heading_title=True))
        else:
            loose.tasks.append(task_from_node(child, str(child.number), year, heading_title=False))
    body = _section_body(sec, word)
    if body is not None and not is_slogan(
        task_from_node(body, "1", year, heading_title=False).title
    ):
        loose.tasks.append(task_from_node(body, "1", year, heading_title=False))
    _number_items(grouped, year)
    return ([loose] if loose.tasks else []) + [area for area, _ in grouped]


def _section_title(sec: Node, word: str | None) -> str:
    head = strip_end(sec.heading)
    title = word if word and len(head) > len(word) + 8 else head
    return short_title(title, 20) or (word or "")


def _section_body(sec: Node, word: str | None) -> Node | None:
    """A section without sub-headings as one task: its lines, or the text run together
    with its heading (web copies: 四、活动内容坚持…)."""
    if sec.children:
        return None
    body_lines = list(sec.body)
    if not body_lines and word and len(sec.heading_sh) > len(word) + 8:
        cut = sec.heading_sh.find(word) + len(word)
        body_lines = [(sec.heading[cut:], sec.heading_sh[cut:])]
    return Node(3, 1, "", "", body=body_lines) if body_lines else None


def _number_items(grouped: list[tuple[PlanArea, list[Node]]], year: int | None) -> None:
    """Plan-wide numbering (1…45) keeps its codes; numbering restarting per area becomes
    area.item (1.1, 1.2 … 2.1)."""
    numbers = [n.number for _, items in grouped for n in items]
    continuous = numbers == list(range(numbers[0], numbers[0] + len(numbers))) if numbers else True
    for idx, (area, items) in enumerate(grouped, start=1):
        for n in items:
            code = str(n.number) if continuous else f"{idx}.{n.number}"
            area.tasks.append(task_from_node(n, code, year, heading_title=False))


def _phase_work_areas(
    phase_nodes: list[Node], phases: list[PlanPhase], year: int | None
) -> list[PlanArea]:
    """Work items numbered under their phases (plans such as 001), an area per phase."""
    areas: list[PlanArea] = []
    for pn, ph in zip(phase_nodes, phases, strict=False):
        items = numbered_children(pn)
        if items:
            tasks = [task_from_node(n, "", year, heading_title=False) for n in items]
            areas.append(PlanArea(title=ph.name, tasks=tasks))
    return areas


def _flat_area(tops: list[Node], title: str | None, year: int | None) -> list[PlanArea]:
    """A plain numbered list without any 一、 sections, as one area."""
    flat = [n for n in tops if n.level >= 2]
    if not flat:
        return []
    tasks = [task_from_node(n, str(n.number), year, heading_title=False) for n in flat]
    return [PlanArea(title=title or "任务", tasks=tasks)]


def _unique_codes(areas: list[PlanArea]) -> None:
    """Every task gets a code unique in the campaign (duplicates get a suffix)."""
    seen: set[str] = set()
    counter = 0
    multi = len(areas) > 1
    for a_idx, area in enumerate(areas, start=1):
        for t_idx, task in enumerate(area.tasks, start=1):
            counter += 1
            code = task.code or (f"{a_idx}.{t_idx}" if multi else str(t_idx))
            if code in seen:
                code = f"{a_idx}.{t_idx}"
            while code in seen:
                code = f"{code}-{counter}"
            seen.add(code)
            task.code = code
