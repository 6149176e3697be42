"""The full plan as plain JSON-ready data: the shape of `exohair plan --format json` and of the plan API.

All dates are ISO 8601 strings; money is integer cents with its currency. The shape is documented in
docs/plan-json.md; add fields freely, but never rename or remove one without a version bump.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from exohair.domain.evidence import Basis, SourcedRange
from exohair.domain.full_plan import FullPlan
from exohair.domain.problems import Problem

SCHEMA_VERSION = 1
INVESTIGATIONAL = (
    "Exosome scalp therapy is investigational: no exosome product is FDA-approved and no trial in "
    "chemotherapy-induced alopecia has been published. Expected effects are not established."
)


def plan_to_json(full: FullPlan, versions: dict[str, str]) -> dict[str, Any]:
    calendar, plan, risk, estimate = full.calendar, full.plan, full.risk, full.estimate
    return {
        "schema_version": SCHEMA_VERSION,
        "notice": INVESTIGATIONAL,
        "knowledge_versions": dict(versions),
        "regimen": {"id": full.regimen.id, "name": full.regimen.name},
        "protocol": {"id": full.protocol.id, "name": full.protocol.name, "version": full.protocol.version},
        "calendar": {
            "first_infusion": _iso(calendar.first_infusion),
            "last_infusion": _iso(calendar.last_cytotoxic_infusion),
            "end_of_chemo": _iso(calendar.end_of_chemo),
            "infusions": [
                {
                    "date": _iso(i.date),
                    "scheduled": _iso(i.scheduled),
                    "phase": i.phase,
                    "cycle": i.cycle,
                    "day": i.day,
                    "status": i.status.value,
                    "shift_days": i.shift_days,
                    "maintenance": i.maintenance,
                    "nadir": {"start": _iso(i.nadir.start), "end": _iso(i.nadir.end)} if i.nadir else None,
                }
                for i in calendar.infusions
            ],
        },
        "plan": {
            "sessions": [
                {
                    "key": s.key,
                    "kind": s.kind.value,
                    "label": s.label,
                    "target": _iso(s.target),
                    "date": _iso(s.date),
                    "window": {"earliest": _iso(s.window.start), "latest": _iso(s.window.end)},
                    "performed": s.performed,
                    "problems": _problems(s.problems),
                }
                for s in plan.sessions
            ],
            "adjuncts": [
                {
                    "id": a.id,
                    "name": a.name,
                    "frequency": a.frequency,
                    "start": _iso(a.start),
                    "end": _iso(a.end),
                    "dates": [_iso(d) for d in a.dates],
                    "quantity": a.quantity,
                    "unit": a.unit,
                    "problems": _problems(a.problems),
                }
                for a in plan.adjuncts
            ],
            "assessments": [{"date": _iso(a.date), "label": a.label} for a in plan.assessments],
            "problems": _problems(plan.problems),
        },
        "risk": {
            "p_grade2": risk.p_grade2,
            "risk_class": risk.risk_class.value,
            "expected_onset": _iso(risk.expected_onset),
            "expected_regrowth_start": _iso(risk.expected_regrowth_start),
            "persistent_alopecia_flag": risk.persistent_alopecia_flag,
            "cumulative_docetaxel_mg_m2": risk.cumulative_docetaxel_mg_m2,
            "scalp_cooling_success": _range(risk.scalp_cooling_success),
            "notes": [{"code": n.code, "message": n.message, **_basis(n.basis)} for n in risk.notes],
            "basis": [{"quantity": b.quantity, "value": b.value, **_basis(b.basis)} for b in risk.basis],
        },
        "cost": {
            "currency": estimate.currency,
            "low_cents": estimate.low_cents,
            "expected_cents": estimate.expected_cents,
            "high_cents": estimate.high_cents,
            "lines": [
                {
                    "item": line.item,
                    "quantity": line.quantity,
                    "unit": line.unit,
                    "low_cents": line.low_cents,
                    "expected_cents": line.expected_cents,
                    "high_cents": line.high_cents,
                    **(_basis(line.basis) if line.basis else {}),
                }
                for line in estimate.lines
            ],
            "problems": _problems(estimate.problems),
        },
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _problems(problems: tuple[Problem, ...]) -> list[dict[str, str]]:
    return [{"code": p.code, "message": p.message} for p in problems]


def _basis(basis: Basis) -> dict[str, Any]:
    return {"source": basis.source, "evidence": basis.evidence.value, "needs_verification": basis.needs_verification}


def _range(value: SourcedRange | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {"low": value.low, "high": value.high, **_basis(value.basis)}
