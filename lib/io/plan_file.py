"""Reading a plan document: an uploaded ``.txt`` (UTF-8, UTF-16 or GB18030) as text, a
``.docx`` as Word shows it (:class:`lib.domain.plan.PlanDocument`), both for
:func:`lib.domain.plan.parse_plan`. A ``.docx`` that would unpack to too much (a zip bomb),
a ``.doc``/``.pdf`` or an undecodable file is refused with a :class:`PlanFileError`
carrying the i18n key of the message.

The Word reader walks the body in order (paragraphs and tables, content controls opened)
and gives each paragraph

* the label Word draws from the document's automatic numbering (``numbering.xml``): the
  paragraph's own ``numPr`` or its style's, the level's ``lvlText`` (``%1、``, ``（%2）``)
  and ``numFmt`` (decimal, chineseCounting, taiwaneseCountingThousand, ①, 甲乙丙 …),
  counters kept per abstract list and level, deeper levels restarting as ``lvlRestart``
  says, a ``startOverride`` restarting a list where its instance is first used; a bullet
  as its character (a symbol-font bullet as •);
* its outline level: ``outlineLvl`` on the paragraph or along its style chain, else a
  "Heading N" / "标题 N" style name;
* its text with soft line breaks as line breaks and deleted text left out.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

from lib.domain.plan.document import PlanDocument, PlanParagraph, PlanSource, PlanTable
from lib.io.attachments import zip_problem

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class PlanFileError(ValueError):
    """The file cannot be read as a plan (i18n key in ``key``)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def read_plan_bytes(name: str, data: bytes) -> PlanSource:
    """An uploaded ``.txt`` (UTF-8, UTF-16 or GB18030) as text, a ``.docx`` as a
    :class:`PlanDocument`."""
    lower = name.lower()
    if lower.endswith(".docx"):
        return read_docx(data)
    if lower.endswith(".doc") or lower.endswith(".pdf"):
        raise PlanFileError("setup.plan_file_type")
    return _decoded(data)


def read_plan_file(path: str) -> PlanSource:
    """A plan document on disk (the CLI and the benchmarks)."""
    with open(path, "rb") as fh:
        return read_plan_bytes(path, fh.read())


def _decoded(data: bytes) -> str:
    """Plain text in the first encoding that reads it (UTF-16 only with its byte mark)."""
    for encoding in ("utf-8-sig", "utf-16", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-16" and data[:2] not in (b"\xff\xfe", b"\xfe\xff"):
            continue
        return text
    raise PlanFileError("setup.plan_file_unreadable")


# --- the document -----------------------------------------------------------------------


def read_docx(data: bytes) -> PlanDocument:
    """A ``.docx`` as Word shows it: paragraphs with their list labels and outline levels,
    tables in their place."""
    bomb = zip_problem(data)
    if bomb:
        raise PlanFileError(bomb)
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
        reader = _Reader(document)
        return PlanDocument(list(reader.blocks(document.element.body)))
    except PlanFileError:
        raise
    except Exception as exc:  # not a docx / corrupt zip / broken XML
        raise PlanFileError("setup.plan_file_unreadable") from exc


class _Reader:
    def __init__(self, document: Any) -> None:
        self.numbering = _Numbering(document)
        self.styles = _Styles(document)

    def blocks(self, container: Any) -> Any:
        """Paragraphs and tables of a body or cell, in order (content controls opened)."""
        for child in container.iterchildren():
            tag = child.tag
            if tag == W + "p":
                yield self.paragraph(child)
            elif tag == W + "tbl":
                yield PlanTable(self.table_rows(child))
            elif tag in (W + "sdt", W + "customXml"):
                content = child.find(W + "sdtContent") if tag == W + "sdt" else child
                if content is not None:
                    yield from self.blocks(content)

    def paragraph(self, p: Any) -> PlanParagraph:
        style_id = _val(p.find(f"{W}pPr/{W}pStyle"))
        num_id, ilvl = self.styles.numbering_of(p, style_id, self.numbering)
        label = self.numbering.label(num_id, ilvl) if num_id else ""
        outline = self.styles.outline_of(p, style_id)
        return PlanParagraph(_text(p), outline, label)

    def table_rows(self, tbl: Any) -> list[list[str]]:
        """One text per grid column; a merged cell repeats its text (across and down)."""
        rows: list[list[str]] = []
        above: dict[int, str] = {}
        for tr in tbl.iterchildren(W + "tr"):
            row: list[str] = []
            col = 0
            skip = _int(tr.find(f"{W}trPr/{W}gridBefore"))
            for _ in range(skip or 0):
                row.append("")
                col += 1
            for tc in tr.iterchildren(W + "tc"):
                tc_pr = tc.find(W + "tcPr")
                span = _int(tc_pr.find(W + "gridSpan")) if tc_pr is not None else None
                vmerge = tc_pr.find(W + "vMerge") if tc_pr is not None else None
                if vmerge is not None and _val(vmerge) in (None, "continue"):
                    text = above.get(col, "")
                else:
                    text = self.cell_text(tc)
                for _ in range(max(span or 1, 1)):
                    row.append(text)
                    above[col] = text
                    col += 1
            rows.append(row)
        return rows

    def cell_text(self, tc: Any) -> str:
        lines: list[str] = []
        for block in self.blocks(tc):
            if isinstance(block, PlanParagraph):
                lines.append(block.shown)
            else:
                lines.extend("，".join(c for c in row if c) for row in block.rows)
        return "\n".join(line for line in lines if line.strip())


def _val(el: Any) -> str | None:
    return None if el is None else el.get(W + "val")


def _int(el: Any) -> int | None:
    value = _val(el)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _text(p: Any) -> str:
    """A paragraph's text: runs (inserted ones too), tabs, line breaks; not deleted text,
    field codes or text boxes."""
    parts: list[str] = []
    for el in p.iter(W + "t", W + "tab", W + "br", W + "cr", W + "noBreakHyphen", W + "sym"):
        if _inside(el, p):
            continue
        tag = el.tag
        if tag == W + "t":
            parts.append(el.text or "")
        elif tag == W + "tab":
            if el.getparent() is not None and el.getparent().tag == W + "r":
                parts.append("\t")
        elif tag in (W + "br", W + "cr"):
            if el.get(W + "type") in (None, "textWrapping"):
                parts.append("\n")
        elif tag == W + "noBreakHyphen":
            parts.append("-")
    return "".join(parts)


_SKIP = {W + "del", W + "moveFrom", W + "txbxContent", W + "instrText", W + "pPr"}


def _inside(el: Any, p: Any) -> bool:
    """Whether ``el`` sits in deleted text, a text box or the paragraph's properties."""
    node = el.getparent()
    while node is not None and node is not p:
        if node.tag in _SKIP:
            return True
        node = node.getparent()
    return False


# --- styles: outline level and linked numbering ----------------------------------------

_HEADING_NAME = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.IGNORECASE)


