"""Plan-document import: a Chinese campaign plan (红头文件) turned into a campaign draft.

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
  (连救〔2010〕9号), print counts.

Matching runs on a *shadow* of the text of the same length (traditional characters and
full-width forms mapped one to one), so every slice is taken from the original text.
Everything here is pure and linear in the size of the input.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import Any

# --- normalisation --------------------------------------------------------------------

# one character to one character, so positions in the shadow are positions in the text
_TRAD = (
    "務标標動內階實驟責時導總體組織領滿過鐘號長計劃開辦會議評與員傳檢結揚進達設發項點門醫療"
    "質續護調參統籌協負這個們對於為範圍題獎勵懲級環據確認應單屬當後準備驗啟學習舉業轉場熱線"
    "資萬書記錄數歷條規則細處報際聯絡衛專區縣鎮鄉間雙廣義優臨選證術絕務類識費預約診斷藥園"
    "構幹訓練務態試價療經濟務總點"
)
_SIMP = (
    "务标标动内阶实骤责时导总体组织领满过钟号长计划开办会议评与员传检结扬进达设发项点门医疗"
    "质续护调参统筹协负这个们对于为范围题奖励惩级环据确认应单属当后准备验启学习举业转场热线"
    "资万书记录数历条规则细处报际联络卫专区县镇乡间双广义优临选证术绝务类识费预约诊断药园"
    "构干训练务态试价疗经济务总点"
)
assert len(_TRAD) == len(_SIMP)
_SHADOW = {ord(a): ord(b) for a, b in zip(_TRAD, _SIMP, strict=True)}
_SHADOW.update({c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)})  # full-width ASCII
_SHADOW.update(
    {
        0x3000: 0x20,  # ideographic space
        ord("〇"): ord("零"),
        ord("○"): ord("零"),
        ord("Ｏ"): ord("零"),
        ord("—"): ord("-"),
        ord("–"): ord("-"),
        ord("－"): ord("-"),
        ord("～"): ord("-"),
        ord("~"): ord("-"),
        ord("〔"): ord("["),
        ord("〕"): ord("]"),
        ord("【"): ord("["),
        ord("】"): ord("]"),
        ord("［"): ord("["),
        ord("］"): ord("]"),
        ord("\u00a0"): ord(" "),
        ord("\t"): ord(" "),
    }
)
_PAREN_NUM = {chr(0x3220 + i): "一二三四五六七八九十"[i] for i in range(10)}  # ㈠..㈩


def shadow(text: str) -> str:
    """Same-length matching form: simplified, half-width, unified dashes and brackets."""
    return text.translate(_SHADOW)


# --- numerals and dates --------------------------------------------------------------

_CN_DIGITS = {
    "零": 0,
    "O": 0,
    "o": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def cn_number(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十三 → 23; None when not a Chinese numeral up to 99."""
    if not text:
        return None
    if all(c in _CN_DIGITS for c in text):
        value = 0
        for c in text:
            value = value * 10 + _CN_DIGITS[c]
        return value
    if "十" in text and text.count("十") == 1:
        tens, _, ones = text.partition("十")
        t = _CN_DIGITS.get(tens, -1) if tens else 1
        o = _CN_DIGITS.get(ones, -1) if ones else 0
        if t >= 0 and o >= 0:
            return t * 10 + o
    return None


_XUN = {"上旬": (1, 10), "中旬": (11, 20), "下旬": (21, 31), "初": (1, 10), "底": (21, 31)}
_XUN["末"] = _XUN["底"]
_DATE_PART = re.compile(
    r"(?:(?P<y>(?:19|20)\d{2})\s*年\s*)?"
    r"(?:(?P<m>\d{1,2})\s*(?:月\s*(?P<d>\d{1,2})\s*[日号]|月?\s*(?P<x>上旬|中旬|下旬|初|底|末))|"
    r"(?P<m2>\d{1,2})\s*月(?!\s*\d*\s*[日号])|"
    r"(?P<d2>\d{1,2})\s*[日号])"
)
_RANGE_SEP = re.compile(r"\s*(?:-{1,2}|至|到)\s*")
_SIGNATURE_CN = re.compile(
    r"([二零一三四五六七八九]{4})年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日"
)
_ISO_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_YEAR = re.compile(r"(?<![\d\[])((?:19|20)\d{2})\s*年")


