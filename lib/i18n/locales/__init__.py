"""Message catalogues.

``zh_cn.py`` and ``en.py`` hold the shared keys. Each feature may add its own module
``feature_<name>.py`` with two dicts, ``ZH`` and ``EN``; they are merged in here, so
features never edit the same file. A key defined twice is an error (tested).
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path


def feature_modules() -> list[str]:
    here = Path(__file__).parent
    return sorted(
        m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("feature_")
    )


def load() -> tuple[dict[str, str], dict[str, str], list[str]]:
    """(zh, en, duplicated keys) from the shared catalogues and every feature module."""
    from lib.i18n.locales import en, zh_cn

    zh: dict[str, str] = dict(zh_cn.MESSAGES)
    eng: dict[str, str] = dict(en.MESSAGES)
    duplicates: list[str] = []
    for name in feature_modules():
        mod = importlib.import_module(f"lib.i18n.locales.{name}")
        for target, extra in ((zh, mod.ZH), (eng, mod.EN)):
            duplicates.extend(k for k in extra if k in target)
            target.update(extra)
    return zh, eng, sorted(set(duplicates))
