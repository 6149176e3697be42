"""Intake on its pages: a coordinator goes from patient details to a clearance request in eight steps; every
preview files nothing; bad input is shown beside its field and nothing typed is lost, going forward or back; a
registered MRN and an unknown regimen are caught on their own steps; a custom regimen is planned and kept with
the course; a clinician's intake leaves billing to the coordinators; other roles are refused."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from exohair.db.models import (
    AuditEntry,
    ChemoCourse,
    Clearance,
    CostEstimate,
    Patient,
    PaymentPlanRecord,
    PlanVersion,
)
from exohair.domain.access import Role

CO, CL = Role.COORDINATOR, Role.CLINICIAN
DETAILS = {"mrn": "INT-0001", "family_name": "Quill", "given_name": "Rosa", "date_of_birth": "1979-05-02",
           "sex": "female", "cancer_type": "Breast, early stage", "cancer_stage": "IIA"}  # fmt: skip
CHEMO = {"regimen_mode": "catalogue", "regimen": "AC-T", "first_infusion": "2027-03-29"}
FACTORS = {"aga_stage": "none", "hair_type": "straight, fine"}
PROTOCOL = {"protocol": "priming-in-cycle-regrowth", "adjunct_minoxidil": "1"}
COSTS = {"deposit": "500", "instalments": "4", "apr_percent": "0", "first_due_on": "2027-04-01"}


class Intake:
    """One person's way through the form, posting each step as the browser would: every value sent back."""

    def __init__(self, api, role: Role) -> None:
        self.caller = api.as_(role)
        page = self.caller.get("/intake")
        assert page.status_code == 200
        self.form = _hidden(page.text)

    def post(self, go: str, step: str, **typed: str):
        answer = self.caller.post("/intake", data=self.form | typed | {"step": step, "go": go},
                                  follow_redirects=False)  # fmt: skip
        if answer.status_code in (200, 422):
            self.form = _hidden(answer.text) | _typed(answer.text)
        return answer

    def through(self, last: str, role_bills: bool = True):
        steps = [("patient", DETAILS), ("chemo", CHEMO), ("factors", FACTORS), ("risk", {}),
                 ("protocol", PROTOCOL), ("plan", {}), ("costs", COSTS if role_bills else {})]  # fmt: skip
        for step, typed in steps:
            answer = self.post("next", step, **typed)
            assert answer.status_code == 200, (step, _errors(answer.text))
            if step == last:
                return answer
        return answer


def _hidden(page: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))


def _typed(page: str) -> dict[str, str]:
    """What the shown step's own fields hold (text, date, number inputs and ticked boxes)."""
    values = dict(re.findall(r'<input id="[^"]+" name="([^"]+)" type="(?:text|date|number)" value="([^"]*)"', page))
    values |= {name: "1" for name in re.findall(r'name="([^"]+)" value="1" checked', page)}
    return values


def _errors(page: str) -> dict[str, str]:
    return dict(re.findall(r'<p class="field-error" id="([^"]+)-error">([^<]*)</p>', page))


def _heading(page: str) -> str:
    return re.search(r'<h2 id="step-h">([^<]*)</h2>', page).group(1)


def _count(api, model) -> int:
    api.session.expire_all()
    return api.session.scalar(select(func.count()).select_from(model))