def _safe_date(year: int, month: int, day: int, *, end: bool = False) -> dt.date | None:
    if not (1 <= month <= 12) or not (1900 <= year <= 2100):
        return None
    last = calendar.monthrange(year, month)[1]
    if day < 1:
        return None
    return dt.date(year, month, min(day, last)) if end or day <= last else None


@dataclass
class _Point:
    year: int | None
    month: int | None
    first: int  # first day meant
    last: int | None  # last day meant (None: the whole month to its end)


def _point(m: re.Match[str]) -> _Point | None:
    year = int(m["y"]) if m["y"] else None
    if m["m"]:
        month = int(m["m"])
        if m["d"]:
            day = int(m["d"])
            return _Point(year, month, day, day)
        lo, hi = _XUN[m["x"]]
        return _Point(year, month, lo, hi)
    if m["m2"]:
        return _Point(year, int(m["m2"]), 1, None)
    if m["d2"]:
        day = int(m["d2"])
        return _Point(year, None, day, day)
    return None


def parse_date_range(
    text: str, default_year: int | None
) -> tuple[dt.date | None, dt.date | None, int | None]:
    """First date or date range in ``text`` (shadow form) -> (start, end, year used).

    Handles 2019年3月1日-3月31日, 2010年7月上旬, 7月11日-10月20日, 2月下旬-3月上旬,
    3月中旬-11月, 12中旬, 7月1日至15日. A missing year comes from ``default_year`` and
    a range that runs over the new year moves its end into the next year.
    """
    for m in _DATE_PART.finditer(text):
        first = _point(m)
        if first is None or first.month is None:
            continue
        year = first.year or default_year
        if year is None:
            return None, None, None
        start = _safe_date(year, first.month, first.first)
        second: _Point | None = None
        rest = text[m.end() : m.end() + 40]
        sep = _RANGE_SEP.match(rest)
        if sep:
            m2 = _DATE_PART.match(rest, sep.end())
            if m2 and m2.group(0).strip():
                second = _point(m2)
        if second is None:
            end_day = first.last if first.last is not None else 31
            end = _safe_date(year, first.month, end_day, end=True)
            return start, end, year
        end_year = second.year or year
        end_month = second.month or first.month
        if second.year is None and end_month < first.month:
            end_year += 1
        end_day = second.last if second.last is not None else 31
        end = _safe_date(end_year, end_month, end_day, end=True)
        if start and end and end < start:
            end = None
        return start, end, year
    return None, None, None


def parse_single_date(text: str, default_year: int | None) -> dt.date | None:
    """A deadline such as 2021年8月31日 / 8月31日前 / 8月底 (the last day meant)."""
    start, end, _ = parse_date_range(text, default_year)
    if start is None:
        return None
    m = _DATE_PART.search(text)
    if m and m["d"]:
        return start
    return end or start


# --- outline --------------------------------------------------------------------------

