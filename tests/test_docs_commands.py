"""Every ``python -m lib.cli …`` command written in the README and docs/ is one the CLI
accepts (issue 17: docs/deploy.md told operators to run ``lib.cli backup --out FILE``,
which exits 2, so a nightly job copied from the docs backed up nothing)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from lib.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```[a-z]*\n(.*?)^```", re.S | re.M)
INLINE = re.compile(r"`([^`\n]*-m lib\.cli [^`\n]*)`")


def _commands() -> list[tuple[str, str, bool]]:
    """(where, line, whole): fenced lines are whole commands; inline code in prose may
    name just the command (`python -m lib.cli backup`), which must exist."""
    found: list[tuple[str, str, bool]] = []
    for path in DOCS:
        text = path.read_text("utf-8")
        fenced = [line for block in FENCE.findall(text) for line in block.splitlines()]
        for line in fenced:
            if "-m lib.cli" in line:
                found.append((f"{path.name}: {line.strip()}", line, True))
        for line in INLINE.findall(text):
            found.append((f"{path.name}: `{line.strip()}`", line, False))
    return found


def _argv(line: str) -> list[str]:
    """The arguments after ``-m lib.cli``: comments, ``[optional]`` parts of a synopsis
    and the ``ID`` placeholder (a campaign id) made concrete."""
    tail = line.split("-m lib.cli", 1)[1]
    tail = re.sub(r"\s#.*$", "", tail)
    tail = re.sub(r"\[[^\]]*\]", "", tail)
    tail = re.sub(r"\$\([^)]*\)", "X", tail)  # $(date +%F)
    return [("1" if arg == "ID" else arg) for arg in shlex.split(tail)]


COMMANDS = _commands()


def _subcommands() -> set[str]:
    import argparse

    parser = build_parser()
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return set(sub.choices)


def test_the_docs_name_cli_commands() -> None:
    assert len(COMMANDS) > 15
    assert any("backup" in c for c, _, whole in COMMANDS if c.startswith("deploy.md") and whole)


@pytest.mark.parametrize(("where", "line", "whole"), COMMANDS, ids=[c for c, _, _ in COMMANDS])
def test_every_cli_command_in_the_docs_parses(where: str, line: str, whole: bool) -> None:
    argv = _argv(line)
    if not argv:  # "`python -m lib.cli` honours DATABASE_URL": the program, no command
        return
    if not whole:
        assert argv[0] in _subcommands() or argv[0].startswith("-"), where
        return
    try:
        build_parser().parse_args(argv)
    except SystemExit as exc:
        pytest.fail(f"{where}: the CLI refuses {argv} (exit {exc.code})")
