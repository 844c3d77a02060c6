"""Plan parsing: a Chinese campaign plan (红头文件) turned into a campaign draft.

The parser reads the outline the way a reader does:

* levels ``一、`` / ``（一）(一)㈠`` / ``1、1.`` / ``(1)（1）`` / ``①``, in simplified or
  traditional Chinese, with full- or half-width punctuation, one heading per line or run
  together in one long line (web copies);
* task sections (任务目标, 活动内容, 整改措施 …) give areas and numbered tasks; the
  sections a reader skips (指导思想, 工作要求 …) stay out of the task list;
* phase sections (活动步骤, 实施步骤, 活动安排 …) give dated phases; a missing year is
  taken from the phase before or from the document (its signature date, its title);
* per task: deadline (整改时限：…), responsible departments (责任科室：…, the first is
  the lead) and a measurable target where one is stated (满意度＞95%, 不超过15分钟);
* noise is dropped: web headers and footers, page numbers, document numbers
  (连救〔2010〕9号), print counts;
* a Word document is read as Word shows it (:mod:`lib.domain.plan.document`): headings by
  their outline level, automatic list labels, plan tables (序号 / 整改事项 / 整改措施 /
  整改时限 / 责任科室 …) as tasks in their place (:mod:`lib.domain.plan.tables`);
* nothing is guessed: a year written 20xx or not at all leaves its dates empty, and
  :func:`plan_warnings` tells the office what to check (placeholder years, no tasks,
  undated phases, titles cut, deadlines before the start, several years).

Matching runs on a *shadow* of the text of the same length (traditional characters and
full-width forms mapped one to one), so every slice is taken from the original text.
Everything here is pure and linear in the size of the input; reading the file (.txt or
.docx) is :mod:`lib.io.plan_file`.

Modules: ``text`` (shadow, numerals, titles, noise), ``dates``, ``document`` (a Word
document's paragraphs and tables), ``outline`` (headings, tree, section vocabulary),
``tables`` (plan tables), ``tasks`` (one task: title, deadline, departments, target),
``parse`` (:func:`parse_plan` in named steps), ``draft`` (the dataclasses), ``review``
(problems, the review table, the template dict). This package exports the public API.
"""

from lib.domain.plan.dates import fill_year, parse_date_range, parse_single_date
from lib.domain.plan.document import (
    PlanDocument,
    PlanParagraph,
    PlanSource,
    PlanTable,
    is_blank,
    source_text,
)
from lib.domain.plan.draft import PlanArea, PlanDraft, PlanPhase, PlanTarget, PlanTask
from lib.domain.plan.parse import parse_plan
from lib.domain.plan.review import (
    draft_from_rows,
    draft_problems,
    draft_to_template,
    phase_rows,
    plan_warnings,
    task_rows,
)
from lib.domain.plan.tasks import find_target
from lib.domain.plan.text import is_noise, shadow, short_title

__all__ = [
    "PlanArea",
    "PlanDocument",
    "PlanDraft",
    "PlanParagraph",
    "PlanPhase",
    "PlanSource",
    "PlanTable",
    "PlanTarget",
    "PlanTask",
    "draft_from_rows",
    "draft_problems",
    "draft_to_template",
    "fill_year",
    "find_target",
    "is_blank",
    "is_noise",
    "parse_date_range",
    "parse_plan",
    "parse_single_date",
    "phase_rows",
    "plan_warnings",
    "shadow",
    "short_title",
    "source_text",
    "task_rows",
]