class _Styles:
    def __init__(self, document: Any) -> None:
        self.by_id: dict[str, Any] = {}
        self.default: str | None = None
        styles = document.styles.element
        for st in styles.iterchildren(W + "style"):
            if st.get(W + "type") not in (None, "paragraph"):
                continue
            sid = st.get(W + "styleId")
            if sid:
                self.by_id[sid] = st
                if st.get(W + "default") in ("1", "true", "on"):
                    self.default = sid

    def chain(self, style_id: str | None) -> list[Any]:
        """The style and those it is based on (nearest first)."""
        out: list[Any] = []
        sid = style_id or self.default
        while sid and sid in self.by_id and len(out) < 20:
            st = self.by_id[sid]
            if any(s is st for s in out):
                break
            out.append(st)
            sid = _val(st.find(W + "basedOn"))
        return out

    def outline_of(self, p: Any, style_id: str | None) -> int | None:
        """1-based outline level of a heading paragraph (None: body text)."""
        level = _int(p.find(f"{W}pPr/{W}outlineLvl"))
        if level is None:
            for st in self.chain(style_id):
                level = _int(st.find(f"{W}pPr/{W}outlineLvl"))
                if level is not None:
                    break
                name = _val(st.find(W + "name")) or ""
                m = _HEADING_NAME.match(name.strip())
                if m:
                    level = int(m.group(1)) - 1
                    break
        return level + 1 if level is not None and 0 <= level <= 8 else None

    def numbering_of(
        self, p: Any, style_id: str | None, numbering: _Numbering
    ) -> tuple[str | None, int]:
        """(numId, level) of a paragraph: its own numPr, else its style chain's."""
        num_pr = p.find(f"{W}pPr/{W}numPr")
        num_id = _val(num_pr.find(W + "numId")) if num_pr is not None else None
        ilvl = _int(num_pr.find(W + "ilvl")) if num_pr is not None else None
        chain = self.chain(style_id)
        for st in chain:
            if num_id is not None and ilvl is not None:
                break
            st_pr = st.find(f"{W}pPr/{W}numPr")
            if st_pr is None:
                continue
            if num_id is None:
                num_id = _val(st_pr.find(W + "numId"))
            if ilvl is None:
                ilvl = _int(st_pr.find(W + "ilvl"))
        if num_id is None or num_id == "0":
            return None, 0
        if ilvl is None:
            ilvl = numbering.level_of_style([st.get(W + "styleId") for st in chain], num_id)
        return num_id, max(0, min(8, ilvl))