_CN_NUM = "一二三四五六七八九十"
_MARKERS: list[tuple[int, re.Pattern[str]]] = [
    (1, re.compile(rf"^([{_CN_NUM}]{{1,3}})\s*[、.,](?![{_CN_NUM}]*是)")),
    (2, re.compile(rf"^[(]\s*([{_CN_NUM}]{{1,3}})\s*[)]\s*[、.]?")),
    (2, re.compile(r"^([\u3220-\u3229])\s*")),
    (3, re.compile(r"^(\d{1,3})\s*(?:[、]|[.](?!\d))\s*")),
    (4, re.compile(r"^[(]\s*(\d{1,3})\s*[)]\s*[、.]?")),
    (5, re.compile(r"^([\u2460-\u2473])\s*")),
]
# where a marker may start a new line inside a run-together paragraph
_INLINE_BREAK = re.compile(
    rf"(?<=[。；;:：!?！？])\s*(?=(?:[{_CN_NUM}]{{1,3}}[、]|[(（][{_CN_NUM}]{{1,3}}[)）]|"
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


# --- noise ----------------------------------------------------------------------------

_NOISE_PREFIX = re.compile(
    r"^(您好|欢迎访问|欢迎光临|当前位置|首页\s*>|本文标题|链接地址|文档来源|原文链接|上一篇|下一篇|"
    r"相关文档|相关阅读|版权所有|copyright|扫一扫|分享到|打印本页|关闭窗口|发布时间|发布日期|"
    r"浏览次数|阅读次数|点击[数量次]|字号|来源\s*:|共印|抄送|抄报|主题词|签发人|附件下载|"
    r"下载地址|登录|注册|免费下载)",
    re.IGNORECASE,
)
_URL = re.compile(r"https?://|www\.[a-z0-9]", re.IGNORECASE)
_PAGE_NOISE = re.compile(r"[\s\-_()\[\]·•|/第页共Pp]")
_DOC_NUMBER = re.compile(r"^.{0,16}\[\s*(?:19|20)\d{2}\s*\]\s*\d{1,4}\s*号\s*$")


def is_noise(line: str, sh: str) -> bool:
    """True for web chrome, page numbers, document numbers and print counts."""
    s = sh.strip()
    if not s:
        return True
    if _NOISE_PREFIX.match(s) or (_URL.search(s) and len(s) < 200):
        return True
    rest = _PAGE_NOISE.sub("", s)
    if rest == "" or (rest.isdigit() and len(rest) <= 4 and len(s) <= 20):
        return True
    return bool(_DOC_NUMBER.match(s))


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
_CLAUSE = re.compile(r"[，,；;。！!？?]")
_LEAD_VERBS = re.compile(r"^(力争|确保|努力|实现|做到|保证|使|争取|力求|要求)")


# --- the draft ------------------------------------------------------------------------


@dataclass
class PlanTarget:
    text: str
    value: float
    direction: str  # "higher" / "lower"
    unit: str


@dataclass
class PlanTask:
    code: str
    title: str
    description: str = ""
    due: dt.date | None = None
    departments: list[str] = field(default_factory=list)
    target: PlanTarget | None = None

    @property
    def lead(self) -> str | None:
        return self.departments[0] if self.departments else None


@dataclass
class PlanArea:
    title: str
    code: str | None = None
    tasks: list[PlanTask] = field(default_factory=list)


@dataclass
class PlanPhase:
    name: str
    start: dt.date | None
    end: dt.date | None
    kind: str = "rectify"


@dataclass
class PlanDraft:
    title: str | None
    phases: list[PlanPhase] = field(default_factory=list)
    areas: list[PlanArea] = field(default_factory=list)
    document_date: dt.date | None = None

    @property
    def tasks(self) -> list[PlanTask]:
        return [t for a in self.areas for t in a.tasks]

    def to_json(self) -> dict[str, Any]:
        """The CLI contract: title, phases (name, start, end), areas with tasks."""

        def iso(day: dt.date | None) -> str | None:
            return day.isoformat() if day else None

        return {
            "title": self.title,
            "phases": [
                {"name": p.name, "start": iso(p.start), "end": iso(p.end)} for p in self.phases
            ],
            "areas": [
                {
                    "title": a.title,
                    "tasks": [
                        {
                            "code": t.code,
                            "title": t.title,
                            "due": iso(t.due),
                            "departments": list(t.departments),
                            "target": t.target.text if t.target else None,
                        }
                        for t in a.tasks
                    ],
                }
                for a in self.areas
            ],
        }

    def span(self, today: dt.date) -> tuple[dt.date, dt.date]:
        """Campaign dates: the phases' span, else around the deadlines, else from today."""
        starts = [p.start for p in self.phases if p.start]
        ends = [p.end for p in self.phases if p.end]
        dues = [t.due for t in self.tasks if t.due]
        if starts:
            start = min(starts)
        elif self.document_date:
            start = self.document_date
        elif dues:
            start = min(dues) - dt.timedelta(days=90)
        else:
            start = today
        end_candidates = [d for d in [*ends, *dues] if d >= start]
        end = max(end_candidates) if end_candidates else start + dt.timedelta(days=182)
        if end <= start:
            end = start + dt.timedelta(days=182)
        return start, end


# --- parsing --------------------------------------------------------------------------


@dataclass
class _Node:
    level: int
    number: int
    heading: str  # original text after the marker
    heading_sh: str
    body: list[tuple[str, str]] = field(default_factory=list)  # (original, shadow)
    children: list[_Node] = field(default_factory=list)

    def full_text(self) -> str:
        return "".join([self.heading, *(b for b, _ in self.body)])

    def full_shadow(self) -> str:
        return "".join([self.heading_sh, *(s for _, s in self.body)])

    def walk(self) -> list[_Node]:
        out: list[_Node] = []
        stack = list(reversed(self.children))
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(reversed(node.children))
        return out


def _lines(text: str) -> list[tuple[str, str]]:
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


def _strip_end(text: str) -> str:
    return text.strip().rstrip("。．.；;，,：:、 \u3000").strip()


def short_title(text: str, limit: int = 20, *, merge_short: bool = True) -> str:
    """A task's title: its first sentence, or its first clause when that is long."""
    text = text.strip()
    sentence = re.split(r"[。；;！!？?]|(?<!\d)\.(?!\d)", text, maxsplit=1)[0]
    sentence = _strip_end(sentence)
    if len(sentence) > limit:
        clauses = [c for c in re.split(r"([，,:：])", sentence)]
        title = _strip_end(clauses[0])
        # a very short first clause (廉洁行医) reads better with the next one
        i = 1
        while merge_short and len(title) < 8 and i + 1 < len(clauses):
            nxt = title + clauses[i] + clauses[i + 1]
            if len(nxt) > limit + 10:
                break
            title, i = _strip_end(nxt), i + 2
        if len(title) >= 4:
            sentence = title
    return sentence[:200] or _strip_end(text)[:200]


def _section_kind(heading_sh: str) -> tuple[str, str | None]:
    """('task'|'phase'|'skip'|'other', keyword matched)."""
    head = heading_sh.strip()[:24]
    for kind, words in (("phase", PHASE_SECTION), ("task", TASK_SECTION), ("skip", SKIP_SECTION)):
        for word in words:
            if head.startswith(word) or (word in head[:12] and len(head) <= 16):
                return kind, word
    return "other", None


def _phase_kind(name_sh: str) -> str:
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


def _document_year(
    lines: list[tuple[str, str]], title_sh: str
) -> tuple[int | None, dt.date | None]:
    """The plan's year: its signature date, a year in its title, else the most cited."""
    sig_date: dt.date | None = None
    for _orig, sh in lines:
        s = sh.strip()
        if len(s) > 24:
            continue
        m = _ISO_DATE.fullmatch(s) or _ISO_DATE.search(s) if len(s) <= 16 else None
        if m:
            sig_date = _safe_date(int(m[1]), int(m[2]), int(m[3]))
            if sig_date:
                break
    if sig_date is None:
        for _, sh in lines:
            m = _SIGNATURE_CN.search(sh)
            if m:
                year = cn_number(m[1])
                if year and 1990 <= year <= 2100:
                    return year, None
    if sig_date:
        return sig_date.year, sig_date
    m = _YEAR.search(title_sh)
    if m:
        return int(m[1]), None
    counts: dict[int, int] = {}
    for _, sh in lines:
        for y in _YEAR.findall(sh):
            counts[int(y)] = counts.get(int(y), 0) + 1
    if counts:
        return max(counts.items(), key=lambda kv: (kv[1], kv[0]))[0], None
    return None, None


_TITLE_WORDS = ("方案", "计划", "实施意见", "活动")
_ISSUE_PREFIX = re.compile(r"^(关于)?(印发|下发|转发|发布)")


def _title(preamble: list[tuple[str, str]]) -> str | None:
    joined = "".join(o.strip() for o, _ in preamble)
    joined_sh = shadow(joined)
    m = re.search(r"(?:关于)?(?:印发|下发|转发|发布)[^《]{0,20}《([^》]{2,120})》", joined_sh)
    if m:
        return re.sub(r"\s+", " ", joined[m.start(1) : m.end(1)]).strip()
    for i, (orig, sh) in enumerate(preamble):
        s = sh.strip()
        if _ISSUE_PREFIX.match(s) or s.startswith("《"):
            continue
        for word in ("方案", "计划", "实施意见"):
            pos = s.find(word)
            if 0 <= pos <= 60:
                title = orig.strip()[: pos + len(word)]
                # an organisation name on its own line just above belongs to the title
                if i > 0:
                    prev, prev_sh = preamble[i - 1]
                    if (
                        len(prev_sh.strip()) <= 20
                        and not _CLAUSE.search(prev_sh)
                        and not _ISSUE_PREFIX.match(prev_sh.strip())
                    ):
                        title = prev.strip() + title
                return title.strip()
    for orig, sh in preamble:
        s = sh.strip()
        if len(s) >= 4 and not s.endswith((":", "：")):
            return _strip_end(orig)[:60]
    return None


def _departments(text: str) -> list[str]:
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
    for clause_end in [*(m.start() for m in _CLAUSE.finditer(sh)), len(sh)]:
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


def _task_from_node(
    node: _Node, code: str, default_year: int | None, *, heading_title: bool
) -> PlanTask:
    """A task from an outline node: title, full text, due, departments, target."""
    text = node.full_text()
    if heading_title:
        title = _strip_end(node.heading)[:200] or short_title(text)
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


def _read_phase(node: _Node, year: int | None) -> tuple[PlanPhase, int | None]:
    head, head_sh = node.heading, node.heading_sh
    first_date = _DATE_PART.search(head_sh)
    cut = len(head_sh)
    for ch in ("(", ":", "。", ";", ","):
        p = head_sh.find(ch)
        if 0 <= p < cut:
            cut = p
    if first_date and first_date.start() < cut:
        cut = first_date.start()
    name = _strip_end(head[:cut]).strip("（(")
    name = re.sub(r"^第[一二三四五六七八九十\d]+阶段\s*[:：]?\s*", "", name) or name
    name = name[:60] or _strip_end(head)[:60]
    probe = head_sh[:200]
    start, end, used = parse_date_range(probe, year)
    if start is None and node.body:
        start, end, used = parse_date_range(node.body[0][1][:120], year)
    return PlanPhase(name=name, start=start, end=end, kind=_phase_kind(shadow(name))), used


def _build_tree(lines: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], list[_Node]]:
    """Preamble lines and top-level nodes; a restart of 一、 numbering ends the plan
    (what follows is an attachment such as an appraisal scheme)."""
    root = _Node(0, 0, "", "")
    stack: list[_Node] = [root]
    preamble: list[tuple[str, str]] = []
    last_top = 0
    for orig, sh in lines:
        mk = _marker(sh)
        if mk is None:
            if stack[-1] is root:
                if not root.children:
                    preamble.append((orig, sh))
                continue
            stack[-1].body.append((orig, sh))
            continue
        level, number, end = mk
        if level == 1:
            if last_top and number <= last_top:
                break
            last_top = number
        elif not root.children and level > 1 and last_top == 0:
            # a list before any 一、 heading (plain numbered plans) still counts
            pass
        node = _Node(level, number, orig[end:].strip(), sh[end:].strip())
        while len(stack) > 1 and stack[-1].level >= level:
            stack.pop()
        stack[-1].children.append(node)
        stack.append(node)
    return preamble, root.children


