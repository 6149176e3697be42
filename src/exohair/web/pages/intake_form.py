"""The intake form's steps: which fields each step owns, and turning the flat posted form into the use case's
inputs with one message per field.

Every step's values travel with every post (the steps not shown ride along as hidden fields), so going back,
forward or failing validation never loses what was typed, and no draft of a patient's record is kept on the
server before the coordinator sends it. Checkbox groups are sent as one field per box (`agent_<id>`,
`condition_<code>`, `adjunct_<id>`) because a plain form dictionary holds one value per name.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from exohair.domain.errors import InvalidInput
from exohair.domain.patients import Condition
from exohair.domain.regimens import UnknownName
from exohair.features.courses.schemas import CourseIn
from exohair.features.intake.service import IntakeDraft, check_course
from exohair.features.patients.schemas import PatientIn
from exohair.knowledge import Knowledge
from exohair.web.pages.forms import parse
from exohair.web.pages.money_fields import payment_terms

STEPS = ("patient", "chemo", "factors", "risk", "protocol", "plan", "costs", "send")
TITLES = {
    "patient": "Patient details",
    "chemo": "Chemotherapy",
    "factors": "Risk factors",
    "risk": "Hair-loss risk",
    "protocol": "Protocol and adjuncts",
    "plan": "Plan preview",
    "costs": "Costs and payment plan",
    "send": "Send for clearance",
}
FIELDS: dict[str, tuple[str, ...]] = {
    "patient": ("mrn", "family_name", "given_name", "date_of_birth", "sex", "cancer_type", "cancer_stage", "site_id"),
    "chemo": (
        "regimen_mode",
        "regimen",
        "first_infusion",
        "custom_name",
        "custom_cycle_days",
        "custom_cycles",
        "custom_infusion_days",
    ),
    "factors": ("baseline_density_per_cm2", "aga_stage", "aga_family_history", "hair_type", "anticoagulated"),
    "risk": (),
    "protocol": ("protocol",),
    "plan": (),
    "costs": ("deposit", "instalments", "apr_percent", "first_due_on"),
    "send": ("clearance_note",),
}
GROUPS = {"chemo": "agent_", "factors": "condition_", "protocol": "adjunct_"}  # checkbox groups, by step
ALL_FIELDS = frozenset(name for names in FIELDS.values() for name in names)
PREFIXES = tuple(GROUPS.values())
CONDITIONS = tuple(v for k, v in vars(Condition).items() if k.isupper() and isinstance(v, str))


def owned_by(step: str, name: str) -> bool:
    prefix = GROUPS.get(step)
    return name in FIELDS[step] or (prefix is not None and name.startswith(prefix))


def carried(form: dict[str, str], step: str) -> dict[str, str]:
    """The values of every other step, to ride along as hidden fields (anything else posted is dropped)."""
    ours = {k: v for k, v in form.items() if k in ALL_FIELDS or k.startswith(PREFIXES)}
    return {k: v for k, v in ours.items() if not owned_by(step, k)}


def checked(form: dict[str, str], prefix: str) -> list[str]:
    return sorted(k.removeprefix(prefix) for k, v in form.items() if k.startswith(prefix) and v)


def patient_in(form: dict[str, str]) -> tuple[PatientIn | None, dict[str, str]]:
    fields: dict[str, Any] = {name: form.get(name, "") for name in FIELDS["patient"] + FIELDS["factors"]}
    fields["aga_family_history"] = bool(form.get("aga_family_history"))
    fields["anticoagulated"] = bool(form.get("anticoagulated"))
    fields["conditions"] = checked(form, "condition_")
    return parse(PatientIn, fields)


def course_in(form: dict[str, str], protocol: str | None) -> tuple[CourseIn | None, dict[str, str]]:
    """The course as typed. Before the protocol step `protocol` is None: a placeholder keeps the model whole, and
    the caller reports only the chemotherapy fields' errors."""
    fields: dict[str, Any] = {"first_infusion": form.get("first_infusion", ""), "protocol": protocol or "-",
                              "adjuncts": checked(form, "adjunct_")}  # fmt: skip
    errors: dict[str, str] = {}
    if form.get("regimen_mode") == "custom":
        days = _day_list(form.get("custom_infusion_days", ""))
        if days is None:
            errors["custom_infusion_days"] = "List the cycle days with an infusion, e.g. 1 or 1, 8, 15."
        fields["custom_regimen"] = {
            "name": form.get("custom_name", ""),
            "cycle_days": form.get("custom_cycle_days", ""),
            "cycles": form.get("custom_cycles", ""),
            "infusion_days": days or [1],
            "agents": checked(form, "agent_"),
        }
    else:
        fields["regimen"] = form.get("regimen", "")
    course, problems = parse(CourseIn, fields)
    for field, message in problems.items():
        errors.setdefault(NESTED.get(field, field), message)
    return (course if not errors else None), errors


