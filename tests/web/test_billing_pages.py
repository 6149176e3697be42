"""Billing on the chart's billing tab: the coordinator files an estimate, agrees a payment plan for it, records
payments and cancels the plan; bad input is shown beside its field with what was typed kept; the roles without
billing are refused."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from exohair.db.models import CostEstimate, PaymentPlanRecord, PaymentReceived
from exohair.domain.access import Role
from exohair.features.courses import service as courses
from exohair.features.courses.schemas import CourseIn
from exohair.knowledge import shipped_knowledge
from personas import NOW

CO = Role.COORDINATOR


@pytest.fixture
def billing_tab(api) -> str:
    data = CourseIn(regimen="TC", first_infusion=date(2027, 3, 22), protocol="priming-regrowth")
    courses.start_course(api.session, api.world.actor(CO), api.world.ada.id, data, shipped_knowledge(), at=NOW)
    api.session.commit()
    return f"/patients/{api.world.ada.id}"


def _csrf(api, chart: str, role: Role = CO) -> str:
    page = api.as_(role).get(f"{chart}?tab=billing").text
    return re.search(r'<meta name="csrf-token" content="([^"]+)">', page).group(1)


def _hidden(page: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))


def _count(api, model) -> int:
    api.session.expire_all()
    return api.session.scalar(select(func.count()).select_from(model))


def _post(api, chart: str, action: str, **fields: str):
    return api.as_(CO).post(f"{chart}/billing/{action}", data=fields | {"csrf": _csrf(api, chart)},
                            follow_redirects=False)  # fmt: skip


def test_estimate_plan_payment_and_cancellation_from_the_billing_tab(api, billing_tab):
    filed = _post(api, billing_tab, "estimate")
    assert filed.status_code == 303
    assert filed.headers["location"].endswith("?tab=billing&saved=estimate")
    tab = api.as_(CO).get(filed.headers["location"]).text
    assert "Saved: a new estimate of the current plan." in tab
    assert "Latest estimate" in tab
    estimate_id = _hidden(tab)["estimate_id"]

    wrong = _post(api, billing_tab, "plan", estimate_id=estimate_id, deposit="250", instalments="0",
                  apr_percent="0", first_due_on="2027-04-01")  # fmt: skip
    assert wrong.status_code == 422
    assert 'id="instalments-error"' in wrong.text
    assert 'value="250"' in wrong.text  # what was typed stays
    assert _count(api, PaymentPlanRecord) == 0

    agreed = _post(api, billing_tab, "plan", estimate_id=estimate_id, deposit="250", instalments="3",
                   apr_percent="0", first_due_on="2027-04-01")  # fmt: skip
    assert agreed.status_code == 303
    tab = api.as_(CO).get(f"{billing_tab}?tab=billing").text
    assert tab.count("<td>Instalment ") == 3
    plan = api.session.scalar(select(PaymentPlanRecord))
    assert plan.deposit_cents == 25_000
    assert plan.total_cents == api.session.scalar(select(CostEstimate.expected_cents))

    bad = _post(api, billing_tab, "payments", payment_plan_id=str(plan.id), received_on="2027-03-01",
                amount="two hundred", method="card")  # fmt: skip
    assert bad.status_code == 422
    assert 'id="amount-error"' in bad.text
    assert 'value="two hundred"' in bad.text
    paid = _post(api, billing_tab, "payments", payment_plan_id=str(plan.id), received_on="2027-03-01",
                 amount="250.00", method="card", reference="slip 1042")  # fmt: skip
    assert paid.status_code == 303
    tab = api.as_(CO).get(f"{billing_tab}?tab=billing").text
    assert "slip 1042" in tab
    assert f"paid {plan.currency} 250.00" in tab
    assert _count(api, PaymentReceived) == 1

    version = _hidden(tab)["version"]
    unsaid = _post(api, billing_tab, "plan/cancel", plan_id=str(plan.id), version=version, reason=" ")
    assert unsaid.status_code == 422
    assert 'id="reason-error"' in unsaid.text
    cancelled = _post(api, billing_tab, "plan/cancel", plan_id=str(plan.id), version=version,
                      reason="Patient chose to pay in full.")  # fmt: skip
    assert cancelled.status_code == 303
    api.session.expire_all()
    assert api.session.scalar(select(PaymentPlanRecord.status)) == "cancelled"


def test_a_payment_plan_needs_an_estimate(api, billing_tab):
    answer = _post(api, billing_tab, "plan", deposit="0", instalments="3", apr_percent="0", first_due_on="2027-04-01")
    assert answer.status_code == 422
    assert "File an estimate first" in answer.text


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.ONCOLOGIST])
def test_staff_without_billing_are_refused_every_action(api, billing_tab, role):
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)">', api.as_(role).get(billing_tab).text).group(1)
    for action in ("estimate", "plan", "payments", "plan/cancel"):
        answer = api.as_(role).post(f"{billing_tab}/billing/{action}", data={"csrf": csrf, "reason": "x"})
        assert answer.status_code == 403, action
    assert _count(api, CostEstimate) == 0


def test_the_patient_and_other_clinics_cannot_bill_this_chart(api, billing_tab):
    outsider = api.as_(CO, clinic="south")
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)">', outsider.get("/today").text).group(1)
    assert outsider.post(f"{billing_tab}/billing/estimate", data={"csrf": csrf}).status_code == 404
    ada = api.as_ada()
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)">', ada.get("/my/plan").text).group(1)
    assert ada.post(f"{billing_tab}/billing/estimate", data={"csrf": csrf}).status_code == 403
    assert _count(api, CostEstimate) == 0
