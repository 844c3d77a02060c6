"""Reading Chinese plan text: the same-length *shadow* used for matching (traditional
characters and full-width forms mapped one to one, so every slice is taken from the
original text), Chinese numerals, clause and title helpers, and the noise a web copy
carries (headers and footers, page numbers, document numbers, print counts)."""

from __future__ import annotations

import re

# --- normalisation --------------------------------------------------------------------

# one character to one character, so positions in the shadow are positions in the text
_TRAD = (
    "務标標動內階實驟責時導總體組織領滿過鐘號長計劃開辦會議評與員傳檢結揚進達設發項點門醫療"
    "質續護調參統籌協負這個們對於為範圍題獎勵懲級環據確認應單屬當後準備驗啟學習舉業轉場熱線"
    "資萬書記錄數歷條規則細處報際聯絡衛專區縣鎮鄉間雙廣義優臨選證術絕務類識費預約診斷藥園"
    "構幹訓練務態試價療經濟務總點廳衞"
)
_SIMP = (
    "务标标动内阶实骤责时导总体组织领满过钟号长计划开办会议评与员传检结扬进达设发项点门医疗"
    "质续护调参统筹协负这个们对于为范围题奖励惩级环据确认应单属当后准备验启学习举业转场热线"
    "资万书记录数历条规则细处报际联络卫专区县镇乡间双广义优临选证术绝务类识费预约诊断药园"
    "构干训练务态试价疗经济务总点厅卫"
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


def shadow(text: str) -> str:
    """Same-length matching form: simplified, half-width, unified dashes and brackets."""
    return text.translate(_SHADOW)


# --- numerals -------------------------------------------------------------------------

CN_TEN = "一二三四五六七八九十"
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


def cn_code(number: int) -> str | None:
    """1 → 一, 12 → 十二 (an area's code); numbers past 19 stay in digits."""
    if 1 <= number <= 10:
        return CN_TEN[number - 1]
    if 11 <= number <= 19:
        return "十" + CN_TEN[number - 11]
    return str(number)


# --- clauses and titles -----------------------------------------------------------------

CLAUSE = re.compile(r"[，,；;。！!？?]")


def strip_end(text: str) -> str:
    """The text without surrounding space and trailing punctuation."""
    return text.strip().rstrip("。．.；;，,：:、 \u3000").strip()


def short_title(text: str, limit: int = 20, *, merge_short: bool = True) -> str:
    """A task's title: its first sentence, or its first clause when that is long."""
    text = text.strip()
    sentence = re.split(r"[。；;！!？?]|(?<!\d)\.(?!\d)", text, maxsplit=1)[0]
    sentence = strip_end(sentence)
    if len(sentence) > limit:
        clauses = [c for c in re.split(r"([，,:：])", sentence)]
        title = strip_end(clauses[0])
        # a very short first clause (廉洁行医) reads better with the next one
        i = 1
        while merge_short and len(title) < 8 and i + 1 < len(clauses):
            nxt = title + clauses[i] + clauses[i + 1]
            if len(nxt) > limit + 10:
                break
            title, i = strip_end(nxt), i + 2
        if len(title) >= 4:
            sentence = title
    return sentence[:200] or strip_end(text)[:200]


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