def test_a_coordinator_takes_a_new_patient_from_details_to_a_clearance_request(api):
    intake = Intake(api, CO)
    risk = intake.through("chemo")
    assert _heading(risk.text) == "3. Risk factors"
    risk = intake.post("next", "factors", **FACTORS)
    assert _heading(risk.text) == "4. Hair-loss risk"
    assert "<strong>high</strong>" in risk.text
    assert "Basis of the estimate" in risk.text
    assert "Watanabe" in risk.text  # the onset and regrowth figures carry their source
    intake.post("next", "risk")
    plan = intake.post("next", "protocol", **PROTOCOL)
    assert _heading(plan.text) == "6. Plan preview"
    assert "Chemo calendar: AC" in plan.text
    assert "Priming" in plan.text
    costs = intake.post("next", "plan")
    assert _heading(costs.text) == "7. Costs and payment plan"
    assert "Payment schedule" in costs.text  # the suggested terms are already scheduled
    costs = intake.post("costs", "costs", **COSTS)
    assert costs.text.count("Instalment ") == 4
    assert "Deposit</td>" in costs.text
    send = intake.post("next", "costs", **COSTS)
    assert _heading(send.text) == "8. Send for clearance"
    assert "Quill, Rosa" in send.text
    sent = intake.post("submit", "send", clearance_note="Please confirm timing around cycle 1.")
    assert sent.status_code == 303
    patient = api.session.scalar(select(Patient).where(Patient.mrn == "INT-0001"))
    assert sent.headers["location"] == f"/patients/{patient.id}?tab=consent&admitted=1"
    assert "the oncologist has been asked for clearance" in api.as_(CO).get(sent.headers["location"]).text
    course = api.session.scalar(select(ChemoCourse).where(ChemoCourse.patient_id == patient.id))
    assert course.regimen_id == "ac-t"
    assert course.custom_regimen is None
    assert api.session.scalar(select(PlanVersion.adjuncts).where(PlanVersion.course_id == course.id)) == ["minoxidil"]
    plan_row = api.session.scalar(select(PaymentPlanRecord).where(PaymentPlanRecord.patient_id == patient.id))
    assert (plan_row.deposit_cents, plan_row.instalments, plan_row.first_due_on) == (50_000, 4, date(2027, 4, 1))
    estimate = api.session.scalar(select(CostEstimate).where(CostEstimate.patient_id == patient.id))
    assert plan_row.estimate_id == estimate.id
    assert plan_row.total_cents == estimate.expected_cents
    clearance = api.session.scalar(select(Clearance).where(Clearance.patient_id == patient.id))
    assert clearance.status == "requested"
    named = str(patient.id)
    written = {
        e.record_type
        for e in api.session.scalars(select(AuditEntry).where(AuditEntry.action == "create"))
        if e.record_id == named or (e.changes or {}).get("patient_id") == named
    }
    assert {"patient", "chemo_course", "plan_version", "cost_estimate", "payment_plan", "clearance"} <= written


def test_the_previews_file_nothing(api):
    models = (Patient, ChemoCourse, PlanVersion, CostEstimate, PaymentPlanRecord, Clearance, AuditEntry)
    before = {m: _count(api, m) for m in models}
    intake = Intake(api, CO)
    intake.through("costs")
    assert _heading(intake.post("next", "costs", **COSTS).text) == "8. Send for clearance"
    assert {m: _count(api, m) for m in models} == before


def test_bad_input_is_shown_beside_its_field_and_what_was_typed_stays(api):
    registered = _count(api, Patient)
    intake = Intake(api, CO)
    answer = intake.post("next", "patient", **(DETAILS | {"family_name": "", "date_of_birth": "2031-02-30"}))
    assert answer.status_code == 422
    assert set(_errors(answer.text)) == {"family_name", "date_of_birth"}
    assert 'aria-invalid="true" aria-describedby="family_name-error"' in answer.text
    assert 'value="INT-0001"' in answer.text
    assert 'value="Breast, early stage"' in answer.text
    assert _count(api, Patient) == registered
    fixed = intake.post("next", "patient", **(DETAILS | {"date_of_birth": "1979-05-02"}))
    assert _heading(fixed.text) == "2. Chemotherapy"


def test_going_back_keeps_every_step_as_typed(api):
    intake = Intake(api, CO)
    intake.through("chemo")
    back = intake.post("back", "factors", aga_stage="Ludwig I")
    assert _heading(back.text) == "2. Chemotherapy"
    assert 'value="AC-T"' in back.text
    assert 'value="2027-03-29"' in back.text
    assert '<input type="hidden" name="aga_stage" value="Ludwig I">' in back.text  # the later step rides along
    again = intake.post("back", "chemo")
    assert _heading(again.text) == "1. Patient details"
    assert 'value="Quill"' in again.text


