"""Accessibility checks with axe-core, injected into the page under test.

`make test` fetches axe-core from the npm registry and names the file in EXOHAIR_AXE; a test run without it
fails (it cannot pass an accessibility check it did not make)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

RULESETS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def _script() -> str:
    named = os.environ.get("EXOHAIR_AXE")
    if not named or not Path(named).is_file():
        raise RuntimeError("axe-core is missing: run the browser tests with `make test` (it sets EXOHAIR_AXE)")
    return Path(named).read_text()


def serious_violations(page: Any) -> list[str]:
    """Every serious or critical axe-core violation on the page as it stands, one line per rule and element."""
    # Evaluated through the DevTools protocol, which the page's Content-Security-Policy (no inline scripts) does
    # not govern; a <script> tag would be refused, and bypassing the CSP would hide the app's own violations.
    page.evaluate(_script() + "\n;true")
    found = page.evaluate("async (tags) => (await axe.run(document, {runOnly: tags})).violations", RULESETS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {node['target']}"
        for v in found
        if v["impact"] in ("serious", "critical")
        for node in v["nodes"]
    ]
