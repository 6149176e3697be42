"""The plan as a terminal page: one timeline with chemotherapy beside hair therapy, then risk and cost."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from exohair.cli.console import basis_text, out
from exohair.cli.money import format_money
from exohair.domain.full_plan import FullPlan
from exohair.interop.plan_json import INVESTIGATIONAL


def render_plan(full: FullPlan, buffer_days: int, out: Console = out) -> None:
    out.print(
        f"[bold]{full.regimen.name}[/] from {full.calendar.first_infusion:%a %d %b %Y} · "
        f"[bold]{full.protocol.name}[/] (v{full.protocol.version}) · sessions kept off infusion days ±{buffer_days} "
        "and out of nadir windows"
    )
    out.print(_timeline(full))
    _render_problems(full, out)
    _render_risk(full, out)
    _render_cost(full, out)
    out.print(Panel(INVESTIGATIONAL, border_style="yellow", title="Please note"))


def _timeline(full: FullPlan) -> Table:
    chemo: dict[date, list[str]] = defaultdict(list)
    therapy: dict[date, list[str]] = defaultdict(list)
    cooled = {d for a in full.plan.adjuncts if a.id == "scalp-cooling" for d in a.dates}
    for i in full.calendar.infusions:
        if i.status.value == "skipped":
            chemo[i.date].append(f"[strike]{i.phase} cycle {i.cycle} day {i.day}[/] (skipped)")
            continue
        text = f"{i.phase} cycle {i.cycle} day {i.day}"
        if i.shift_days:
            text += f" [yellow](moved {i.shift_days:+d} d)[/]"
        if i.nadir:
            text += f" · nadir {i.nadir.start:%d %b}–{i.nadir.end:%d %b}"
        if i.date in cooled:
            text += " · scalp cooling"
        chemo[i.date].append(text)
    for s in full.plan.sessions:
        if s.date is None:
            continue
        detail = f" [dim](target {s.target:%d %b})[/]" if s.date != s.target else ""
        prp = any(a.id == "prp" and s.date in a.dates for a in full.plan.adjuncts)
        therapy[s.date].append(f"[green]● {s.label.capitalize()}[/]{' + PRP' if prp else ''}{detail}")
    for a in full.plan.assessments:
        therapy[a.date].append(f"[cyan]◆ Assessment: {a.label}[/]")
    for adj in full.plan.adjuncts:
        if adj.unit == "month" and adj.start and adj.end:
            therapy[adj.start].append(f"[magenta]▶ Start {adj.name} ({adj.frequency}) until {adj.end:%d %b %Y}[/]")
    table = Table("Date", "Chemotherapy", "Hair therapy", expand=False)
    for day in sorted(chemo.keys() | therapy.keys()):
        table.add_row(f"{day:%a %d %b %Y}", "\n".join(chemo.get(day, [])), "\n".join(therapy.get(day, [])))
    return table


def _render_problems(full: FullPlan, out: Console) -> None:
    for problem in full.plan.problems:
        out.print(f"[bold red]⚠ {problem.message}[/]")


def _render_risk(full: FullPlan, out: Console) -> None:
    risk = full.risk
    chance = f"[bold]{risk.p_grade2:.0%}[/]" if risk.p_grade2 is not None else "not known for a custom regimen"
    lines = [
        f"Chance of losing half or more of the hair without intervention (CTCAE grade ≥2): {chance} "
        f"({risk.risk_class.value} risk regimen)",
        f"Hair loss expected to start around {risk.expected_onset:%d %b %Y}; "
        f"regrowth to start around {risk.expected_regrowth_start:%d %b %Y}.",
    ]
    if risk.persistent_alopecia_flag:
        lines.append(
            f"[bold yellow]Persistent alopecia risk:[/] cumulative docetaxel {risk.cumulative_docetaxel_mg_m2:g} mg/m²."
        )
    lines.append("\n[bold]Basis[/]")
    for b in risk.basis:
        lines.append(f"• {b.quantity}: {b.value} — {basis_text(b.basis)}")
    out.print(Panel("\n".join(lines), title="Hair-loss risk", border_style="blue"))


def _render_cost(full: FullPlan, out: Console) -> None:
    est = full.estimate
    table = Table("Item", "Qty", "Low", "Expected", "High", title=f"Cost estimate ({est.currency})")
    for line in est.lines:
        money = [format_money(c, est.currency) for c in (line.low_cents, line.expected_cents, line.high_cents)]
        table.add_row(line.item, f"{line.quantity} {line.unit}{'s' if line.quantity != 1 else ''}", *money)
    totals = [format_money(c, est.currency) for c in (est.low_cents, est.expected_cents, est.high_cents)]
    table.add_row("[bold]Total[/]", "", *(f"[bold]{t}[/]" for t in totals))
    out.print(table)
    for problem in est.problems:
        out.print(f"[yellow]⚠ {problem.message}[/]")
    out.print("[dim]Exosome sessions are rarely covered by insurance. See `exohair estimate` for payment plans.[/]")
