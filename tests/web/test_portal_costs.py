"""The portal's costs page: the patient sees her own estimate, payment schedule and payments, in plain words;
nothing of anyone else's, and no staff account has the page."""

from __future__ import annotations

import html
import re
from datetime import date

from exohair.domain.access import Role
from exohair.features.billing import service as billing
from exohair.features.billing.schemas import PaymentPlanIn
from exohair.features.courses import service as courses
from exohair.features.courses.schemas import CourseIn
from exohair.knowledge import shipped_knowledge
from personas import NOW

CO = Role.COORDINATOR


def test_the_patient_sees_her_estimate_and_schedule(api):
    knowledge = shipped_knowledge()
    coordinator = api.world.actor(CO)
    data = CourseIn(regimen="TC", first_infusion=date(2027, 3, 22), protocol="priming-regrowth")
    courses.start_course(api.session, coordinator, api.world.ada.id, data, knowledge, at=NOW)
    estimate = billing.estimate_current_plan(api.session, coordinator, api.world.ada.id, knowledge,
                                             tariffs_version=billing.tariffs_version(knowledge), at=NOW)  # fmt: skip
    terms = PaymentPlanIn(estimate_id=estimate.id, deposit_cents=50_000, instalments=3, first_due_on=date(2027, 4, 1))
    billing.create_payment_plan(api.session, coordinator, api.world.ada.id, terms, currency="USD", at=NOW)
    api.session.commit()

    page = html.unescape(re.sub(r"</?strong>", "", api.as_ada().get("/my/costs").text))
    assert f"About USD {estimate.expected_cents / 100:,.2f} in all" in page
    for line in estimate.lines:  # every line of the estimate, as the clinic filed it
        assert f"<td>{line['item']}</td><td>{line['quantity']} {line['unit']}</td>" in page
    assert page.count("Instalment ") == 3
    assert "Deposit" in page
    assert "not usually covered by health insurance" in page
    other = html.unescape(api.as_bea().get("/my/costs").text)
    assert "The clinic has not given you an estimate yet." in other
    assert "No payment plan has been agreed yet." in other


def test_staff_have_no_portal_costs(api):
    for role in (Role.ADMIN, CO, Role.CLINICIAN, Role.ONCOLOGIST, Role.RESEARCHER):
        assert api.as_(role).get("/my/costs").status_code == 404