def _numbered_children(node: _Node) -> list[_Node]:
    return [c for c in node.children if c.level >= 3]


def parse_plan(text: str, *, today: dt.date | None = None) -> PlanDraft:
    """Parse a plan's text into a :class:`PlanDraft` (never raises on any text)."""
    lines = [(o, s) for o, s in _lines(text) if not is_noise(o, s)]
    preamble, tops = _build_tree(lines)
    title = _title(preamble[:40])
    year, doc_date = _document_year(lines, shadow(title or ""))

    # phases
    phases: list[PlanPhase] = []
    phase_nodes: list[_Node] = []
    for node in tops:
        kind, _ = _section_kind(node.heading_sh)
        if kind == "phase":
            phase_nodes.extend(c for c in node.children if c.level == 2)
            if not phase_nodes:
                phase_nodes.extend(c for c in node.children if c.level >= 3)
    if not phase_nodes:  # headings like （一）动员部署阶段（…）anywhere
        for node in tops:
            for child in node.walk():
                if "阶段" in child.heading_sh[:20] and _DATE_PART.search(child.heading_sh[:60]):
                    phase_nodes.append(child)
    running_year = year
    prev_end: dt.date | None = None
    for pn in phase_nodes:
        phase, used = _read_phase(pn, running_year)
        if (
            phase.start
            and prev_end
            and phase.start < prev_end - dt.timedelta(days=31)
            and not re.search(r"(19|20)\d{2}", pn.heading_sh[:60])
        ):
            # month went backwards without a year: the plan crossed into the next year
            phase.start = (
                phase.start.replace(year=phase.start.year + 1)
                if phase.start.month != 2 or phase.start.day < 29
                else phase.start
            )
            if phase.end:
                phase.end = (
                    phase.end.replace(year=phase.end.year + 1)
                    if phase.end.month != 2 or phase.end.day < 29
                    else phase.end
                )
        if used:
            running_year = (phase.end or phase.start or dt.date(used, 1, 1)).year
        if phase.end or phase.start:
            prev_end = phase.end or phase.start
        phases.append(phase)
    for i, ph in enumerate(phases):  # fill gaps from the neighbours
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
    if year is None:
        year = next((p.start.year for p in phases if p.start), None)

    # task sections
    sections = [n for n in tops if _section_kind(n.heading_sh)[0] == "task"]
    if not sections:
        sections = [
            n
            for n in tops
            if _section_kind(n.heading_sh)[0] == "other" and any(c.level >= 2 for c in n.walk())
        ]
    areas: list[PlanArea] = []
    for sec in sections:
        kind, word = _section_kind(sec.heading_sh)
        sec_title = (
            word
            if word and len(_strip_end(sec.heading)) > len(word) + 8
            else _strip_end(sec.heading)
        )
        sec_title = short_title(sec_title, 20) or (word or "")
        loose = PlanArea(title=sec_title, code=_cn_code(sec.number))
        subareas: list[PlanArea] = []
        for child in sec.children:
            items = _numbered_children(child) if child.level == 2 else []
            if items:
                area = PlanArea(
                    title=short_title(child.heading, 20, merge_short=False),
                    code=_cn_code(child.number),
                )
                area._items = items  # type: ignore[attr-defined]
                subareas.append(area)
            elif child.level == 2:
                loose.tasks.append(
                    _task_from_node(child, str(len(loose.tasks) + 1), year, heading_title=True)
                )
            else:
                loose.tasks.append(
                    _task_from_node(child, str(child.number), year, heading_title=False)
                )
        body_lines = list(sec.body)
        if not sec.children and not body_lines and word and len(sec.heading_sh) > len(word) + 8:
            # heading run together with its text (web copies): 四、活动内容坚持…
            cut = sec.heading_sh.find(word) + len(word)
            body_lines = [(sec.heading[cut:], sec.heading_sh[cut:])]
        if not sec.children and body_lines:
            body = _Node(3, 1, "", "", body=body_lines)
            loose.tasks.append(_task_from_node(body, "1", year, heading_title=False))
        # plan-wide numbering (1…45) keeps its codes; numbering restarting per area
        # becomes area.item (1.1, 1.2 … 2.1)
        numbers = [n.number for a in subareas for n in a._items]  # type: ignore[attr-defined]
        continuous = (
            numbers == list(range(numbers[0], numbers[0] + len(numbers))) if numbers else True
        )
        for idx, area in enumerate(subareas, start=1):
            for n in area._items:  # type: ignore[attr-defined]
                code = str(n.number) if continuous else f"{idx}.{n.number}"
                area.tasks.append(_task_from_node(n, code, year, heading_title=False))
            del area._items  # type: ignore[attr-defined]
        if loose.tasks:
            areas.append(loose)
        areas.extend(subareas)

    # plans whose work items sit under their phases (001): take them too
    if sum(len(a.tasks) for a in areas) < 3:
        for pn, ph in zip(phase_nodes, phases, strict=False):
            items = _numbered_children(pn)
            if items:
                area = PlanArea(title=ph.name)
                for n in items:
                    area.tasks.append(_task_from_node(n, "", year, heading_title=False))
                areas.append(area)
    # plain numbered list without any 一、 sections
    if not areas and not tops:
        pass
    if not areas:
        flat = [n for n in tops if n.level >= 2]
        if flat:
            area = PlanArea(title=title or "任务")
            for n in flat:
                area.tasks.append(_task_from_node(n, str(n.number), year, heading_title=False))
            areas.append(area)
    _unique_codes(areas)
    return PlanDraft(title=title, phases=phases, areas=areas, document_date=doc_date)


