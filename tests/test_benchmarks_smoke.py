"""The benchmark commands still run (a tiny scale, seconds), so they never rot. No timing
is asserted here: the speed goals live in benchmarks/README.md."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_generate_and_run_at_a_tiny_scale(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bench.db'}"
    r = _run("benchmarks.generate", "--scale", "XS", "--database-url", url)
    assert r.returncode == 0, r.stderr[-3000:]
    out = tmp_path / "out.json"
    r = _run(
        "benchmarks.run", "--scale", "XS", "--database-url", url, "--json", str(out),
        "--repeat", "1", "--cold-repeat", "1", "--writers", "4", "--saves", "3",
        "--sessions", "0",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr[-3000:]
    result = json.loads(out.read_text())
    assert set(result["pages"]) == {"overview", "progress", "ranking", "satisfaction", "ledger"}
    for page in result["pages"].values():
        assert page["statements"] > 0 and page["floor"] > 0
    assert result["baseline"]["same_numbers"] is True
    assert result["saves"]["ok"] == 12 and result["saves"]["lost"] == 0
    assert result["deck"]["bytes"] > 0
    assert result["summary"]["rows"] > 0 and result["summary"]["rebuild_s"] > 0
    assert "| overview |" in r.stdout and "summary: campaign rebuilt" in r.stdout
    # the writers spread over two processes, released together
    r = _run(
        "benchmarks.run", "--scale", "XS", "--database-url", url, "--json", str(out),
        "--skip", "summary,pages,baseline,deck,rss", "--writers", "4", "--saves", "3",
        "--writer-processes", "2",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr[-3000:]
    saves = json.loads(out.read_text())["saves"]
    assert (saves["processes"], saves["ok"], saves["lost"]) == (2, 12, 0)
    assert "4 writers × 3 in 2 processes: ok 12" in r.stdout
