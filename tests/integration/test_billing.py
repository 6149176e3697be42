"""Billing through the service layer: estimates, payment plans, payments and the patient's summary — who may
do what, two clinics, a patient's own record only, stale edits, and the audit trail of every read and write.

Money is checked to the cent (tolerance 0). The amortized schedule is the domain's (tests/unit/domain/
test_payments.py checks it against the closed-form annuity); here it is checked to be stored and summed exactly.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from exohair.db import migrate
from exohair.db.engine import make_sessions
from exohair.db.models import AuditEntry, CostEstimate, PaymentPlanRecord, PaymentReceived
from exohair.domain.access import Forbidden, Role
from exohair.domain.costing import Estimate, EstimateLine
from exohair.domain.errors import Conflict, InvalidInput, NotFound
from exohair.domain.evidence import Basis, Evidence
from exohair.domain.payments import InvalidPaymentPlan, plan_payments
from exohair.features.audit.service import verify_trail
from exohair.features.billing import service
from exohair.features.billing import summary as standing
from exohair.features.billing.schemas import PaymentIn, PaymentPlanIn
from personas import NOW, World

BASIS = Basis("tariffs.yaml (clinic default)", Evidence.D)
ESTIMATE = Estimate(
    "USD",
    (
        EstimateLine("Exosome scalp session", 3, "session", 300_000, 600_000, 900_000, BASIS),
        EstimateLine("Topical minoxidil", 6, "month", 6_000, 9_000, 12_000, None),
    ),
)
MANAGERS = {Role.COORDINATOR}
READERS = {Role.COORDINATOR, Role.PATIENT}  # a patient their own billing only


def plan_in(**fields: object) -> PaymentPlanIn:
    values: dict[str, object] = {
        "total_cents": 600_000,
        "deposit_cents": 100_000,
        "instalments": 12,
        "apr_percent": "0",
        "first_due_on": date(2027, 4, 1),
    }
    return PaymentPlanIn.model_validate(values | fields)


def payment_in(amount_cents: int, plan_id: uuid.UUID | None = None, **fields: object) -> PaymentIn:
    values: dict[str, object] = {
        "received_on": date(2027, 3, 1),
        "amount_cents": amount_cents,
        "method": "card",
        "reference": "slip 0042",
        "payment_plan_id": plan_id,
    }
    return PaymentIn.model_validate(values | fields)


@pytest.fixture
def session(db_session):
    return db_session


@pytest.fixture
def world(session):
    return World(session)


@pytest.fixture
def coordinator(world):
    return world.actor(Role.COORDINATOR)


def _plan(session, actor, patient, **fields):
    return service.create_payment_plan(session, actor, patient.id, plan_in(**fields), currency="USD", at=NOW)


def _head(session):
    session.commit()  # entries are linked into the chain and written when the transaction commits
    return session.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1)) or 0


def _entries_after(session, seq):
    session.commit()
    return session.scalars(select(AuditEntry).where(AuditEntry.seq > seq).order_by(AuditEntry.seq)).all()


# --- estimates -------------------------------------------------------------------------------------------


def test_an_estimate_is_filed_in_cents_with_its_lines_and_tariffs(session, world, coordinator):
    row = service.save_estimate(
        session, coordinator, world.ada.id, ESTIMATE, currency="USD", tariffs_version="2027-01", plan_version_id=None,
        at=NOW,
    )  # fmt: skip
    stored = session.get(CostEstimate, row.id)
    assert (stored.low_cents, stored.expected_cents, stored.high_cents) == (306_000, 609_000, 912_000)
    assert stored.currency == "USD"
    assert stored.tariffs_version == "2027-01"
    assert stored.made_at == NOW
    assert stored.lines[0] == {
        "item": "Exosome scalp session", "quantity": 3, "unit": "session", "low_cents": 300_000,
        "expected_cents": 600_000, "high_cents": 900_000,
        "basis": {"source": "tariffs.yaml (clinic default)", "evidence": "D"},
    }  # fmt: skip
    assert stored.lines[1]["basis"] is None


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"currency": "EUR"}, "estimate_currency_mismatch"),
        ({"currency": "usd"}, "currency_invalid"),
        ({"tariffs_version": "  "}, "tariffs_version_invalid"),
    ],
)
def test_an_estimate_that_does_not_add_up_is_refused(session, world, coordinator, kwargs, code):
    arguments = {"currency": "USD", "tariffs_version": "2027-01", "plan_version_id": None} | kwargs
    with pytest.raises(InvalidInput) as error:
        service.save_estimate(session, coordinator, world.ada.id, ESTIMATE, at=NOW, **arguments)
    assert error.value.code == code
    assert session.scalars(select(CostEstimate)).all() == []


def test_an_estimate_for_an_unknown_plan_version_is_refused(session, world, coordinator):
    with pytest.raises(NotFound) as error:
        service.save_estimate(
            session, coordinator, world.ada.id, ESTIMATE, currency="USD", tariffs_version="2027-01",
            plan_version_id=uuid.uuid4(), at=NOW,
        )  # fmt: skip
    assert error.value.code == "plan_version_not_found"


# --- payment plans ---------------------------------------------------------------------------------------


def test_an_interest_free_plan_stores_the_deposit_then_twelve_instalments_to_the_cent(session, world, coordinator):
    plan = _plan(session, coordinator, world.ada)
    stored = session.get(PaymentPlanRecord, plan.id)
    assert (stored.status, stored.total_cents, stored.deposit_cents, stored.instalments) == (
        "active",
        600_000,
        100_000,
        12,
    )
    assert stored.apr_percent == Decimal(0)
    # 500000 financed = 12 × 41666 + 8: eight of 41667, then four of 41666; the deposit is due the day agreed.
    assert stored.schedule[0] == {
        "number": 0, "kind": "deposit", "due_on": "2027-03-01", "amount_cents": 100_000, "principal_cents": 100_000,
        "interest_cents": 0, "balance_after_cents": 500_000,
    }  # fmt: skip
    assert [e["amount_cents"] for e in stored.schedule[1:]] == [41_667] * 8 + [41_666] * 4
    assert [e["due_on"] for e in stored.schedule[1:4]] == ["2027-04-01", "2027-05-01", "2027-06-01"]
    assert service.total_payable_cents(stored) == 600_000


def test_an_amortized_plan_stores_the_domain_schedule_exactly(session, world, coordinator):
    plan = _plan(session, coordinator, world.ada, apr_percent="9.9")
    expected = plan_payments(
        600_000, currency="USD", instalments=12, deposit_cents=100_000, apr_percent=Decimal("9.9"),
        first_due=date(2027, 4, 1),
    )  # fmt: skip
    stored = session.get(PaymentPlanRecord, plan.id)
    assert stored.apr_percent == Decimal("9.9")
    assert [e["amount_cents"] for e in stored.schedule[1:]] == [i.amount_cents for i in expected.instalments]
    assert stored.schedule[1]["amount_cents"] == 43_935  # P = 500000 · r / (1 − (1 + r)^−12), r = 0.00825
    assert service.total_payable_cents(stored) == expected.total_payable_cents > 600_000


def test_a_plan_from_an_estimate_finances_its_expected_cost(session, world, coordinator):
    estimate = service.save_estimate(
        session, coordinator, world.ada.id, ESTIMATE, currency="USD", tariffs_version="2027-01", plan_version_id=None,
        at=NOW,
    )  # fmt: skip
    plan = _plan(session, coordinator, world.ada, total_cents=None, estimate_id=estimate.id, deposit_cents=9_000)
    assert (plan.total_cents, plan.estimate_id) == (609_000, estimate.id)
    assert [e["amount_cents"] for e in plan.schedule[1:]] == [50_000] * 12


def test_a_plan_cannot_use_another_patients_estimate(session, world, coordinator):
    beas = service.save_estimate(
        session, coordinator, world.bea.id, ESTIMATE, currency="USD", tariffs_version="2027-01", plan_version_id=None,
        at=NOW,
    )  # fmt: skip
    with pytest.raises(NotFound) as error:
        _plan(session, coordinator, world.ada, total_cents=None, estimate_id=beas.id)
    assert error.value.code == "estimate_not_found"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"total_cents": None}, "estimate_id"),  # neither
        ({"estimate_id": str(uuid.uuid4())}, "estimate_id"),  # both
        ({"deposit_cents": -1}, "deposit_cents"),
        ({"instalments": 0}, "instalments"),
        ({"instalments": 121}, "instalments"),
        ({"apr_percent": "100.5"}, "apr_percent"),
        ({"apr_percent": "9.9999"}, "apr_percent"),
        ({"apr_percent": "NaN"}, "apr_percent"),
        ({"total_cents": 12.5}, "total_cents"),
        ({"first_due_on": "next month"}, "first_due_on"),
    ],
)
def test_bad_payment_plan_input_is_refused_naming_the_field(fields, field):
    with pytest.raises(ValidationError) as error:
        plan_in(**fields)
    assert field in str(error.value)


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"deposit_cents": 700_000}, "payment_deposit_out_of_range"),
        ({"first_due_on": date(9999, 6, 1)}, "payment_first_due_out_of_range"),
    ],
)
def test_the_domains_refusals_reach_the_caller_unchanged(session, world, coordinator, fields, code):
    with pytest.raises(InvalidPaymentPlan) as error:
        _plan(session, coordinator, world.ada, **fields)
    assert error.value.code == code
    assert session.scalars(select(PaymentPlanRecord)).all() == []


def test_a_patient_has_one_active_plan_until_it_is_cancelled(session, world, coordinator):
    first = _plan(session, coordinator, world.ada)
    with pytest.raises(Conflict) as error:
        _plan(session, coordinator, world.ada, instalments=6)
    assert error.value.code == "payment_plan_active"
    _plan(session, coordinator, world.bea)  # another patient is unaffected
    cancelled = service.cancel_payment_plan(session, coordinator, first.id, 1, "Moved to a 6-month plan", at=NOW)
    assert (cancelled.status, cancelled.version) == ("cancelled", 2)
    second = _plan(session, coordinator, world.ada, instalments=6)
    assert second.status == "active"


def test_cancelling_a_plan_no_longer_active_is_a_conflict(session, world, coordinator):
    plan = _plan(session, coordinator, world.ada)
    service.record_payment(session, coordinator, world.ada.id, payment_in(600_000, plan.id), at=NOW)  # settles it
    with pytest.raises(Conflict) as settled:
        service.cancel_payment_plan(session, coordinator, plan.id, 2, "Patient asked", at=NOW)
    assert settled.value.code == "payment_plan_settled"
    other = _plan(session, coordinator, world.bea)
    service.cancel_payment_plan(session, coordinator, other.id, 1, "Patient asked", at=NOW)
    with pytest.raises(Conflict) as cancelled:
        service.cancel_payment_plan(session, coordinator, other.id, 2, "Again", at=NOW)
    assert cancelled.value.code == "payment_plan_cancelled"


def test_a_stale_cancel_is_refused_and_changes_nothing(engine):
    migrate.upgrade(engine)
    sessions = make_sessions(engine)
    with sessions.begin() as session:
        world = World(session)
        coordinator = world.actor(Role.COORDINATOR)
        plan_id, ada_id = _plan(session, coordinator, world.ada).id, world.ada.id
    with sessions() as first, sessions() as second:
        standing.billing_summary(first, coordinator, ada_id, at=NOW)
        seen = standing.billing_summary(second, coordinator, ada_id, at=NOW)  # both saw version 1, active
        assert seen.payment_plan.version == 1
        service.record_payment(first, coordinator, ada_id, payment_in(600_000, plan_id), at=NOW)  # settles: v2
        first.commit()
        with pytest.raises(Conflict) as error:
            service.cancel_payment_plan(second, coordinator, plan_id, 1, "Patient asked", at=NOW)
        assert error.value.code == "stale_edit"  # the UPDATE ... WHERE version = 1 found no row
        second.rollback()
    with sessions() as session:
        assert (session.get(PaymentPlanRecord, plan_id).status, session.get(PaymentPlanRecord, plan_id).version) == (
            "settled", 2,
        )  # fmt: skip


def test_a_cancel_needs_a_reason(session, world, coordinator):
    plan = _plan(session, coordinator, world.ada)
    with pytest.raises(InvalidInput) as error:
        service.cancel_payment_plan(session, coordinator, plan.id, 1, "   ", at=NOW)
    assert error.value.code == "reason_missing"
    assert session.get(PaymentPlanRecord, plan.id).status == "active"


# --- payments --------------------------------------------------------------------------------------------


def test_payments_that_reach_the_total_payable_settle_the_plan(session, world, coordinator):
    plan = _plan(session, coordinator, world.ada, total_cents=300_000, deposit_cents=0, instalments=3)
    for _ in range(2):
        service.record_payment(session, coordinator, world.ada.id, payment_in(100_000, plan.id), at=NOW)
    assert session.get(PaymentPlanRecord, plan.id).status == "active"
    last = service.record_payment(session, coordinator, world.ada.id, payment_in(100_000, plan.id), at=NOW)
    assert (last.amount_cents, last.method, last.recorded_by) == (100_000, "card", coordinator.user_id)
    assert session.get(PaymentPlanRecord, plan.id).status == "settled"
    with pytest.raises(Conflict) as error:
        service.record_payment(session, coordinator, world.ada.id, payment_in(1, plan.id), at=NOW)
    assert error.value.code == "payment_plan_settled"


def test_a_payment_above_what_the_plan_still_asks_for_is_refused(session, world, coordinator):
    plan = _plan(session, coordinator, world.ada)
    service.record_payment(session, coordinator, world.ada.id, payment_in(599_000, plan.id), at=NOW)
    with pytest.raises(InvalidInput) as error:
        service.record_payment(session, coordinator, world.ada.id, payment_in(1_001, plan.id), at=NOW)
    assert error.value.code == "payment_exceeds_balance"
    assert "amount_cents" in error.value.message
    assert sum(p.amount_cents for p in session.scalars(select(PaymentReceived))) == 599_000


def test_a_payment_dated_after_today_is_refused(session, world, coordinator):
    with pytest.raises(InvalidInput) as error:
        service.record_payment(session, coordinator, world.ada.id, payment_in(100, received_on="2027-03-02"), at=NOW)
    assert error.value.code == "payment_in_future"
    assert "received_on" in error.value.message


def test_a_payment_cannot_go_toward_another_patients_plan(session, world, coordinator):
    beas = _plan(session, coordinator, world.bea)
    with pytest.raises(NotFound) as error:
        service.record_payment(session, coordinator, world.ada.id, payment_in(100, beas.id), at=NOW)
    assert error.value.code == "payment_plan_not_found"


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"amount_cents": 0}, "amount_cents"), ({"amount_cents": 1.5}, "amount_cents"), ({"method": "bitcoin"}, "method")],
)
def test_bad_payment_input_is_refused_naming_the_field(fields, field):
    with pytest.raises(ValidationError) as error:
        payment_in(**({"amount_cents": 100} | fields))
    assert field in str(error.value)


# --- the summary -----------------------------------------------------------------------------------------


def test_the_summary_allocates_payments_in_order_and_shows_what_is_due_and_overdue(session, world, coordinator):
    estimate = service.save_estimate(
        session, coordinator, world.ada.id, ESTIMATE, currency="USD", tariffs_version="2027-01", plan_version_id=None,
        at=NOW,
    )  # fmt: skip
    plan = _plan(session, coordinator, world.ada)
    service.record_payment(session, coordinator, world.ada.id, payment_in(100_000, plan.id), at=NOW)
    service.record_payment(session, coordinator, world.ada.id, payment_in(50_000, plan.id, method="cash"), at=NOW)
    service.record_payment(session, coordinator, world.ada.id, payment_in(2_500, None, method="other"), at=NOW)

    # 2027-06-15: the deposit and the April, May and June instalments are due.
    later = NOW + timedelta(days=106)
    summary = standing.billing_summary(session, coordinator, world.ada.id, at=later)
    assert summary.latest_estimate.id == estimate.id
    assert summary.payment_plan.id == plan.id
    assert summary.currency == "USD"
    assert [p.amount_cents for p in summary.payments] == [100_000, 50_000, 2_500]
    assert (summary.total_payable_cents, summary.paid_cents, summary.balance_cents) == (600_000, 150_000, 450_000)
    # 150000 covers the deposit (100000) and 41667 of April, leaving 8333 of May's 41667 covered.
    assert [d.covered_cents for d in summary.schedule[:4]] == [100_000, 41_667, 8_333, 0]
    assert (summary.next_due.number, summary.next_due.due_on, summary.next_due.outstanding_cents) == (
        2, date(2027, 5, 1), 33_334,
    )  # fmt: skip
    assert [(d.number, d.outstanding_cents) for d in summary.overdue] == [(2, 33_334), (3, 41_667)]
    assert standing.billing_summary(session, coordinator, world.ada.id, at=NOW).overdue == ()


def test_the_summary_of_a_patient_without_billing_is_empty(session, world, coordinator):
    summary = standing.billing_summary(session, coordinator, world.bea.id, at=NOW)
    assert summary.latest_estimate is None
    assert summary.payment_plan is None
    assert (summary.total_payable_cents, summary.paid_cents, summary.balance_cents) == (0, 0, 0)
    assert summary.next_due is None
    assert summary.schedule == ()
    assert summary.payments == ()


# --- who may do what -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_who_may_manage_and_read_billing(session, world, coordinator, role):
    actor = world.actor(role)  # Role.PATIENT is Ada, on her own chart
    plan = _plan(session, coordinator, world.ada)
    writes = (
        lambda: service.save_estimate(
            session, actor, world.ada.id, ESTIMATE, currency="USD", tariffs_version="v1", plan_version_id=None, at=NOW
        ),
        lambda: service.record_payment(session, actor, world.ada.id, payment_in(1_000, plan.id), at=NOW),
        lambda: service.cancel_payment_plan(session, actor, plan.id, 1, "Patient asked", at=NOW),
        lambda: _plan(session, actor, world.ada),
    )
    if role in MANAGERS:
        for write in writes:
            write()
    else:
        for write in writes:
            with pytest.raises(Forbidden):
                write()
    if role in READERS:
        assert standing.billing_summary(session, actor, world.ada.id, at=NOW).patient_id == world.ada.id
    else:
        with pytest.raises(Forbidden):
            standing.billing_summary(session, actor, world.ada.id, at=NOW)


def test_a_patient_reads_her_own_billing_but_cannot_tell_another_patients_exists(session, world, coordinator):
    _plan(session, coordinator, world.bea)
    with pytest.raises(NotFound) as other:
        standing.billing_summary(session, world.ada_actor, world.bea.id, at=NOW)
    with pytest.raises(NotFound) as missing:
        standing.billing_summary(session, world.ada_actor, uuid.uuid4(), at=NOW)
    assert other.value.message == missing.value.message
    assert standing.billing_summary(session, world.bea_actor, world.bea.id, at=NOW).total_payable_cents == 600_000


def test_another_clinic_cannot_see_or_touch_billing(session, world, coordinator):
    plan = _plan(session, coordinator, world.ada)
    south = world.actor(Role.COORDINATOR, clinic="south")
    attempts = (
        lambda: standing.billing_summary(session, south, world.ada.id, at=NOW),
        lambda: service.record_payment(session, south, world.ada.id, payment_in(1_000), at=NOW),
        lambda: service.cancel_payment_plan(session, south, plan.id, 1, "Mine now", at=NOW),
        lambda: service.create_payment_plan(session, south, world.ada.id, plan_in(), currency="USD", at=NOW),
        lambda: service.record_payment(session, south, world.cal.id, payment_in(1_000, plan.id), at=NOW),
    )
    for attempt in attempts:
        with pytest.raises(NotFound):
            attempt()
    assert session.get(PaymentPlanRecord, plan.id).status == "active"
    assert session.scalars(select(PaymentReceived)).all() == []


# --- the audit trail -------------------------------------------------------------------------------------


def test_every_read_and_write_is_audited_naming_the_patient(session, world, coordinator):
    before = _head(session)
    estimate = service.save_estimate(
        session, coordinator, world.ada.id, ESTIMATE, currency="USD", tariffs_version="2027-01", plan_version_id=None,
        at=NOW,
    )  # fmt: skip
    plan = _plan(session, coordinator, world.ada, total_cents=1_000, deposit_cents=0, instalments=1)
    payment = service.record_payment(session, coordinator, world.ada.id, payment_in(1_000, plan.id), at=NOW)
    standing.billing_summary(session, world.ada_actor, world.ada.id, at=NOW)
    entries = _entries_after(session, before)
    assert [(e.action, e.record_type) for e in entries] == [
        ("create", "cost_estimate"),
        ("create", "payment_plan"),
        ("create", "payment"),
        ("update", "payment_plan"),
        ("read", "billing"),
    ]
    assert all(e.changes["patient_id"] == str(world.ada.id) for e in entries)
    assert entries[0].changes["expected_cents"] == 609_000
    assert entries[2].changes["amount_cents"] == 1_000
    assert entries[3].changes["status"] == ["active", "settled"]
    assert entries[4].actor_id == world.ada_actor.user_id
    assert set(entries[4].changes["disclosed"]) == {str(estimate.id), str(payment.id)}  # the plan is settled
    assert verify_trail(session).intact


def test_a_cancel_is_audited_with_its_reason(session, world, coordinator):
    plan = _plan(session, coordinator, world.ada)
    before = _head(session)
    service.cancel_payment_plan(session, coordinator, plan.id, 1, "Insurance will pay", at=NOW)
    (entry,) = _entries_after(session, before)
    assert (entry.action, entry.record_id) == ("cancel", str(plan.id))
    assert entry.changes == {"status": ["active", "cancelled"], "reason": "Insurance will pay",
                             "patient_id": str(world.ada.id)}  # fmt: skip