def _cn_code(number: int) -> str | None:
    digits = "一二三四五六七八九十"
    if 1 <= number <= 10:
        return digits[number - 1]
    if 11 <= number <= 19:
        return "十" + digits[number - 11]
    return str(number)


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


# --- files ----------------------------------------------------------------------------


class PlanFileError(ValueError):
    """The file cannot be read as a plan (i18n key in ``key``)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def read_plan_bytes(name: str, data: bytes) -> str:
    """Text of an uploaded ``.txt`` (UTF-8, UTF-16 or GB18030) or ``.docx`` file."""
    lower = name.lower()
    if lower.endswith(".docx"):
        from lib.io.attachments import zip_problem

        bomb = zip_problem(data)
        if bomb:
            raise PlanFileError(bomb)
        try:
            import docx

            document = docx.Document(io.BytesIO(data))
        except Exception as exc:  # not a docx / corrupt zip
            raise PlanFileError("setup.plan_file_unreadable") from exc
        parts = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                parts.append("，".join(cell.text.strip() for cell in row.cells))
        return "\n".join(parts)
    if lower.endswith(".doc") or lower.endswith(".pdf"):
        raise PlanFileError("setup.plan_file_type")
    for encoding in ("utf-8-sig", "utf-16", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-16" and data[:2] not in (b"\xff\xfe", b"\xfe\xff"):
            continue
        return text
    raise PlanFileError("setup.plan_file_unreadable")


def read_plan_file(path: str) -> str:
    with open(path, "rb") as fh:
        return read_plan_bytes(path, fh.read())


# --- review and creation ----------------------------------------------------------------


def draft_problems(draft: PlanDraft) -> list[tuple[str, dict[str, Any]]]:
    """Every problem that stops a draft from becoming a campaign (i18n key, params)."""
    problems: list[tuple[str, dict[str, Any]]] = []
    if not (draft.title or "").strip():
        problems.append(("setup.error_name_required", {}))
    for i, ph in enumerate(draft.phases, start=1):
        if not ph.name.strip():
            problems.append(("setup.error_phase_incomplete", {"row": i}))
        if ph.start and ph.end and ph.end < ph.start:
            problems.append(("setup.error_phase_dates", {"row": i}))
    seen: set[str] = set()
    row = 0
    for area in draft.areas:
        for task in area.tasks:
            row += 1
            code = task.code.strip()
            if not code or len(code) > 40:
                problems.append(("setup.error_task_code", {"row": row}))
            elif code in seen:
                problems.append(("setup.error_task_duplicate", {"row": row, "code": code}))
            seen.add(code)
            if not task.title.strip():
                problems.append(("setup.error_task_title", {"row": row}))
    if row == 0:
        problems.append(("setup.error_no_tasks", {}))
    return problems


def draft_to_template(draft: PlanDraft, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The draft as a template dict on its own dates (see lib.io.templates)."""
    phases = []
    prev_end = start - dt.timedelta(days=1)
    for seq, ph in enumerate(draft.phases, start=1):
        p_start = ph.start or prev_end + dt.timedelta(days=1)
        p_end = ph.end or max(p_start, end)
        p_start, p_end = max(min(p_start, end), start), max(min(p_end, end), start)
        phases.append(
            {
                "seq": seq,
                "name": ph.name[:200],
                "kind": ph.kind,
                "start": p_start.isoformat(),
                "end": max(p_end, p_start).isoformat(),
            }
        )
        prev_end = max(p_end, p_start)
    areas = []
    for seq, area in enumerate(draft.areas, start=1):
        tasks = []
        for task in area.tasks:
            target = task.target
            tasks.append(
                {
                    "code": task.code,
                    "title": task.title[:500],
                    "description": task.description or None,
                    "target_text": target.text if target else None,
                    "target_value": target.value if target else None,
                    "target_direction": target.direction if target else None,
                    "target_unit": target.unit if target else None,
                    "due": task.due.isoformat() if task.due else None,
                    "departments": list(task.departments),
                    "lead": task.lead,
                }
            )
        areas.append({"seq": seq, "code": area.code, "title": area.title[:300], "tasks": tasks})
    return {
        "name": (draft.title or "")[:300],
        "start": start.isoformat(),
        "end": end.isoformat(),
        "phases": phases,
        "areas": areas,
    }


