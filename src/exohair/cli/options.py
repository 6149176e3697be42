"""Parsing of the plan options shared by `plan` and `estimate`: delays, skips, closed days, patient facts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import typer

from exohair.cli.console import parse_date
from exohair.domain.calendar import InfusionChange
from exohair.domain.closures import ClinicClosures, parse_weekdays
from exohair.domain.errors import InvalidInput
from exohair.domain.patients import DERIVED_FACTORS, PatientFacts, factor_codes
from exohair.features.planning.service import PlanRequest


def _cycle_day(text: str, option: str, whole: str) -> tuple[int, int]:
    cycle_text, _, day_text = text.partition("/")
    try:
        cycle, day = int(cycle_text), int(day_text or 1)
    except ValueError:
        raise typer.BadParameter(
            f"'{whole}' should look like CYCLE[/DAY]:DAYS, e.g. 2:7 or 3/8:7.", param_hint=option
        ) from None
    if cycle < 1 or day < 1:
        raise typer.BadParameter(f"'{whole}': cycles and days count from 1.", param_hint=option)
    return cycle, day


def parse_delay(text: str) -> InfusionChange:
    """'2:7' delays cycle 2 (day 1) by 7 days; '3/8:7' delays cycle 3 day 8."""
    where, sep, days = text.partition(":")
    if not sep:
        raise typer.BadParameter(f"'{text}' should look like CYCLE[/DAY]:DAYS, e.g. 2:7.", param_hint="--delay")
    cycle, day = _cycle_day(where, "--delay", text)
    try:
        delay = int(days)
    except ValueError:
        raise typer.BadParameter(f"'{text}': '{days}' is not a whole number of days.", param_hint="--delay") from None
    return InfusionChange(cycle, day, delay_days=delay)


def parse_skip(text: str) -> InfusionChange:
    cycle, day = _cycle_day(text, "--skip", text)
    return InfusionChange(cycle, day, skipped=True)


def parse_conditions(codes: Sequence[str]) -> frozenset[str]:
    """Condition codes as intake records them; 'cold-disorder' is read as cold_disorder. Unknown codes are
    refused: a mistyped code would silently drop the caution or contraindication it stands for."""
    known = factor_codes() - set(DERIVED_FACTORS)  # derived factors come from --aga and --age
    found: set[str] = set()
    for raw in codes:
        code = raw.strip().lower().replace("-", "_").replace(" ", "_")
        if code not in known:
            raise typer.BadParameter(
                f"'{raw}' is not a condition code; use one of {', '.join(sorted(known))}.", param_hint="--condition"
            )
        found.add(code)
    return frozenset(found)


def build_request(
    *,
    regimen: str,
    first_infusion: str,
    protocol: str,
    adjunct: Sequence[str],
    closed: str,
    closed_date: Sequence[str],
    delay: Sequence[str],
    skip: Sequence[str],
    start: str | None,
    age: int | None,
    aga: bool,
    condition: Sequence[str],
    anticoagulated: bool,
) -> PlanRequest:
    try:
        weekdays = parse_weekdays(closed)
    except InvalidInput as error:
        raise typer.BadParameter(error.message, param_hint="--closed") from None
    dates: frozenset[date] = frozenset(parse_date(d, "--closed-date") for d in closed_date)
    changes = [parse_delay(d) for d in delay] + [parse_skip(s) for s in skip]
    return PlanRequest(
        regimen=regimen,
        first_infusion=parse_date(first_infusion, "--first-infusion"),
        protocol=protocol,
        adjuncts=tuple(adjunct),
        closures=ClinicClosures(weekdays, dates),
        changes=changes,
        facts=PatientFacts(age, aga, parse_conditions(condition), anticoagulated),
        not_before=parse_date(start, "--start") if start else None,
    )
