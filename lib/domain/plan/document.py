"""A plan document as Word shows it, for :func:`lib.domain.plan.parse_plan`: paragraphs
with the list label Word draws in front of them (一、 （一） 1、 computed from the
document's automatic numbering) and their outline level (heading styles), and tables in
their place. Reading a ``.docx`` into this form is :mod:`lib.io.plan_file`; a ``.txt``
plan stays plain text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class PlanParagraph:
    """One paragraph: ``label`` is the automatic list label (empty when the number, if
    any, is typed into ``text``); ``outline`` the outline level of a heading (1 = the
    top level, ``None`` for body text)."""

    text: str
    outline: int | None = None
    label: str = ""

    @property
    def shown(self) -> str:
        """The paragraph as Word shows it: label, then text."""
        return self.label + self.text


@dataclass
class PlanTable:
    """A table's rows, one text per grid column (a merged cell repeats its text)."""

    rows: list[list[str]] = field(default_factory=list)


@dataclass
class PlanDocument:
    """Paragraphs and tables in reading order."""

    blocks: list[PlanParagraph | PlanTable] = field(default_factory=list)

    def text(self) -> str:
        """Everything as plain text (labels included, table cells joined by ，)."""
        lines: list[str] = []
        for block in self.blocks:
            if isinstance(block, PlanParagraph):
                lines.append(block.shown)
            else:
                lines.extend("，".join(c for c in row if c.strip()) for row in block.rows)
        return "\n".join(lines)

    def map_text(self, fn: Callable[[str], str]) -> PlanDocument:
        """The same document with ``fn`` applied to every text (labels stay as they are)."""
        blocks: list[PlanParagraph | PlanTable] = []
        for block in self.blocks:
            if isinstance(block, PlanParagraph):
                blocks.append(PlanParagraph(fn(block.text), block.outline, block.label))
            else:
                blocks.append(PlanTable([[fn(c) for c in row] for row in block.rows]))
        return PlanDocument(blocks)


PlanSource = str | PlanDocument


def source_text(source: PlanSource) -> str:
    """The plain text of a plan source."""
    return source if isinstance(source, str) else source.text()


def is_blank(source: PlanSource) -> bool:
    return not re.search(r"\S", source_text(source))