# --- automatic numbering ------------------------------------------------------------------


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    restart: int | None = None
    legal: bool = False
    suffix: str = "tab"
    style: str | None = None


@dataclass
class _Num:
    abstract: str
    starts: dict[int, int] = field(default_factory=dict)  # startOverride per level
    levels: dict[int, _Level] = field(default_factory=dict)  # lvlOverride/lvl


def _level(lvl: Any, base: _Level | None = None) -> _Level:
    out = _Level(**vars(base)) if base else _Level()
    start = _int(lvl.find(W + "start"))
    if start is not None:
        out.start = start
    fmt = _val(lvl.find(W + "numFmt"))
    if fmt:
        out.fmt = fmt
    text_el = lvl.find(W + "lvlText")
    if text_el is not None:
        out.text = text_el.get(W + "val") or ""
    restart = lvl.find(W + "lvlRestart")
    if restart is not None:
        out.restart = _int(restart)
    legal = lvl.find(W + "isLgl")
    if legal is not None:
        out.legal = _val(legal) not in ("0", "false", "off")
    suffix = _val(lvl.find(W + "suff"))
    if suffix:
        out.suffix = suffix
    style = _val(lvl.find(W + "pStyle"))
    if style:
        out.style = style
    return out


class _Numbering:
    """The document's lists and the counters Word keeps while it draws them."""

    def __init__(self, document: Any) -> None:
        self.abstracts: dict[str, dict[int, _Level]] = {}
        self.nums: dict[str, _Num] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.pending: dict[tuple[str, int], int] = {}
        self.seen: set[str] = set()
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):  # no numbering part
            return
        links: dict[str, str] = {}
        for ab in root.iterchildren(W + "abstractNum"):
            aid = ab.get(W + "abstractNumId")
            if aid is None:
                continue
            levels = {}
            for lvl in ab.iterchildren(W + "lvl"):
                ilvl = _int_attr(lvl, "ilvl")
                if ilvl is not None:
                    levels[ilvl] = _level(lvl)
            self.abstracts[aid] = levels
            link = _val(ab.find(W + "numStyleLink"))
            if link:
                links[aid] = link
        for num in root.iterchildren(W + "num"):
            nid = num.get(W + "numId")
            aid = _val(num.find(W + "abstractNumId"))
            if nid is None or aid is None:
                continue
            entry = _Num(aid)
            for over in num.iterchildren(W + "lvlOverride"):
                ilvl = _int_attr(over, "ilvl")
                if ilvl is None:
                    continue
                start = _int(over.find(W + "startOverride"))
                if start is not None:
                    entry.starts[ilvl] = start
                lvl = over.find(W + "lvl")
                if lvl is not None:
                    entry.levels[ilvl] = _level(lvl, self.abstracts.get(aid, {}).get(ilvl))
            self.nums[nid] = entry
        # an abstract list that only links to a numbering style takes that style's list
        self._link_styles(document, links)

    def _link_styles(self, document: Any, links: dict[str, str]) -> None:
        if not links:
            return
        styles = {
            st.get(W + "styleId"): st for st in document.styles.element.iterchildren(W + "style")
        }
        for aid, style_id in links.items():
            st = styles.get(style_id)
            nid = _val(st.find(f"{W}pPr/{W}numPr/{W}numId")) if st is not None else None
            target = self.nums.get(nid or "")
            if target and target.abstract != aid:
                for entry in self.nums.values():
                    if entry.abstract == aid:
                        entry.abstract = target.abstract

    def levels(self, num_id: str) -> dict[int, _Level]:
        num = self.nums[num_id]
        return {**self.abstracts.get(num.abstract, {}), **num.levels}

    def level_of_style(self, style_ids: list[str | None], num_id: str) -> int:
        """The list level a numbered style sits on (its ``pStyle`` in the list), else 0."""
        if num_id not in self.nums:
            return 0
        for ilvl, lvl in self.levels(num_id).items():
            if lvl.style and lvl.style in style_ids:
                return ilvl
        return 0

    def label(self, num_id: str, ilvl: int) -> str:
        """The label Word draws for the next paragraph of list ``num_id`` at ``ilvl``."""
        num = self.nums.get(num_id)
        if num is None:
            return ""
        levels = self.levels(num_id)
        lvl = levels.get(ilvl)
        if lvl is None:
            return ""
        counters = self.counters.setdefault(num.abstract, {})
        if num_id not in self.seen:
            self.seen.add(num_id)
            for level, start in num.starts.items():
                counters.pop(level, None)
                self.pending[(num.abstract, level)] = start
        if ilvl in counters:
            counters[ilvl] += 1
        else:
            counters[ilvl] = self.pending.pop((num.abstract, ilvl), lvl.start)
        for deeper in [j for j in counters if j > ilvl]:
            restart = levels[deeper].restart if deeper in levels else None
            if restart != 0 and (restart is None or ilvl < restart):
                del counters[deeper]
        if lvl.fmt == "bullet":
            # a symbol-font bullet (U+F0B7 …) is drawn as •, as LibreOffice renders it
            mark = lvl.text.strip()[:1]
            if not mark or "\uf000" <= mark <= "\uf0ff":
                mark = "•"
            return mark + {"tab": "\t", "space": " "}.get(lvl.suffix, "")
        text = re.sub(
            r"%([1-9])",
            lambda m: self._formatted(levels, counters, int(m.group(1)) - 1, ilvl),
            lvl.text,
        )
        if not text.strip():
            return ""
        return text + {"tab": "\t", "space": " "}.get(lvl.suffix, "")

    @staticmethod
    def _formatted(levels: dict[int, _Level], counters: dict[int, int], k: int, ilvl: int) -> str:
        lvl = levels.get(k)
        if lvl is None:
            return ""
        value = counters.get(k, lvl.start)
        fmt = "decimal" if levels[ilvl].legal and k < ilvl else lvl.fmt
        return format_number(value, fmt)


