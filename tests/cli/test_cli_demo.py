"""`exohair demo`: a sample plan anyone can run first."""

from __future__ import annotations

import re


def test_the_demo_prints_a_plan_with_a_priming_session_and_a_cost_total(run):
    result = run("demo")
    assert result.code == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "Priming session 1" in result.stdout
    assert "Regrowth session" in result.stdout
    assert re.search(r"Total\s*│\s*│\s*\$[\d,]+\.\d{2}", result.stdout), result.stdout[-2000:]
    assert "investigational" in result.shown