def test_a_registered_mrn_is_refused_on_the_first_step(api):
    intake = Intake(api, CO)
    answer = intake.post("next", "patient", **(DETAILS | {"mrn": api.world.ada.mrn}))
    assert answer.status_code == 422
    assert _errors(answer.text) == {"mrn": f"MRN {api.world.ada.mrn} is already registered in this clinic."}


def test_an_unknown_regimen_is_refused_with_the_closest_names(api):
    intake = Intake(api, CO)
    intake.through("patient")
    answer = intake.post("next", "chemo", **(CHEMO | {"regimen": "AC-TT"}))
    assert answer.status_code == 422
    assert "Did you mean" in _errors(answer.text)["regimen"]
    assert 'value="AC-TT"' in answer.text


def test_a_first_infusion_with_a_mistyped_year_is_refused_beside_its_field(api):
    intake = Intake(api, CO)
    intake.through("patient")
    answer = intake.post("next", "chemo", **(CHEMO | {"first_infusion": "1990-01-01"}))
    assert answer.status_code == 422
    assert "more than a year from today" in _errors(answer.text)["first_infusion"]


def test_a_custom_regimen_is_planned_shown_as_unsourced_and_kept_with_the_course(api):
    intake = Intake(api, CO)
    intake.through("patient")
    custom = {"regimen_mode": "custom", "regimen": "", "first_infusion": "2027-03-29", "custom_name": "Trial arm B",
              "custom_cycle_days": "21", "custom_cycles": "4", "custom_infusion_days": "1, 8",
              "agent_carboplatin": "1", "agent_etoposide": "1"}  # fmt: skip
    missing = intake.post("next", "chemo", **(custom | {"custom_cycles": "", "agent_carboplatin": "",
                                                        "agent_etoposide": ""}))  # fmt: skip
    assert missing.status_code == 422
    assert set(_errors(missing.text)) == {"custom_cycles", "agents"}
    intake.post("next", "chemo", **custom)
    risk = intake.post("next", "factors", **FACTORS)
    assert "no published probability for this combination" in risk.text
    assert "to be verified" in risk.text
    intake.post("next", "risk")
    intake.post("next", "protocol", **PROTOCOL)
    intake.post("next", "plan")
    intake.post("next", "costs", **COSTS)
    assert intake.post("submit", "send").status_code == 303
    course = api.session.scalar(select(ChemoCourse).join(Patient).where(Patient.mrn == "INT-0001"))
    assert course.regimen_id == "custom"
    assert course.custom_regimen == {"name": "Trial arm B", "cycle_days": 21, "cycles": 4, "infusion_days": [1, 8],
                                     "agent_ids": ["carboplatin", "etoposide"]}  # fmt: skip
    chart = api.as_(CO).get(f"/patients/{course.patient_id}?tab=plan")
    assert "Trial arm B (custom)" in chart.text
    assert "no published probability" in chart.text


def test_a_clinicians_intake_leaves_billing_to_the_coordinators(api):
    intake = Intake(api, CL)
    costs = intake.through("plan", role_bills=False)
    costs = intake.post("next", "plan")
    assert "A coordinator agrees the payment plan" in costs.text
    assert 'name="deposit"' not in costs.text
    intake.post("next", "costs")
    assert intake.post("submit", "send").status_code == 303
    patient_id = api.session.scalar(select(Patient.id).where(Patient.mrn == "INT-0001"))
    asked = api.session.scalar(select(Clearance.status).where(Clearance.patient_id == patient_id))
    assert asked == "requested"
    assert api.session.scalar(select(func.count()).where(PaymentPlanRecord.patient_id == patient_id)) == 0


@pytest.mark.parametrize("role", [Role.ONCOLOGIST, Role.ADMIN, Role.RESEARCHER])
def test_roles_that_may_not_register_patients_are_refused(api, role):
    caller = api.as_(role)
    assert caller.get("/intake").status_code == 403
    home = caller.get("/today" if role is Role.ONCOLOGIST else "/").text
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)">', home).group(1)
    assert caller.post("/intake", data=DETAILS | {"step": "patient", "csrf": csrf}).status_code == 403
    assert api.as_ada().get("/intake").status_code == 403
