"""/api/v1 billing over HTTP: the plan's estimate, a payment plan, payments, the summary; refusals; stale cancels.

Money is integer cents in JSON, checked to the cent.
"""

from __future__ import annotations

import uuid

from exohair.domain.access import Role
from exohair.knowledge import shipped_knowledge

V1 = "/api/v1"
COURSE = {"regimen": "AC-T", "first_infusion": "2027-03-15", "protocol": "priming-in-cycle-regrowth"}


def _plan(**fields: object) -> dict[str, object]:
    values = {"total_cents": 600_000, "deposit_cents": 100_000, "instalments": 5, "first_due_on": "2027-04-01"}
    return values | fields


def _agreed(api, patient_id: uuid.UUID, **fields: object) -> dict:
    answer = api.as_(Role.COORDINATOR).post(f"{V1}/patients/{patient_id}/payment-plans", json=_plan(**fields))
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_the_plans_estimate_is_filed_agreed_paid_and_summarised(api):
    coordinator = api.as_(Role.COORDINATOR)
    ada = api.world.ada.id
    started = coordinator.post(f"{V1}/patients/{ada}/courses", json=COURSE)
    assert started.status_code == 201, started.text
    filed = coordinator.post(f"{V1}/patients/{ada}/estimate")
    assert filed.status_code == 201, filed.text
    estimate = filed.json()
    assert estimate["plan_version_id"] == started.json()["plan_version"]["id"]
    tariffs = shipped_knowledge()
    assert (estimate["currency"], estimate["tariffs_version"]) == (
        tariffs.tariffs.currency,
        tariffs.versions["tariffs.yaml"],
    )
    cents = [estimate[k] for k in ("low_cents", "expected_cents", "high_cents")]
    assert all(isinstance(c, int) for c in cents)
    assert 0 < cents[0] <= cents[1] <= cents[2]
    assert sum(line["expected_cents"] for line in estimate["lines"]) == estimate["expected_cents"]
    agreed = coordinator.post(
        f"{V1}/patients/{ada}/payment-plans",
        json={"estimate_id": estimate["id"], "deposit_cents": 50_000, "instalments": 4, "first_due_on": "2027-04-01"},
    )
    assert agreed.status_code == 201, agreed.text
    plan = agreed.json()
    assert (plan["total_cents"], plan["status"], plan["version"]) == (estimate["expected_cents"], "active", 1)
    assert plan["schedule"][0] == {**plan["schedule"][0], "number": 0, "kind": "deposit", "amount_cents": 50_000}
    assert sum(e["amount_cents"] for e in plan["schedule"]) == estimate["expected_cents"]  # 0 % APR
    paid = coordinator.post(
        f"{V1}/patients/{ada}/payments",
        json={"received_on": "2027-03-01", "amount_cents": 50_000, "method": "card", "payment_plan_id": plan["id"]},
    )
    assert paid.status_code == 201, paid.text
    assert (paid.json()["amount_cents"], paid.json()["payment_plan_id"]) == (50_000, plan["id"])
    summary = api.as_ada().get(f"{V1}/patients/{ada}/billing")  # a patient reads her own
    assert summary.status_code == 200, summary.text
    body = summary.json()
    assert body["latest_estimate"]["id"] == estimate["id"]
    assert body["payment_plan"]["id"] == plan["id"]
    assert (body["paid_cents"], body["balance_cents"]) == (50_000, estimate["expected_cents"] - 50_000)
    assert body["next_due"]["number"] == 1
    assert body["overdue"] == []
    assert [p["id"] for p in body["payments"]] == [paid.json()["id"]]