def _int_attr(el: Any, name: str) -> int | None:
    value = el.get(W + name)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


# --- number formats -----------------------------------------------------------------------

_CN_DIGITS = "〇一二三四五六七八九"
_LEGAL_SIMPLIFIED = "零壹贰叁肆伍陆柒捌玖"
_LEGAL_TRADITIONAL = "零壹貳參肆伍陸柒捌玖"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"


def _cn_counting(n: int, digits: str = _CN_DIGITS, units: str = "十百千") -> str:
    """1 → 一, 10 → 十, 11 → 十一, 21 → 二十一, 105 → 一百〇五 (as Word counts)."""
    if n <= 0 or n >= 10000:
        return str(n)
    out = ""
    zero = False
    for power, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        d = n // power % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += digits[0]
            zero = False
        out += ("" if (power == 10 and d == 1 and not out) else digits[d]) + unit
    return out


def _letters(n: int, base: str) -> str:
    if n <= 0:
        return str(n)
    count = (n - 1) // 26 + 1
    return base[(n - 1) % 26] * count


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    out = ""
    for value, sym in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while n >= value:
            out += sym
            n -= value
    return out


def _enclosed(n: int, first: int, count: int) -> str:
    return chr(first + n - 1) if 1 <= n <= count else str(n)


def format_number(n: int, fmt: str) -> str:
    """A counter in one of Word's number formats (``numFmt``)."""
    if fmt in ("decimal", "decimalHalfWidth", "ordinal", "cardinalText", "ordinalText"):
        return str(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    if fmt in (
        "chineseCounting",
        "chineseCountingThousand",
        "taiwaneseCounting",
        "taiwaneseCountingThousand",
        "japaneseCounting",
        "koreanCounting",
    ):
        return _cn_counting(n)
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join(_CN_DIGITS[int(c)] for c in str(n))
    if fmt == "chineseLegalSimplified":
        return _cn_counting(n, _LEGAL_SIMPLIFIED, "拾佰仟")
    if fmt in ("ideographLegalTraditional", "japaneseLegal"):
        return _cn_counting(n, _LEGAL_TRADITIONAL, "拾佰仟")
    if fmt == "ideographTraditional":
        return _TIANGAN[(n - 1) % 10] if n > 0 else str(n)
    if fmt == "ideographZodiac":
        return _DIZHI[(n - 1) % 12] if n > 0 else str(n)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese"):
        return _enclosed(n, 0x2460, 20)  # ①
    if fmt == "decimalEnclosedFullstop":
        return _enclosed(n, 0x2488, 20)  # ⒈
    if fmt == "decimalEnclosedParen":
        return _enclosed(n, 0x2474, 20)  # ⑴
    if fmt == "ideographEnclosedCircle":
        return _enclosed(n, 0x3280, 10)  # ㊀
    if fmt == "upperLetter":
        return _letters(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    if fmt == "lowerLetter":
        return _letters(n, "abcdefghijklmnopqrstuvwxyz")
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "none":
        return ""
    return str(n)
