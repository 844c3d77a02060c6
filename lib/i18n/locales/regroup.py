"""Rewrite the catalogue files so every key sits in the file of its prefix group.

    python -m lib.i18n.locales.regroup

Reads every catalogue file (group files, then leftover ``feature_*.py`` modules), writes
``zh/<group>.py`` and ``en/<group>.py`` for every group of ``GROUPS`` and deletes the
leftover modules. Keys keep the order in which they are found (English follows the
Chinese order); no text is changed. Where a leftover module holds a key that a group file
also holds with another text, the leftover's text is taken (it is the newer edit, made on
a branch that still had the old layout) and the key is printed. A key whose prefix is in
no group is refused: add the prefix to ``GROUPS`` first. Then run ruff format.
"""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

from lib.i18n.locales import GROUPS, HERE, LANGS, feature_modules, group_of, prefix, sources

WIDTH = 100
TITLES = {"zh": "简体中文 (default)", "en": "English (second language)"}


def collect(lang: str) -> tuple[dict[str, str], list[str]]:
    """The merged messages of one language and the keys whose text a leftover replaced."""
    leftovers = set(feature_modules())
    merged: dict[str, str] = {}
    replaced: list[str] = []
    for name, messages in sources(lang):
        for key, text in messages.items():
            if key in merged and merged[key] != text:
                if name not in leftovers:
                    raise SystemExit(f"{lang}: {key} has two different texts in group files")
                replaced.append(key)
            merged[key] = text
    return merged, replaced


def _literal(text: str, indent: int, head: int) -> str:
    """A Python string literal after ``head`` characters of a line; a text too long for
    the line that has spaces is wrapped in parentheses, one piece a line."""
    one = json.dumps(text, ensure_ascii=False)
    if head + len(one) + 1 <= WIDTH or " " not in text:
        return one
    chunks = textwrap.wrap(
        text,
        WIDTH - indent - 8,
        drop_whitespace=False,
        break_long_words=False,
        replace_whitespace=False,
        expand_tabs=False,
    )
    if "".join(chunks) != text:  # never change a message to make it fit
        return one
    pad = " " * (indent + 4)
    body = "\n".join(pad + json.dumps(c, ensure_ascii=False) for c in chunks)
    return "(\n" + body + "\n" + " " * indent + ")"


def render(lang: str, group: str, messages: dict[str, str]) -> str:
    keys = ", ".join(f"{p}.*" for p in GROUPS[group])
    doc = textwrap.fill(f"{TITLES[lang]}: {keys}", WIDTH - 6, break_long_words=False)
    lines = [f'"""{doc}"""', "", "MESSAGES: dict[str, str] = {"]
    for key, text in messages.items():
        head = f"    {json.dumps(key)}: "
        lines.append(head + _literal(text, 4, len(head)) + ",")
    lines.append("}")
    return "\n".join(lines) + "\n"


def write_all(catalogues: dict[str, dict[str, str]], root: Path = HERE) -> list[Path]:
    """Write every group file of every language from merged catalogues."""
    unknown = sorted({prefix(k) for cat in catalogues.values() for k in cat if not group_of(k)})
    if unknown:
        raise SystemExit(f"prefixes in no group (add them to GROUPS): {', '.join(unknown)}")
    order = list(catalogues["zh"])
    written: list[Path] = []
    for lang in LANGS:
        cat = catalogues[lang]
        keys = [k for k in order if k in cat] + [k for k in cat if k not in catalogues["zh"]]
        folder = root / lang
        folder.mkdir(exist_ok=True)
        init = folder / "__init__.py"
        if not init.exists():
            init.write_text(f'"""{TITLES[lang]}: one module per key-prefix group."""\n', "utf-8")
        for group, prefixes in GROUPS.items():
            by_prefix = {p: {k: cat[k] for k in keys if prefix(k) == p} for p in prefixes}
            messages = {k: v for p in prefixes for k, v in by_prefix[p].items()}
            path = folder / f"{group}.py"
            path.write_text(render(lang, group, messages), "utf-8")
            written.append(path)
    return written


def main() -> int:
    catalogues: dict[str, dict[str, str]] = {}
    for lang in LANGS:
        catalogues[lang], replaced = collect(lang)
        for key in replaced:
            print(f"{lang}: {key}: the text of the leftover module was taken")
    write_all(catalogues)
    for name in feature_modules():
        (HERE / f"{name}.py").unlink()
        print(f"moved and deleted {name}.py")
    print("now run: ruff format lib/i18n/locales")
    return 0


if __name__ == "__main__":
    sys.exit(main())