def test_an_estimate_needs_a_plan_and_a_plan_is_cancelled_with_a_reason(api):
    coordinator = api.as_(Role.COORDINATOR)
    no_plan = coordinator.post(f"{V1}/patients/{api.world.bea.id}/estimate")
    assert (no_plan.status_code, no_plan.json()["code"]) == (404, "no_plan")
    plan = _agreed(api, api.world.bea.id)
    cancelled = coordinator.post(
        f"{V1}/payment-plans/{plan['id']}/cancel", json={"version": 1, "reason": "Changed clinic"}
    )
    assert cancelled.status_code == 200, cancelled.text
    assert (cancelled.json()["status"], cancelled.json()["version"]) == ("cancelled", 2)
    assert coordinator.get(f"{V1}/patients/{api.world.bea.id}/billing").json()["payment_plan"] is None
    financed = _agreed(api, api.world.bea.id, apr_percent="9.9")  # a new plan, once the old one is cancelled
    assert financed["apr_percent"] == "9.900"  # a rate is a decimal string, spelled as stored
    assert sum(e["interest_cents"] for e in financed["schedule"]) > 0


def test_bad_money_input_is_422_naming_the_field(api):
    coordinator = api.as_(Role.COORDINATOR)
    answer = coordinator.post(f"{V1}/patients/{api.world.ada.id}/payment-plans", json=_plan(instalments=0))
    assert answer.status_code == 422
    body = answer.json()
    assert body["code"] == "invalid_request"
    assert "body.instalments" in {e["field"] for e in body["errors"]}
    payment = coordinator.post(
        f"{V1}/patients/{api.world.ada.id}/payments",
        json={"received_on": "2027-03-01", "amount_cents": 12.5, "method": "card"},
    )
    assert payment.status_code == 422  # cents are whole numbers
    assert "body.amount_cents" in {e["field"] for e in payment.json()["errors"]}


def test_a_clinician_may_not_handle_money_nor_read_it(api):
    clinician = api.as_(Role.CLINICIAN)
    for refused in (
        clinician.post(f"{V1}/patients/{api.world.ada.id}/payment-plans", json=_plan()),
        clinician.get(f"{V1}/patients/{api.world.ada.id}/billing"),
        api.as_ada().post(
            f"{V1}/patients/{api.world.ada.id}/payments",
            json={"received_on": "2027-03-01", "amount_cents": 100, "method": "cash"},
        ),
    ):
        assert refused.status_code == 403
        assert refused.json()["code"] == "forbidden"


def test_a_patient_reading_another_patients_billing_gets_the_answer_of_a_missing_one(api):
    _agreed(api, api.world.bea.id)
    ada = api.as_ada()
    other, missing = (
        ada.get(f"{V1}/patients/{api.world.bea.id}/billing"),
        ada.get(f"{V1}/patients/{uuid.uuid4()}/billing"),
    )
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()


def test_south_reading_norths_billing_gets_the_answer_of_a_missing_one(api):
    plan = _agreed(api, api.world.ada.id)
    south = api.as_(Role.COORDINATOR, clinic="south")
    chart, no_chart = (
        south.get(f"{V1}/patients/{api.world.ada.id}/billing"),
        south.get(f"{V1}/patients/{uuid.uuid4()}/billing"),
    )
    assert chart.status_code == no_chart.status_code == 404
    assert chart.json() == no_chart.json()
    cancel = {"version": 1, "reason": "Test"}
    theirs = south.post(f"{V1}/payment-plans/{plan['id']}/cancel", json=cancel)
    missing = south.post(f"{V1}/payment-plans/{uuid.uuid4()}/cancel", json=cancel)
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()


def test_a_cancel_naming_a_version_not_on_file_is_409_and_cancels_nothing(api):
    plan = _agreed(api, api.world.ada.id)
    coordinator = api.as_(Role.COORDINATOR)
    stale = coordinator.post(f"{V1}/payment-plans/{plan['id']}/cancel", json={"version": 2, "reason": "Changed clinic"})
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_edit"
    assert coordinator.get(f"{V1}/patients/{api.world.ada.id}/billing").json()["payment_plan"]["status"] == "active"
