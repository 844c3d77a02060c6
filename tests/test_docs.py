"""The README keeps up with the code (the idea of datasette's test_docs.py): every setting
read in lib/config.py has a row in the Configuration table, every command of the CLI is
shown in the Command line section, every top-level package and module of lib/ is in the
Layout section, and every lib/ path the README names exists."""

from __future__ import annotations

import argparse
import ast
import re

import pytest

from lib.cli import build_parser
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text("utf-8")
SETTING_NAME = re.compile(r"^[A-Z][A-Z0-9_]+$")


def section(title: str) -> str:
    """The text of the README's ``## title`` section, up to the next ``## `` heading."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.M | re.S)
    assert match, f"README has no '## {title}' section"
    return match.group(1)


def _settings() -> list[str]:
    """Names read from the environment or secrets.toml in lib/config.py: the first
    argument of ``get(...)`` / ``os.environ.get(...)`` / ``os.getenv(...)`` calls and
    ``os.environ[...]`` subscripts, when it is a literal upper-case name."""
    tree = ast.parse((ROOT / "lib" / "config.py").read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        arg: ast.expr | None = None
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in ("get", "getenv"):
                arg = node.args[0]
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value).endswith("environ"):
            arg = node.slice
        literal = arg.value if isinstance(arg, ast.Constant) else None
        if isinstance(literal, str) and SETTING_NAME.match(literal):
            names.add(literal)
    return sorted(names)


def _commands() -> list[str]:
    parser = build_parser()
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return sorted(sub.choices)


def _top_level() -> list[str]:
    """Packages (folders with __init__.py) and modules directly in lib/, as ``name/`` or
    ``name.py`` (``__init__.py`` and ``__main__.py`` excepted)."""
    lib = ROOT / "lib"
    packages = [p.name + "/" for p in lib.iterdir() if (p / "__init__.py").is_file()]
    modules = [p.name for p in lib.glob("*.py") if not p.name.startswith("__")]
    return sorted(packages + modules)


def test_the_scans_find_what_they_look_for() -> None:
    assert {"DATABASE_URL", "COOKIE_KEY", "DEMO_MODE"} <= set(_settings())
    assert {"init", "demo", "import-excel"} <= set(_commands())
    assert {"config.py", "write/", "i18n/"} <= set(_top_level())


@pytest.mark.parametrize("name", _settings())
def test_every_setting_has_a_row_in_the_configuration_table(name: str) -> None:
    assert re.search(rf"^\| `{name}` \|", section("Configuration"), re.M), (
        f"README, Configuration: add a row | `{name}` | default | meaning |"
    )


@pytest.mark.parametrize("command", _commands())
def test_every_cli_command_is_shown(command: str) -> None:
    assert re.search(rf"python -m lib\.cli {re.escape(command)}\b", section("Command line")), (
        f"README, Command line: show `python -m lib.cli {command} …`"
    )


@pytest.mark.parametrize("name", _top_level())
def test_every_top_level_package_and_module_of_lib_is_in_the_layout(name: str) -> None:
    """The Layout section lists lib/'s entries one a line, indented under ``lib/``."""
    assert re.search(rf"^ +{re.escape(name)}(?: |$)", section("Layout"), re.M), (
        f"README, Layout: describe lib/{name}"
    )


def test_every_lib_path_named_in_the_readme_exists() -> None:
    named = set(re.findall(r"\blib/[\w/.]*\w", README))
    assert named, "the scan found no lib/ path"
    assert sorted(p for p in named if not (ROOT / p).exists()) == []
