"""What every browser test does: open a page in a fresh context, sign in, check a page."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from axe import serious_violations

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}  # a common phone's viewport in CSS pixels


def open_page(browser: Any, base_url: str, viewport: dict[str, int] = DESKTOP) -> Iterator[Any]:
    context = browser.new_context(viewport=viewport, base_url=base_url)
    page = context.new_page()
    page.csp_errors = []
    page.on("console", lambda m: "Content Security Policy" in m.text and page.csp_errors.append(m.text))
    yield page
    context.close()


def sign_in(page: Any, email: str, password: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def check(page: Any, name: str | None = None) -> None:
    """No serious or critical axe-core violation, no CSP violation; with EXOHAIR_SCREENSHOTS=1 (`make
    screenshots`), a screenshot for docs/ (not on every run: the demo's dates move, and docs/ would churn)."""
    assert serious_violations(page) == []
    assert page.csp_errors == []
    if name and os.environ.get("EXOHAIR_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
