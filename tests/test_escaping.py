"""One escaping rule, structural (issue 17, item 1): every text that Streamlit renders
as Markdown and that has a value in it is built by ``lib.ui.text.md`` (``page.md``),
which escapes every value. This test reads the source of every page, ``app.py`` and
``lib/ui`` (AST) and fails on text built any other way — an f-string, ``.format``,
``%``, ``+`` with a value that is not known to be safe, or ``t(key, value=…)`` — given
to a call that renders Markdown: ``st.markdown``/``title``/``header``/``subheader``/
``caption``/``write``, alerts and toasts, and the labels of expanders, tabs, popovers,
buttons, widgets, metrics and table columns, their ``help`` tooltips and the options of
a radio (``format_func``). A variable that holds such text is followed within its file.
Altair text marks and ``st.dataframe`` cells show text as text (nothing to escape).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

from lib.ui.text import Markdown, md, md_escape, md_join
from tests.conftest import ROOT

# calls whose text argument is rendered as Markdown (by attribute name)
RENDERS = frozenset(
    {
        "markdown",
        "title",
        "header",
        "subheader",
        "caption",
        "write",
        "info",
        "success",
        "warning",
        "error",
        "toast",
        "exception",
        "expander",
        "popover",
        "status",
        "tabs",
        "button",
        "download_button",
        "form_submit_button",
        "link_button",
        "page_link",
        "metric",
        "radio",
        "checkbox",
        "toggle",
        "selectbox",
        "multiselect",
        "text_input",
        "text_area",
        "number_input",
        "date_input",
        "time_input",
        "file_uploader",
        "slider",
        "select_slider",
        "segmented_control",
        "pills",
        "feedback",
        "chat_input",
    }
)
TEXT_KEYWORDS = frozenset({"body", "label", "help", "text", "placeholder"})
# widgets whose options are rendered as Markdown (``format_func``); a selectbox's and a
# multiselect's options are plain text (escaping them would show the backslashes)
MARKDOWN_OPTIONS = frozenset({"radio", "pills", "segmented_control"})
LABEL_FUNCTIONS = frozenset({"format_func"})
# keyword arguments of any call (``page.save``) whose text is shown as Markdown later
MESSAGE_KEYWORDS = frozenset({"flash", "success"})
# functions whose result is safe text: the escaping helpers, numbers and fixed vocabularies
SAFE_CALLS = frozenset(
    {
        "md",
        "md_escape",
        "md_join",
        "fmt_period",
        "fmt_date",
        "fmt_datetime",
        "fmt_pct",
        "fmt_number",
        "status_label",
        "role_label",
        "len",
        "int",
        "float",
        "round",
        "abs",
        "sum",
        "min",
        "max",
    }
)
# receivers that are loggers, not Streamlit
NOT_STREAMLIT = frozenset({"log", "logger", "LOG", "LOGGER", "logging"})
SOURCES = sorted(
    [*(ROOT / "pages").glob("*.py"), ROOT / "app.py", *(ROOT / "lib" / "ui").glob("*.py")]
)
EXEMPT = {ROOT / "lib" / "ui" / "text.py"}  # the helper itself


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def _receiver(node: ast.AST) -> str | None:
    return _name(node.value) if isinstance(node, ast.Attribute) else None


class _Checker:
    def __init__(self, tree: ast.Module) -> None:
        # names assigned text built by interpolation somewhere in the file
        self.tainted: set[str] = set()
        for _ in range(3):  # a name tainted by another tainted name
            for node in ast.walk(tree):
                self._taint(node)

    def _taint(self, node: ast.AST) -> None:
        """Names holding unsafe text: assigned it, appended it (a list of messages), or
        looping over such a list."""
        if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if node.value is not None and self.rendered_unsafely(node.value):
                self.tainted |= {t.id for t in targets if isinstance(t, ast.Name)}
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("append", "insert", "extend")
            and isinstance(node.func.value, ast.Name)
            and any(self.rendered_unsafely(a) for a in node.args)
        ):
            self.tainted.add(node.func.value.id)
        elif (
            isinstance(node, ast.For)
            and isinstance(node.iter, ast.Name)
            and node.iter.id in self.tainted
            and isinstance(node.target, ast.Name)
        ):
            self.tainted.add(node.target.id)

    def safe_value(self, node: ast.AST) -> bool:
        """A value put into text: safe if a literal, escaped, a number or fixed words."""
        if isinstance(node, ast.Constant):
            return True
        if isinstance(node, ast.Call):
            name = _name(node.func)
            if name == "t":
                return all(self.safe_value(k.value) for k in node.keywords)
            return name in SAFE_CALLS
        if isinstance(node, ast.JoinedStr):
            return not self.built_unsafely(node)
        if isinstance(node, ast.BinOp):
            return not self.built_unsafely(node)
        if isinstance(node, ast.IfExp):
            return self.safe_value(node.body) and self.safe_value(node.orelse)
        if isinstance(node, ast.BoolOp):
            return all(self.safe_value(v) for v in node.values)
        return False

    def built_unsafely(self, node: ast.AST) -> bool:
        """Text built from a value that is not known to be safe."""
        if isinstance(node, ast.JoinedStr):
            return any(
                isinstance(v, ast.FormattedValue)
                and v.format_spec is None  # a format spec (":.1f", ":g") means a number
                and not self.safe_value(v.value)
                for v in node.values
            )
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute) and node.func.attr in ("format", "message"):
                return True  # str.format; ServiceError.message puts in its values as they are
            if _name(node.func) == "t":
                return not all(self.safe_value(k.value) for k in node.keywords)
            if isinstance(node.func, ast.Attribute) and node.func.attr == "join":
                return not (isinstance(node.func.value, ast.Constant) and _joins_safe(self, node))
            return False
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            return not isinstance(node.right, ast.Constant)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return not (self.text_safe(node.left) and self.text_safe(node.right))
        if isinstance(node, ast.IfExp):
            return self.built_unsafely(node.body) or self.built_unsafely(node.orelse)
        if isinstance(node, ast.BoolOp):
            return any(self.built_unsafely(v) for v in node.values)
        return False

    def text_safe(self, node: ast.AST) -> bool:
        """A text operand: a literal, escaped, or built from safe values only."""
        if isinstance(node, ast.Name):
            return node.id not in self.tainted and False
        return self.safe_value(node)

    def rendered_unsafely(self, node: ast.AST) -> bool:
        """An argument handed to a Markdown-rendering call."""
        if isinstance(node, ast.Name):
            return node.id in self.tainted
        if isinstance(node, ast.List | ast.Tuple):
            return any(self.rendered_unsafely(e) for e in node.elts)
        if isinstance(node, ast.Lambda):
            return self.rendered_unsafely(node.body)
        return self.built_unsafely(node)


def _joins_safe(checker: _Checker, call: ast.Call) -> bool:
    """``"sep".join(x)``: safe when x is a comprehension of safe values."""
    if len(call.args) != 1:
        return False
    arg = call.args[0]
    if isinstance(arg, ast.GeneratorExp | ast.ListComp):
        return checker.safe_value(arg.elt)
    if isinstance(arg, ast.List | ast.Tuple):
        return all(checker.safe_value(e) for e in arg.elts)
    return False


@dataclass(frozen=True)
class Finding:
    where: str
    call: str
    text: str

    def __str__(self) -> str:
        return f"{self.where}: {self.call}({self.text})"


def _is_render_call(node: ast.Call) -> str | None:
    func = node.func
    if not isinstance(func, ast.Attribute) or _receiver(func) in NOT_STREAMLIT:
        return None
    if func.attr in RENDERS or func.attr.endswith("Column"):
        return func.attr
    return None


def findings(path: Path, source: str | None = None) -> list[Finding]:
    tree = ast.parse(source if source is not None else path.read_text(encoding="utf-8"))
    checker = _Checker(tree)
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if (call := _is_render_call(node)) is not None:
            keywords = TEXT_KEYWORDS | (LABEL_FUNCTIONS if call in MARKDOWN_OPTIONS else set())
            texts = node.args[:1] + [k.value for k in node.keywords if k.arg in keywords]
        else:
            call = _name(node.func) or "?"
            texts = [k.value for k in node.keywords if k.arg in MESSAGE_KEYWORDS]
        for text in texts:
            if checker.rendered_unsafely(text):
                rel = path.relative_to(ROOT) if path.is_absolute() else path
                out.append(Finding(f"{rel}:{text.lineno}", call, ast.unparse(text)[:120]))
    return out


def test_no_page_renders_a_value_as_markdown_without_the_helper() -> None:
    found = [str(f) for path in SOURCES if path not in EXEMPT for f in findings(path)]
    assert found == [], "build these texts with page.md(...):\n" + "\n".join(found)


BAD = [
    'st.markdown(f"**{title}**")',
    'st.caption(t("report.intro", department=name, period=fmt_period(p)))',
    'st.warning("已锁定：" + reason)',
    'st.info("%s" % name)',
    'st.success("{}".format(name))',
    'st.button(t("report.download", name=f.original_name))',
    'c1.metric(f"{r.label} · {r.peer_group}", 1)',
    'st.expander(f"{dept}")',
    'st.tabs([t("a.b"), f"{dept}"])',
    'st.radio("x", options, format_func=lambda o: f"**{o}**")',
    'text = f"- {row.title}"\nst.markdown(text)',
    'st.markdown("\\n".join(f"- {n}" for n in names))',
    'st.column_config.TextColumn(f"{label}")',
    'problems = []\nproblems.append(t("x.y", code=code))\nfor m in problems:\n    st.error(m)',
    'st.sidebar.caption(t("x.y", name=user.display_name))',
    "st.error(exc.message(lang))",
    'page.save(run, flash=lambda n: t("problems.registered", code=n))',
    'page.save(run, success=t("scores.saved", department=names[d]))',
]
GOOD = [
    'st.markdown(page.md("**{title}**", title=title))',
    'st.caption(page.md("report.intro", department=name, period=fmt_period(p)))',
    'st.caption(t("audit.count", count=len(table)))',
    "st.markdown(f\"**{t('scores.table')}**\")",
    'st.metric(t("x.y"), f"{value:.1f}%")',
    'st.markdown(f"- {page.md_escape(r.title)} — {r.score:.2f}")',
    'st.markdown(page.md_join("\\n", (page.md("- {n}", n=n) for n in names)))',
    "st.dataframe(df)",
    'logger.error(f"{x}")',
    'st.selectbox(t("col.task"), ids, format_func=lambda i: choices[i])',
]


@pytest.mark.parametrize("snippet", BAD)
def test_the_scan_catches_each_way_of_building_markup(snippet: str) -> None:
    assert findings(Path("snippet.py"), snippet), snippet


@pytest.mark.parametrize("snippet", GOOD)
def test_the_scan_passes_text_built_by_the_helper(snippet: str) -> None:
    assert findings(Path("snippet.py"), snippet) == [], snippet


PAYLOAD = "![x](http://127.0.0.1:9/x.png) [link](http://127.0.0.1:9) :red[紧急] $X$ **b**"


def test_md_escapes_every_value_and_keeps_markdown_it_made() -> None:
    line = md("- {name} · {n}", name=PAYLOAD, n=3)
    assert isinstance(line, Markdown)
    assert line == "- " + md_escape(PAYLOAD) + " · 3"
    for raw in ("![x]", "[link](", ":red[", "$X$", "**b**"):
        assert raw not in line
    whole = md("**{title}**\n\n{lines}", title="清单", lines=md_join("\n", [line, line]))
    assert whole.count(md_escape(PAYLOAD)) == 2  # the lines are not escaped twice
    assert md("report.download", name=PAYLOAD, lang="en").count(md_escape(PAYLOAD)) == 1


def test_addresses_in_user_text_are_not_made_links() -> None:
    """GitHub-flavoured Markdown links bare addresses even when escaped; a word joiner
    (invisible) after ``:`` before ``//``, after ``www`` and ``@`` stops it."""
    escaped = md_escape("见 http://127.0.0.1:9/x.png、www.example.cn 和 a@b.cn")
    for pattern in ("://", "www\\.", "@b"):
        assert pattern not in escaped, pattern
    assert escaped.count("\u2060") == 3


def test_a_password_with_an_at_sign_is_shown_exactly() -> None:
    """The demo password Demo@2026 is copied from the login page: no invisible character
    may enter it; an e-mail address still gets one (it would become a mailto link)."""
    from lib.ui.text import WORD_JOINER, md_escape

    assert md_escape("Demo@2026") == "Demo@2026"
    assert WORD_JOINER in md_escape("zhang@hospital.cn")
