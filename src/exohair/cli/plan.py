"""`exohair plan`: the chemo calendar beside the therapy plan, the CIA risk with its basis, and the cost."""

from __future__ import annotations

import io
import json
import sys
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console

from exohair.cli.console import clinic_today, fail, knowledge, out
from exohair.cli.options import build_request
from exohair.cli.plan_view import render_plan
from exohair.domain.full_plan import FullPlan
from exohair.features.planning.service import PlanRequest, make_full_plan
from exohair.interop.ical import plan_to_ics
from exohair.interop.plan_json import plan_to_json


class PlanFormat(StrEnum):
    table = "table"
    json = "json"
    ics = "ics"


def plan_command(
    regimen: str = typer.Option(..., "--regimen", help="Regimen id, name or synonym (see `exohair regimens list`)."),
    first_infusion: str = typer.Option(..., "--first-infusion", help="Date of the first infusion, YYYY-MM-DD."),
    protocol: str = typer.Option(..., "--protocol", help="Protocol id or name (see `exohair protocols list`)."),
    adjunct: list[str] = typer.Option([], "--adjunct", help="minoxidil, prp or scalp-cooling; repeat for more."),
    closed: str = typer.Option("", "--closed", help="Weekdays the clinic is closed, e.g. sat,sun."),
    closed_date: list[str] = typer.Option([], "--closed-date", help="A date the clinic is closed; repeatable."),
    delay: list[str] = typer.Option([], "--delay", help="CYCLE[/DAY]:DAYS, e.g. 2:7 (cycle 2 given 7 days late)."),
    skip: list[str] = typer.Option([], "--skip", help="CYCLE[/DAY] of a dose that was omitted."),
    start: str | None = typer.Option(None, "--start", help="First day the plan may use (e.g. today), YYYY-MM-DD."),
    age: int | None = typer.Option(None, "--age", min=0, max=130, help="Patient age in years."),
    aga: bool = typer.Option(False, "--aga", help="Patient has androgenetic (pattern) hair loss at baseline."),
    condition: list[str] = typer.Option([], "--condition", help="A condition code, e.g. cold_disorder."),
    anticoagulated: bool = typer.Option(False, "--anticoagulated", help="On a vitamin K antagonist."),
    format: PlanFormat = typer.Option(PlanFormat.table, "--format", help="table, json or ics."),
    output: Path | None = typer.Option(None, "--out", help="Write to this file instead of standard output."),
    infusions: bool = typer.Option(False, "--infusions", help="With --format ics: add the chemotherapy infusions."),
) -> None:
    """Plan the therapy around a chemotherapy course."""
    if infusions and format is not PlanFormat.ics:
        raise typer.BadParameter(
            "--infusions adds events to a calendar: use it with --format ics", param_hint="--infusions"
        )
    request = build_request(
        regimen=regimen,
        first_infusion=first_infusion,
        protocol=protocol,
        adjunct=adjunct,
        closed=closed,
        closed_date=closed_date,
        delay=delay,
        skip=skip,
        start=start,
        age=age,
        aga=aga,
        condition=condition,
        anticoagulated=anticoagulated,
    )
    _emit(request, format, output, infusions=infusions)


def demo_command() -> None:
    """Print a sample plan for a demo patient: AC→weekly paclitaxel starting in four weeks."""
    first = clinic_today() + timedelta(days=28)
    out.print("[bold]Demo patient[/]: 48-year-old woman, stage II breast cancer, AC → weekly paclitaxel.\n")
    request = PlanRequest(
        regimen="ac-t",
        first_infusion=first,
        protocol="priming-in-cycle-regrowth",
        adjuncts=("scalp-cooling", "minoxidil"),
        not_before=clinic_today(),
    )
    _emit(request, PlanFormat.table, None)
    out.print("\nTry: [bold].venv/bin/exohair plan --help[/] and [bold].venv/bin/exohair regimens list[/]")


def _emit(request: PlanRequest, format: PlanFormat, output: Path | None, *, infusions: bool = False) -> None:
    kb = knowledge()
    full = make_full_plan(kb, request)
    if format is PlanFormat.table and output is None:
        render_plan(full, kb.gates.infusion_buffer_days)
        return
    if format is PlanFormat.table:
        # The same page as on screen, as plain text for a file: no colours, a fixed readable width.
        page = Console(file=io.StringIO(), record=True, width=120, color_system=None)
        render_plan(full, kb.gates.infusion_buffer_days, page)
        data = page.export_text().encode()
    else:
        data = _serialise(full, format, dict(kb.versions), infusions=infusions)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        output.write_bytes(data)
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror or error}")
    out.print(f"Wrote {output}")


def _serialise(full: FullPlan, format: PlanFormat, versions: dict[str, str], *, infusions: bool) -> bytes:
    if format is PlanFormat.json:
        return (json.dumps(plan_to_json(full, versions), indent=2, ensure_ascii=False) + "\n").encode()
    return plan_to_ics(full, stamp=datetime.now(UTC).replace(microsecond=0), include_infusions=infusions)
