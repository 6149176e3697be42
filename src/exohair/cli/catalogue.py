"""`exohair regimens list|show` and `exohair protocols list|show`: what the knowledge base holds."""

from __future__ import annotations

from enum import StrEnum

import typer
from rich.table import Table

from exohair.cli.console import basis_text, knowledge, out, print_json_data

regimens = typer.Typer(help="Chemotherapy regimens in the knowledge base.", no_args_is_help=True)
protocols = typer.Typer(help="Therapy protocols and adjuncts.", no_args_is_help=True)


class ListFormat(StrEnum):
    table = "table"
    json = "json"


@regimens.command("list")
def list_regimens(format: ListFormat = typer.Option(ListFormat.table, "--format", help="table or json")) -> None:
    """List every regimen (id, name, CIA risk, cycles)."""
    entries = knowledge().regimens
    if format is ListFormat.json:
        rows = [
            {
                "id": r.id,
                "name": r.name,
                "synonyms": list(r.synonyms),
                "cia_risk": r.cia_risk.value,
                "cycles": r.total_cycles,
                "p_grade2": r.p_grade2.value if r.p_grade2 else None,  # catalogue entries always have one
            }
            for r in entries
        ]
        print_json_data(rows)
        return
    table = Table(title="Regimens")
    table.add_column("id", no_wrap=True, min_width=12)  # ids are what people type: never truncate them
    for header in ("name", "CIA risk", "phases"):
        table.add_column(header)
    for r in entries:
        phases = " → ".join(f"{p.name} q{p.cycle_days}d×{p.cycles}" for p in r.phases)
        table.add_row(r.id, r.name, r.cia_risk.value, phases)
    out.print(table)


@regimens.command("show")
def show_regimen(name: str) -> None:
    """Show one regimen: phases, agents and doses, nadir windows, and the basis of each number."""
    r = knowledge().regimen(name)
    out.print(f"[bold]{r.name}[/] ({r.id}) — {r.indication}")
    if r.synonyms:
        out.print(f"Also called: {', '.join(r.synonyms)}")
    out.print(f"Schedule and doses: {basis_text(r.schedule_basis)}")
    if r.p_grade2 is not None:  # the loader requires it of catalogue entries; only custom regimens lack it
        grade2 = r.p_grade2
        out.print(f"P(grade ≥2 alopecia) without intervention: {grade2.value:.0%}  {basis_text(grade2.basis)}")
    if r.scalp_cooling_success:
        c = r.scalp_cooling_success
        out.print(f"Scalp-cooling success: {c.low:.0%}–{c.high:.0%}  {basis_text(c.basis)}")
    for p in r.phases:
        kind = " (maintenance)" if p.maintenance else ""
        days = ", ".join(str(d) for d in p.infusion_days)
        out.print(f"\n[bold]{p.name}[/]{kind}: {p.cycles} × {p.cycle_days}-day cycles, infusions on day {days}")
        for a in p.agents:
            dose = f"{a.dose:g} {a.unit}" if a.dose is not None else a.unit
            out.print(f"  • {a.agent_id} {dose} {a.route} day {', '.join(str(d) for d in a.days)} {a.note}")
        if p.nadir:
            out.print(
                f"  Nadir: days {p.nadir.start_day}–{p.nadir.end_day} after each dose  {basis_text(p.nadir.basis)}"
            )
    if r.note:
        out.print(f"\nNote: {r.note}")


@protocols.command("list")
def list_protocols(format: ListFormat = typer.Option(ListFormat.table, "--format", help="table or json")) -> None:
    """List every protocol (id, name, version) and the adjuncts that combine with any of them."""
    kb = knowledge()
    if format is ListFormat.json:
        rows = [
            {"id": p.id, "name": p.name, "version": p.version, "sessions": sum(r.count for r in p.sessions)}
            for p in kb.protocols
        ]
        print_json_data(rows)
        return
    table = Table(title="Protocols")
    table.add_column("id", no_wrap=True, min_width=25)
    for header in ("name", "version", "sessions"):
        table.add_column(header)
    for p in kb.protocols:
        rules = ", ".join(
            f"{r.kind.value.replace('_', '-')}" + (f"×{r.count}" if r.count > 1 else "") for r in p.sessions
        )
        table.add_row(p.id, p.name, str(p.version), rules)
    out.print(table)
    out.print("Adjuncts: " + ", ".join(f"{a.id} ({a.frequency})" for a in kb.adjuncts))


@protocols.command("show")
def show_protocol(name: str) -> None:
    """Show one protocol: its session rules, windows, minimum interval, assessments and evidence basis."""
    p = knowledge().protocol(name)
    out.print(f"[bold]{p.name}[/] ({p.id}, version {p.version})")
    out.print(p.description)
    out.print(f"Basis: {basis_text(p.basis)}")
    for r in p.sessions:
        series = f", {r.count} sessions every {r.every_days} days" if r.count > 1 else ""
        cycles = f", cycles of ≥ {r.min_cycle_days} days" if r.min_cycle_days else ""
        out.print(
            f"  • {r.kind.value.replace('_', '-')}: {r.target_offset_days:+d} days from "
            f"{r.anchor.value.replace('_', ' ')}"
            f" (window {r.earliest_offset_days:+d} to {r.latest_offset_days:+d}){series}{cycles}"
        )
    out.print(f"Minimum interval between sessions: {p.min_interval_days} days  {basis_text(p.min_interval_basis)}")
    out.print("Assessments: " + ", ".join(a.label for a in p.assessments))