def task_rows(draft: PlanDraft) -> list[dict[str, Any]]:
    """One row per task for the review table."""
    return [
        {
            "area": area.title,
            "code": task.code,
            "title": task.title,
            "due": task.due,
            "departments": "、".join(task.departments),
            "target": task.target.text if task.target else "",
        }
        for area in draft.areas
        for task in area.tasks
    ]


def phase_rows(draft: PlanDraft) -> list[dict[str, Any]]:
    return [{"name": p.name, "start": p.start, "end": p.end} for p in draft.phases]


def _as_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        import pandas as pd

        if pd.isna(value):
            return None
        stamp = pd.Timestamp(value)
        return None if pd.isna(stamp) else stamp.date()
    except (ValueError, TypeError):
        return None


def _text(value: Any) -> str:
    if value is None:
        return ""
    try:
        import pandas as pd

        if not isinstance(value, str) and pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value).strip()


def draft_from_rows(
    title: str, phases: list[dict[str, Any]], tasks: list[dict[str, Any]], original: PlanDraft
) -> PlanDraft:
    """Rebuild a draft from the edited review table (keeps descriptions by code)."""
    by_code = {t.code: t for t in original.tasks}
    new_phases = []
    for row in phases:
        name = _text(row.get("name"))
        if not name and row.get("start") is None and row.get("end") is None:
            continue
        new_phases.append(
            PlanPhase(
                name=name,
                start=_as_date(row.get("start")),
                end=_as_date(row.get("end")),
                kind=_phase_kind(shadow(name)),
            )
        )
    areas: dict[str, PlanArea] = {}
    for row in tasks:
        code, task_title = _text(row.get("code")), _text(row.get("title"))
        if not code and not task_title:
            continue
        area_title = _text(row.get("area")) or (title or "")
        area = areas.setdefault(area_title, PlanArea(title=area_title))
        old = by_code.get(code)
        target_text = _text(row.get("target"))
        target = None
        if target_text:
            target = find_target(target_text) or PlanTarget(target_text, 0.0, "higher", "")
            target.text = target_text
            if target.value == 0.0 and old and old.target and old.target.text == target_text:
                target = old.target
        departments = [d for d in re.split(r"[、，,；;\s]+", _text(row.get("departments"))) if d]
        area.tasks.append(
            PlanTask(
                code=code,
                title=task_title,
                description=old.description if old else task_title,
                due=_as_date(row.get("due")),
                departments=departments,
                target=target,
            )
        )
    return PlanDraft(
        title=title.strip() or None,
        phases=new_phases,
        areas=list(areas.values()),
        document_date=original.document_date,
    )
