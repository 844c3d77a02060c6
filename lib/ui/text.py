"""The one escaping rule (issue 17, item 1): text from a user or a file — names, titles,
file names, reasons, labels — is never markup.

Streamlit renders Markdown (and its directives ``:red[…]``, ``$…$``, ``:material/…:``) in
``st.markdown``, ``st.caption``, ``st.title`` …, in alerts and toasts, and in the labels
of buttons, expanders, tabs, widgets and metrics. Every such text with a value in it is
built here:

- :func:`md` — a template (an i18n key, or literal Markdown with ``{name}`` fields) and
  its values; every value is escaped, so it shows exactly as typed;
- :func:`md_join` — Markdown pieces made by :func:`md` joined (still Markdown);
- :func:`md_numbered` — a numbered list, one :func:`md` line per row;
- :func:`md_escape` — one value escaped;
- :func:`error_md` — a refusal (``ServiceError``) with its values escaped.

What :func:`md` returns is :class:`Markdown`; given to :func:`md` as a value, it goes in
as it is (it is already safe), which is how a list of escaped lines becomes part of a
larger text. ``tests/test_escaping.py`` scans the pages, ``app.py`` and ``lib/ui`` for
text built any other way (f-strings, ``.format``, ``%``, ``+``, ``t(key, value=…)``) and
handed to a call that renders Markdown.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

from lib.i18n import CATALOGUES, t
from lib.write.base import ServiceError

# Markdown, HTML and Streamlit directive characters (":red[...]", ":material/x:", "$x$")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&=^\"'])")


R = TypeVar("R")

_KEY = re.compile(r"^[a-z_]+\.[a-z0-9_]+$")


class Markdown(str):
    """Markdown that is safe to render: made by :func:`md` or :func:`md_join`."""

    __slots__ = ()


# what GitHub-flavoured Markdown turns into a link by itself, escaped or not ("autolink
# literals": http://…, www.…, name@host): an invisible word joiner breaks the pattern
# an e-mail address is linked only when a domain with a dot follows the @ ("Demo@2026",
# a password shown on the demo login page, must stay exactly what the user types)
_AUTOLINK = re.compile(r"(?i)(?<=:)(?=//)|(?<=\bwww)(?=\.)|(?<=@)(?=[\w-]+\.\w)")
WORD_JOINER = "\u2060"
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?%?$")


def md_escape(value: object) -> str:
    """User text for ``st.markdown``/``st.caption``/``st.title``: every Markdown, HTML and
    Streamlit directive character is backslash-escaped, so the text shows exactly as typed
    (a link, an image, a script tag or ``**bold**`` stays text); an address in it is not
    made a link (a word joiner, U+2060, follows ``:`` before ``//``, ``www`` and the ``@``
    of an e-mail address).
    :class:`Markdown` is left as it is."""
    if isinstance(value, Markdown):
        return value
    if isinstance(value, int | float) or (isinstance(value, str) and _NUMBER.match(value)):
        return str(value)  # a number ("86.60", "-3", "75%") is no markup
    text = _AUTOLINK.sub(WORD_JOINER, "" if value is None else str(value))
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")


def md(template: str, /, lang: str | None = None, **values: object) -> Markdown:
    """Markdown from ``template`` with every value escaped. ``template`` is an i18n key
    (translated into ``lang``, or the session's language) or literal Markdown with
    ``{name}`` fields: ``md("review.returned", task=title)``,
    ``md("**{code} {title}** · {percent}%", code=…, title=…, percent=…)``."""
    escaped = {k: md_escape(v) for k, v in values.items()}
    if template in CATALOGUES["zh"] or _KEY.match(template):
        return Markdown(t(template, lang, **escaped))
    return Markdown(template.format(**escaped))


def md_join(separator: str, pieces: Iterable[Markdown]) -> Markdown:
    """Markdown pieces (from :func:`md`) joined by a literal separator."""
    return Markdown(separator.join(md_escape(p) for p in pieces))


def md_numbered(
    separator: str,
    template: str,
    rows: Iterable[R],
    values: Callable[[R], Mapping[str, object]],
) -> Markdown:
    """A numbered list: for each of ``rows``, :func:`md` ``(template, i=n, **values(row))``
    with n counting from 1, the lines joined by ``separator``:
    ``md_numbered("\n", "{i}. **{name}** {score}", frame.itertuples(), lambda r: {...})``."""
    return md_join(
        separator,
        (md(template, None, i=i, **values(row)) for i, row in enumerate(rows, start=1)),
    )


def error_md(error: ServiceError, lang: str | None = None) -> Markdown:
    """A refusal's message, its values escaped (they are often user text: a task's code,
    a department's name, a file name)."""
    params = {
        k: error_md(v, lang) if isinstance(v, ServiceError) else v for k, v in error.params.items()
    }
    return md(error.key, lang, **params)
