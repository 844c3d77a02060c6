"""Message catalogues, one file per key-prefix group and language.

A key's prefix (the part before the first dot) decides its file: ``error.*`` lives in
``zh/error.py`` and ``en/error.py``, ``cli.*`` in ``zh/cli.py`` and ``en/cli.py``, and so
on; ``GROUPS`` below is the one table of which prefixes share a file. Each file holds one
dict, ``MESSAGES``. A key defined twice, or in the file of another group, is an error
(tested); a new prefix is added to ``GROUPS`` first.

Leftovers of the older layout, ``feature_<name>.py`` modules with two dicts ``ZH`` and
``EN``, are still merged in so that a branch adding keys there keeps working; a test
names their keys, and ``python -m lib.i18n.locales.regroup`` moves them into their group
files and deletes the module.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

LANGS = ("zh", "en")

# group file -> the key prefixes it holds (a prefix belongs to exactly one group)
GROUPS: dict[str, tuple[str, ...]] = {
    "nav": ("app", "nav", "page", "sidebar", "home"),
    "account": ("login", "account", "accounts", "role", "audit"),
    "common": (
        "common",
        "punct",
        "list",
        "col",
        "status",
        "phase",
        "source",
        "component",
        "chart",
        "upload",
        "security",
    ),
    "error": ("error",),
    "leadership": ("overview", "progress", "ranking", "satisfaction", "ledger"),
    "report": ("report", "rep", "review", "tracker", "locks", "scores"),
    "problems": ("problems",),
    "meeting": ("meeting", "circular", "reports"),
    "setup": ("setup", "import", "wizard"),
    "plan": ("plan",),
    "cli": ("cli",),
    "notify": ("notify",),
    "recognition": ("recog", "honours", "staff", "doc"),
    "statistics": ("runchart", "stats", "appeal"),
}

GROUP_OF_PREFIX: dict[str, str] = {p: g for g, prefixes in GROUPS.items() for p in prefixes}

HERE = Path(__file__).parent


def prefix(key: str) -> str:
    return key.split(".", 1)[0]


def group_of(key: str) -> str | None:
    """The group file a key belongs in (None: its prefix is in no group yet)."""
    return GROUP_OF_PREFIX.get(prefix(key))


def feature_modules() -> list[str]:
    """Leftover modules of the older layout (``feature_<name>.py``)."""
    return sorted(
        m.name for m in pkgutil.iter_modules([str(HERE)]) if m.name.startswith("feature_")
    )


def group_modules(lang: str) -> list[str]:
    """The group files present for one language (every file, listed or not in GROUPS)."""
    folder = HERE / lang
    return sorted(m.name for m in pkgutil.iter_modules([str(folder)]))


def sources(lang: str) -> list[tuple[str, dict[str, str]]]:
    """(file, messages) for one language: the group files in ``GROUPS`` order (then any
    other file found there), then leftover feature modules as ``feature_<name>``."""
    present = group_modules(lang)
    order = [g for g in GROUPS if g in present] + [m for m in present if m not in GROUPS]
    out: list[tuple[str, dict[str, str]]] = []
    for name in order:
        mod = importlib.import_module(f"lib.i18n.locales.{lang}.{name}")
        out.append((name, mod.MESSAGES))
    for name in feature_modules():
        mod = importlib.import_module(f"lib.i18n.locales.{name}")
        out.append((name, mod.ZH if lang == "zh" else mod.EN))
    return out


def _merge(parts: list[tuple[str, dict[str, str]]]) -> tuple[dict[str, str], list[str]]:
    merged: dict[str, str] = {}
    duplicates: list[str] = []
    for _name, messages in parts:
        duplicates.extend(k for k in messages if k in merged)
        merged.update(messages)
    return merged, duplicates


def load() -> tuple[dict[str, str], dict[str, str], list[str]]:
    """(zh, en, duplicated keys) merged from every catalogue file."""
    zh, zh_dups = _merge(sources("zh"))
    en, en_dups = _merge(sources("en"))
    return zh, en, sorted(set(zh_dups + en_dups))
