"""The report as HTML (the page's body, or a self-contained file for `exohair report`) and as PDF.

Rendered here, not in web/, because the command line writes the same report: one template, two doors.
"""

from __future__ import annotations

import math
from importlib import resources
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from exohair.domain.statistics.cohorts import DIMENSION_NAMES, MINIMUM_ASSESSED
from exohair.domain.statistics.proportions import Proportion
from exohair.domain.statistics.registry_analysis import EVENTS_PER_TERM
from exohair.features.analytics.report import Report

_TEMPLATES = Path(str(resources.files("exohair.features.analytics") / "templates"))
_env = Environment(
    loader=FileSystemLoader(_TEMPLATES),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _percent(value: float | None, digits: int = 0) -> str:
    if value is None or math.isnan(value):
        return "—"
    return f"{100 * value:.{digits}f}%"


def _rate(rate: Proportion | None) -> str:
    if rate is None:
        return "not enough data"
    return f"{_percent(rate.estimate)} ({_percent(rate.low)} to {_percent(rate.high)})"


def _number(value: float | None, digits: int = 2) -> str:
    if value is None or math.isnan(value):
        return "—"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return f"{value:.{digits}f}".replace("-", "−")


def _p_value(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "—"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


_env.filters.update(percent=_percent, rate=_rate, number=_number, p_value=_p_value)


def _values(report: Report) -> dict[str, object]:
    return {
        "report": report,
        "a": report.analysis,
        "names": report.protocol_names,
        "regimens": report.regimen_names,
        "dimensions": DIMENSION_NAMES,
        "minimum": MINIMUM_ASSESSED,
        "events_per_term": EVENTS_PER_TERM,
        "charts": {name: Markup(svg) for name, svg in report.charts.items()},  # drawn by plots.py, text escaped there
    }


def report_body(report: Report) -> Markup:
    """The report's sections, for the web page to place inside its layout."""
    return Markup(_env.get_template("report_body.html").render(**_values(report)))


def report_file(report: Report) -> str:
    """A self-contained HTML file: styles inline, no script, no link out, so it opens anywhere, offline."""
    css = (_TEMPLATES / "report.css").read_text(encoding="utf-8")
    return _env.get_template("report_file.html").render(css=Markup(css), body=report_body(report), report=report)


def report_pdf(report: Report) -> bytes:
    """The same file printed to PDF by WeasyPrint (imported only here: it is slow to import and only this needs it)."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=report_file(report)).write_pdf()
    return pdf