# Errors of the custom regimen's fields, as parse names them, to the names of the form's fields.
NESTED = {"custom_regimen.name": "custom_name", "custom_regimen.cycle_days": "custom_cycle_days",
          "custom_regimen.cycles": "custom_cycles", "custom_regimen.infusion_days": "custom_infusion_days",
          "custom_regimen.agents": "agents", "custom_regimen": "custom_infusion_days"}  # fmt: skip
CHEMO_ERRORS = frozenset({"regimen", "first_infusion", "agents", *NESTED.values()})


def chemo_errors(form: dict[str, str], knowledge: Knowledge, today: date) -> dict[str, str]:
    course, errors = course_in(form, None)
    errors = {k: v for k, v in errors.items() if k in CHEMO_ERRORS or k == ""}
    if errors or course is None:
        return errors
    try:
        check_course(knowledge, course, today=today)
    except UnknownName as unknown:
        return {"regimen" if unknown.kind == "regimen" else "agents": unknown.message}
    except InvalidInput as refused:  # a first infusion no intake is for
        return {"first_infusion": refused.message}
    return {}


def protocol_errors(form: dict[str, str], knowledge: Knowledge) -> dict[str, str]:
    if not form.get("protocol"):
        return {"protocol": "Choose a protocol."}
    try:
        knowledge.protocol(form["protocol"])
        for adjunct in checked(form, "adjunct_"):
            knowledge.adjunct(adjunct)
    except UnknownName as unknown:
        return {"protocol" if unknown.kind == "protocol" else "adjuncts": unknown.message}
    return {}


def patient_errors(form: dict[str, str], step: str) -> dict[str, str]:
    """The patient model's errors on this step's fields (conditions are ticked on the risk-factors step)."""
    errors = patient_in(form)[1]
    return {k: v for k, v in errors.items() if owned_by(step, k) or (k == "conditions" and step == "factors")}


def _day_list(text: str) -> list[int] | None:
    parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
    if not parts or not all(p.isdigit() for p in parts):
        return None
    return sorted({int(p) for p in parts})


def draft(form: dict[str, str], *, with_payment: bool) -> IntakeDraft:
    """The use case's input from a form whose steps have been validated (a ValueError otherwise: a bug)."""
    patient = patient_in(form)[0]
    course = course_in(form, form.get("protocol"))[0]
    terms = payment_terms(form)[0] if with_payment else None
    if patient is None or course is None or (with_payment and terms is None):
        raise ValueError("draft() needs a form whose steps validated")
    return IntakeDraft(patient, course, terms, form.get("clearance_note", "").strip() or None)


def with_defaults(form: dict[str, str], step: str, today: date) -> dict[str, str]:
    """The form with a step's suggested values where nothing was typed yet: no deposit, six interest-free
    instalments, the first due on the first of next month. Suggestions only; the coordinator changes them."""
    if step != "costs":
        return form
    first_of_next = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    suggested = {"deposit": "0", "instalments": "6", "apr_percent": "0", "first_due_on": first_of_next.isoformat()}
    return suggested | form  # what was sent wins, even emptied (so its error shows)
