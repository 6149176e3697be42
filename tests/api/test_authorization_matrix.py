"""Every API route × every role, over HTTP.

For each route the table below says which roles may use it. The test calls it as every role of North (and as
Ada, a patient, on her own chart) and expects: a role that may not → 403; a role that may → success (or a 409
the state of the record explains). Then the two outsiders: Ada on Bea's records, and a South account on North's
records, must get exactly the answer a made-up id gets, so a refusal does not reveal whether the record exists.
Every successful call on patient data must leave an audit entry naming that patient.

A route missing from the table fails `test_the_matrix_covers_every_route`, so new routes cannot skip it.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import func, select

from exohair.db.models import (
    AdverseEvent,
    AuditEntry,
    ChemoCourse,
    Clearance,
    ConsentRecord,
    LabResult,
    Patient,
    PaymentPlanRecord,
    ProductLot,
    Site,
    TherapySession,
)
from exohair.domain.access import Role
from exohair.features.accounts import service as accounts
from exohair.features.adverse_events import service as adverse_events
from exohair.features.adverse_events.schemas import AdverseEventIn
from exohair.features.billing import service as billing
from exohair.features.billing.schemas import PaymentPlanIn
from exohair.features.clearances import service as clearances
from exohair.features.clearances.schemas import ClearanceSign
from exohair.features.clinic_settings import sites
from exohair.features.consent import service as consents
from exohair.features.consent.schemas import ConsentIn
from exohair.features.courses import service as courses
from exohair.features.courses.schemas import CourseIn
from exohair.features.labs import service as labs
from exohair.features.labs.schemas import LabsIn
from exohair.features.photos import service as photos
from exohair.features.products import service as products
from exohair.features.products.schemas import LotIn
from exohair.knowledge import shipped_knowledge
from personas import NOW

A, CO, CL, ON, R, P = Role.ADMIN, Role.COORDINATOR, Role.CLINICIAN, Role.ONCOLOGIST, Role.RESEARCHER, Role.PATIENT
ROLES = (A, CO, CL, ON, R, P)
READERS = frozenset({CO, CL, ON})
PUBLIC = {("POST", "/api/v1/auth/login"), ("GET", "/api/v1/health")}  # and the schema itself
# Each account's own sign-in and tokens: every role may, and no patient data is involved (tests/api/test_auth_api.py).
OWN_ACCOUNT = {
    ("POST", "/api/v1/auth/logout"),
    ("GET", "/api/v1/me"),
    ("GET", "/api/v1/me/tokens"),
    ("POST", "/api/v1/me/tokens"),
    ("DELETE", "/api/v1/me/tokens/{token_id}"),
}
FIRST_INFUSION = date(2027, 3, 15)


@dataclass
class Chart:
    """One patient's records that routes point at (and, for lot_id, the clinic's stock)."""

    patient_id: uuid.UUID
    course_id: uuid.UUID
    session_id: uuid.UUID
    lab_id: uuid.UUID
    consent_id: uuid.UUID
    clearance_id: uuid.UUID  # requested: the oncologist may sign or decline it
    signed_clearance_id: uuid.UUID  # signed: the oncologist may revoke it
    event_id: uuid.UUID
    plan_id: uuid.UUID
    lot_id: uuid.UUID
    photo_id: uuid.UUID  # a scalp photo, with photo consent on file
    site_id: uuid.UUID  # one of the clinic's sites (not patient data)


Body = Callable[["Records", Chart], dict[str, Any] | None]


@dataclass(frozen=True)
class RouteRule:
    method: str
    path: str
    allowed: frozenset[Role]
    body: Body | None = None
    query: str = ""
    patient_data: bool = True  # audited, and refused to outsiders
    ids: tuple[tuple[str, str], ...] = ()  # path parameter -> Chart field, where the names differ
    multipart: bool = False  # the body goes as form fields beside a photo (`file`), not as JSON
    clinic_wide: bool = False  # every patient of the caller's clinic: no record id an outsider could try


class Records:
    def __init__(self, api) -> None:
        self.api = api
        session, world = api.session, api.world
        self.lot = products.add_lot(
            session,
            world.actor(CL),
            LotIn(
                product="ExoDerm",
                source_cells="adipose-derived MSC",
                manufacturer="Acme Bio",
                lot_number="M-1",
                expires_on=date(2028, 1, 1),
                stock_on_hand=50,
            ),
            at=NOW,
        )
        self.site = sites.add_site(session, world.actor(A), "Matrix site", at=NOW)
        self.ada = self._chart(world.ada.id)
        self.bea = self._chart(world.bea.id)
        session.commit()

    def _chart(self, patient_id: uuid.UUID) -> Chart:
        session, world = self.api.session, self.api.world
        data = CourseIn(regimen="ac-t", first_infusion=FIRST_INFUSION, protocol="priming-in-cycle-regrowth")
        started = courses.start_course(session, world.actor(CO), patient_id, data, shipped_knowledge(), at=NOW)
        first = session.scalars(
            select(TherapySession)
            .where(TherapySession.course_id == started.course.id)
            .order_by(TherapySession.planned_on)
        ).first()
        lab = labs.record_labs(
            session, world.actor(CL), patient_id, LabsIn(taken_at=NOW - timedelta(hours=1), anc_per_ul=2000), at=NOW
        )
        consent = consents.record_consent(
            session, world.actor(CO), patient_id,
            ConsentIn(scope="registry", document_version="2027-01", signed_by="The patient", signed_at=NOW), at=NOW,
        )  # fmt: skip
        signed = clearances.request_clearance(session, world.actor(CO), patient_id, at=NOW)
        clearances.sign_clearance(
            session, world.actor(ON), signed.id,
            ClearanceSign(version=signed.version, signed_on=NOW.date(), expires_on=NOW.date() + timedelta(days=90)),
            at=NOW,
        )  # fmt: skip
        requested = clearances.request_clearance(session, world.actor(CO), patient_id, at=NOW)
        event = adverse_events.report_adverse_event(
            session, world.actor(CL), patient_id,
            AdverseEventIn(
                onset_on=NOW.date(), ctcae_term="Scalp pain", grade=1, relatedness="possible", serious=False
            ),
            at=NOW,
        )  # fmt: skip
        plan = billing.create_payment_plan(
            session, world.actor(CO), patient_id,
            PaymentPlanIn(total_cents=100_000, instalments=4, first_due_on=date(2027, 4, 1)), currency="USD", at=NOW,
        )  # fmt: skip
        consents.record_consent(
            session, world.actor(CO), patient_id,
            ConsentIn(scope="photos", document_version="PH-1", signed_by="The patient", signed_at=NOW), at=NOW,
        )  # fmt: skip
        photo = photos.upload_photo(
            session, world.actor(CL), self.api.client.app.state.photo_store, patient_id, view="vertex",
            taken_on=NOW.date(), data=_jpeg(), max_bytes=1_048_576, at=NOW,
        )  # fmt: skip
        return Chart(
            patient_id, started.course.id, first.id, lab.id, consent.id, requested.id, signed.id, event.id, plan.id,
            self.lot.id, photo.id, self.site.id,
        )  # fmt: skip

    def fresh(self, model, row_id: uuid.UUID):
        """The row as the database holds it now (other requests have changed it)."""
        self.api.session.expire_all()
        return self.api.session.get(model, row_id)


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (150, 110, 80)).save(out, format="JPEG")
    return out.getvalue()


def _session_version(records: Records, chart: Chart) -> int:
    return records.fresh(TherapySession, chart.session_id).version


def _course_version(records: Records, chart: Chart) -> int:
    return records.fresh(ChemoCourse, chart.course_id).version


def _perform(records: Records, chart: Chart) -> dict[str, Any]:
    row = records.fresh(TherapySession, chart.session_id)
    return {
        "version": row.version,
        "performed_on": row.planned_on.isoformat(),
        "product_lot_id": str(records.lot.id),
        "dose_ml": 2,
        "scalp_sites": ["vertex"],
        # Nothing is on file (no clearance, consent or labs), so only an override can go ahead.
        "override_reason": "Matrix test: clinician takes responsibility",
    }


def _new_patient(_records: Records, _chart: Chart) -> dict[str, Any]:
    return {
        "mrn": f"M-{uuid.uuid4().hex[:8]}", "family_name": "New", "given_name": "Nia", "date_of_birth": "1980-01-01",
        "sex": "female", "cancer_type": "breast",
    }  # fmt: skip


def _patient_bundle() -> dict[str, Any]:
    patient = {
        "resourceType": "Patient",
        "id": uuid.uuid4().hex,
        "gender": "female",
        "birthDate": "1980-01-01",
        "name": [{"family": "Imported", "given": ["Ina"]}],
        "identifier": [
            {
                "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]},
                "value": f"F-{uuid.uuid4().hex[:8]}",
            }
        ],
    }
    return {"resourceType": "Bundle", "type": "collection", "entry": [{"fullUrl": "urn:uuid:p", "resource": patient}]}


ROUTES: list[RouteRule] = [
    RouteRule("GET", "/api/v1/patients", READERS | {P}, patient_data=False),
    RouteRule("POST", "/api/v1/patients", frozenset({CO, CL}), _new_patient, patient_data=False),
    RouteRule("GET", "/api/v1/patients/{patient_id}", READERS | {P}),
    RouteRule(
        "PATCH",
        "/api/v1/patients/{patient_id}",
        frozenset({CO, CL}),
        lambda r, c: {"version": r.fresh(Patient, c.patient_id).version, "hair_type": "curly"},
    ),
    RouteRule(
        "POST",
        "/api/v1/patients/{patient_id}/courses",
        frozenset({CO, CL}),
        lambda r, c: {"regimen": "tc", "first_infusion": "2027-04-01", "protocol": "regrowth-only"},
    ),
    RouteRule("GET", "/api/v1/patients/{patient_id}/courses", READERS | {P}),
    RouteRule("GET", "/api/v1/courses/{course_id}", READERS | {P}),
    RouteRule(
        "POST",
        "/api/v1/courses/{course_id}/infusions",
        frozenset({CO, CL}),
        lambda r, c: {"version": _course_version(r, c), "cycle": 2, "delay_days": 3},
    ),
    RouteRule(
        "POST",
        "/api/v1/patients/{patient_id}/plan/versions",
        frozenset({CO, CL}),
        lambda r, c: {"protocol": "regrowth-only", "adjuncts": ["minoxidil"], "reason": "Declined priming"},
    ),
    RouteRule("GET", "/api/v1/patients/{patient_id}/plan/versions", READERS | {P}),
    RouteRule("GET", "/api/v1/patients/{patient_id}/plan", READERS | {P}),
    RouteRule("GET", "/api/v1/patients/{patient_id}/plan.ics", READERS | {P}),
    RouteRule("GET", "/api/v1/sessions", READERS | {P}, query="?patient_id={patient_id}"),
    RouteRule("GET", "/api/v1/sessions/{session_id}", READERS | {P}),
    RouteRule("POST", "/api/v1/sessions/{session_id}/gate", READERS, lambda r, c: {"on": "2027-03-08"}),
    RouteRule("POST", "/api/v1/sessions/{session_id}/perform", frozenset({CL}), _perform),
    RouteRule(
        "POST",
        "/api/v1/sessions/{session_id}/reschedule",
        frozenset({CO, CL}),
        lambda r, c: {"version": _session_version(r, c), "planned_on": "2027-03-09"},
    ),
    RouteRule(
        "POST",
        "/api/v1/sessions/{session_id}/cancel",
        frozenset({CO, CL}),
        lambda r, c: {"version": _session_version(r, c), "reason": "Patient unwell"},
    ),
    # Labs
    RouteRule("GET", "/api/v1/patients/{patient_id}/labs", READERS),
    RouteRule(
        "POST",
        "/api/v1/patients/{patient_id}/labs",
        frozenset({CO, CL}),
        lambda r, c: {"taken_at": NOW.isoformat(), "anc_per_ul": 2500, "platelets_per_ul": 200_000},
    ),
    RouteRule("GET", "/api/v1/labs/{lab_id}", READERS),
    RouteRule(
        "PATCH",
        "/api/v1/labs/{lab_id}",
        frozenset({CO, CL}),
        lambda r, c: {"version": r.fresh(LabResult, c.lab_id).version, "hb_g_dl": 12.0},
    ),
    # Hair assessments: the patient records her own self-assessment, a clinician the clinic's
    RouteRule("GET", "/api/v1/patients/{patient_id}/assessments", READERS | {P}),
    RouteRule(
        "POST",
        "/api/v1/patients/{patient_id}/assessments",
        frozenset({CL, P}),
        lambda r, c: {"assessed_on": NOW.date().isoformat(), "dean_score": 1, "distress": 3},
    ),
    # Scalp photos: read like assessments, taken in by a clinician or by the patient for herself (photo consent
    # is on file for both charts; tests/api/test_photos_api.py checks the refusals without it)
    RouteRule("GET", "/api/v1/patients/{patient_id}/photos", READERS | {P}),
    RouteRule(
        "POST",
        "/api/v1/patients/{patient_id}/photos",
        frozenset({CL, P}),
        lambda r, c: {"view": "frontal", "taken_on": NOW.date().isoformat()},
        multipart=True,
    ),
    RouteRule("GET", "/api/v1/patients/{patient_id}/photos/{photo_id}", READERS | {P}),
    RouteRule("GET", "/api/v1/patients/{patient_id}/photos/{photo_id}/thumbnail", READERS | {P}),
    # Questionnaires: the instruments are the clinic's definitions (no patient data); responses are hair outcomes
    RouteRule("GET", "/api/v1/instruments", frozenset(ROLES), patient_data=False),
    RouteRule("GET", "/api/v1/patients/{patient_id}/questionnaire-responses", READERS | {P}),
    RouteRule(
        "POST",
        "/api/v1/patients/{patient_id}/questionnaire-responses",
        frozenset({CL, P}),
        lambda r, c: {"instrument_id": "hair-loss-rating", "answers": {"hair-lost": 30}},
    ),
    # Consent
    RouteRule("GET", "/api/v1/patients/{patient_id}/consents", READERS | {P}),
    RouteRule(
        "POST",
        "/api/v1/patients/{patient_id}/consents",
        frozenset({CO, CL, P}),
        lambda r, c: {
            "scope": "photos",
            "document_version": "2027-01",
            "signed_by": "The patient",
            "signed_at": NOW.isoformat(),
        },
    ),
    RouteRule("GET", "/api/v1/consents/{consent_id}", READERS | {P}),
    RouteRule(
        "POST",
        "/api/v1/consents/{consent_id}/withdraw",
        frozenset({CO, CL, P}),
        lambda r, c: {"version": r.fresh(ConsentRecord, c.consent_id).version},
    ),
    # Oncologist clearance
    RouteRule("GET", "/api/v1/clearances/pending", frozenset({ON}), patient_data=False),
    RouteRule("GET", "/api/v1/patients/{patient_id}/clearances", READERS),
    RouteRule("POST", "/api/v1/patients/{patient_id}/clearances", frozenset({CO, CL}), lambda r, c: {"note": "AC-T"}),
    RouteRule("GET", "/api/v1/clearances/{clearance_id}", READERS),
    RouteRule(
        "POST",
        "/api/v1/clearances/{clearance_id}/sign",
        frozenset({ON}),
        lambda r, c: {
            "version": r.fresh(Clearance, c.clearance_id).version,
            "signed_on": NOW.date().isoformat(),
            "expires_on": "2027-09-01",
        },
    ),
    RouteRule(
        "POST",
        "/api/v1/clearances/{clearance_id}/decline",
        frozenset({ON}),
        lambda r, c: {"version": r.fresh(Clearance, c.clearance_id).version, "reason": "Scalp metastases"},
    ),
    RouteRule(
        "POST",
        "/api/v1/clearances/{clearance_id}/revoke",
        frozenset({ON}),
        lambda r, c: {
            "version": r.fresh(Clearance, c.signed_clearance_id).version,
            "revoked_on": NOW.date().isoformat(),
            "reason": "Progression",
        },
        ids=(("clearance_id", "signed_clearance_id"),),
    ),
    # Adverse events
    RouteRule("GET", "/api/v1/patients/{patient_id}/adverse-events", READERS),
    RouteRule(
        "POST",
        "/api/v1/patients/{patient_id}/adverse-events",
        frozenset({CL}),
        lambda r, c: {
            "onset_on": NOW.date().isoformat(),
            "ctcae_term": "Headache",
            "grade": 1,
            "relatedness": "unlikely",
            "serious": False,
        },
    ),
    RouteRule("GET", "/api/v1/adverse-events/{event_id}", READERS),
    RouteRule(
        "PATCH",
        "/api/v1/adverse-events/{event_id}",
        frozenset({CL}),
        lambda r, c: {"version": r.fresh(AdverseEvent, c.event_id).version, "grade": 2},
    ),
    # Product lots: the clinic's stock, not patient data
    RouteRule("GET", "/api/v1/product-lots", frozenset({A, CO, CL}), patient_data=False),
    RouteRule(
        "POST",
        "/api/v1/product-lots",
        frozenset({A, CO, CL}),
        lambda r, c: {
            "product": "ExoDerm",
            "source_cells": "MSC",
            "manufacturer": "Acme Bio",
            "lot_number": f"L-{uuid.uuid4().hex[:6]}",
            "expires_on": "2028-01-01",
            "stock_on_hand": 3,
        },
        patient_data=False,
    ),
    RouteRule("GET", "/api/v1/product-lots/{lot_id}", frozenset({A, CO, CL}), patient_data=False),
    RouteRule(
        "PATCH",
        "/api/v1/product-lots/{lot_id}",
        frozenset({A, CO, CL}),
        lambda r, c: {"version": r.fresh(ProductLot, c.lot_id).version, "notes": "Fridge 2"},
        patient_data=False,
    ),
    RouteRule(
        "POST",
        "/api/v1/product-lots/{lot_id}/stock",
        frozenset({A, CO, CL}),
        lambda r, c: {"version": r.fresh(ProductLot, c.lot_id).version, "delta": 2, "reason": "Delivery"},
        patient_data=False,
    ),
    # FHIR: the whole episode, clinical records included, so the staff readers only
    RouteRule("GET", "/api/v1/patients/{patient_id}/$everything", READERS),
    # FHIR import: a new patient's record from another system (her own record, so no one else's is touched)
    RouteRule("POST", "/api/v1/fhir/import", frozenset({CO, CL}), lambda r, c: _patient_bundle(), patient_data=False),
    # ... and the whole clinic at once: the roles that keep the records, not the oncologist (docs/fhir.md)
    RouteRule("GET", "/api/v1/fhir/export", frozenset({CO, CL}), clinic_wide=True),
    # Sites: names of the clinic's places, read by all (forms offer them), kept by the admin
    RouteRule("GET", "/api/v1/sites", frozenset(ROLES), patient_data=False),
    RouteRule(
        "POST",
        "/api/v1/sites",
        frozenset({A}),
        lambda r, c: {"name": f"Site {uuid.uuid4().hex[:6]}"},
        patient_data=False,
    ),
    RouteRule(
        "PATCH",
        "/api/v1/sites/{site_id}",
        frozenset({A}),
        lambda r, c: {"version": r.fresh(Site, c.site_id).version, "name": f"Site {uuid.uuid4().hex[:6]}"},
        patient_data=False,
    ),
    # Money
    RouteRule("POST", "/api/v1/patients/{patient_id}/estimate", frozenset({CO})),
    RouteRule(
        "POST",
        "/api/v1/patients/{patient_id}/payment-plans",
        frozenset({CO}),
        lambda r, c: {"total_cents": 50_000, "instalments": 2, "first_due_on": "2027-04-01"},
    ),
    RouteRule(
        "POST",
        "/api/v1/payment-plans/{plan_id}/cancel",
        frozenset({CO}),
        lambda r, c: {"version": r.fresh(PaymentPlanRecord, c.plan_id).version, "reason": "Changed clinic"},
    ),
    RouteRule(
        "POST",
        "/api/v1/patients/{patient_id}/payments",
        frozenset({CO}),
        lambda r, c: {"received_on": NOW.date().isoformat(), "amount_cents": 1_000, "method": "card"},
    ),
    RouteRule("GET", "/api/v1/patients/{patient_id}/billing", frozenset({CO, P})),
]


def _url(rule: RouteRule, chart: Chart) -> str:
    ids = vars(chart) | {param: getattr(chart, field) for param, field in rule.ids}
    return (rule.path + rule.query).format(**ids)


def _random(_chart: Chart) -> Chart:
    return Chart(*(uuid.uuid4() for _ in fields(Chart)))


def _call(caller, rule: RouteRule, records: Records, chart: Chart, *, ids: Chart | None = None):
    """Call the route for `chart`'s records, or with the same body at `ids` (made-up ids)."""
    body = rule.body(records, chart) if rule.body else None
    if rule.multipart:
        files = {"file": ("scalp.jpg", _jpeg(), "image/jpeg")}
        return caller.request(rule.method, _url(rule, ids or chart), data=body, files=files)
    return caller.request(rule.method, _url(rule, ids or chart), json=body)


def _audit_count(api, patient_id: uuid.UUID) -> int:
    api.session.expire_all()
    entries = api.session.scalars(select(AuditEntry)).all()
    named = str(patient_id)
    return sum(1 for e in entries if e.record_id == named or (e.changes or {}).get("patient_id") == named)


def test_the_matrix_covers_every_route(api):
    schema = api.anonymous().get("/api/v1/openapi.json").json()
    served = {(method.upper(), path) for path, item in schema["paths"].items() for method in item}
    covered = {(r.method, r.path) for r in ROUTES} | PUBLIC | OWN_ACCOUNT
    assert served - covered == set(), "routes without a row in the authorization matrix"
    assert covered - served == set(), "matrix rows for routes that are not served"


@pytest.mark.parametrize("rule", ROUTES, ids=lambda r: f"{r.method} {r.path}")
def test_every_role_on_every_route(api, rule: RouteRule):
    records = Records(api)
    mine = records.ada
    problems: list[str] = []
    # Refusals first, so the records are as the fixture made them.
    for role in ROLES:
        if role in rule.allowed:
            continue
        answer = _call(api.as_(role), rule, records, mine)
        if answer.status_code != 403 or answer.json().get("code") != "forbidden":
            problems.append(f"{role.value}: expected 403 forbidden, got {answer.status_code} {answer.text[:200]}")
    if rule.patient_data and not rule.clinic_wide:  # a clinic-wide route: tests/api/test_fhir_bulk_api.py
        staff = next(role for role in (CL, CO, ON) if role in rule.allowed) if rule.allowed - {P} else None
        outsiders = [("Ada on Bea's chart", api.as_ada(), records.bea)] if P in rule.allowed else []
        if staff is not None:
            outsiders.append((f"South {staff.value} on Ada's chart", api.as_(staff, clinic="south"), mine))
        for label, caller, chart in outsiders:
            real = _call(caller, rule, records, chart)
            made_up = _call(caller, rule, records, chart, ids=_random(chart))
            if real.status_code not in (403, 404) or (real.status_code, real.json().get("code")) != (
                made_up.status_code,
                made_up.json().get("code"),
            ):
                problems.append(
                    f"{label}: got {real.status_code} {real.text[:160]} (a made-up id: {made_up.status_code})"
                )
    for role in ROLES:
        if role not in rule.allowed:
            continue
        before = _audit_count(api, mine.patient_id)
        answer = _call(api.as_(role), rule, records, mine)
        if not (200 <= answer.status_code < 300 or answer.status_code == 409):
            problems.append(f"{role.value}: expected success, got {answer.status_code} {answer.text[:200]}")
        elif rule.patient_data and answer.status_code < 300 and _audit_count(api, mine.patient_id) <= before:
            problems.append(f"{role.value}: succeeded without an audit entry naming the patient")
    assert not problems, "\n".join(problems)


def test_a_stale_edit_of_a_session_is_one_409_and_nothing_is_lost(api):
    records = Records(api)
    row = records.fresh(TherapySession, records.ada.session_id)
    seen, planned = row.version, row.planned_on
    url = f"/api/v1/sessions/{row.id}/reschedule"
    first = api.as_(CO).post(url, json={"version": seen, "planned_on": (planned + timedelta(days=1)).isoformat()})
    second = api.as_(CL).post(url, json={"version": seen, "planned_on": (planned + timedelta(days=2)).isoformat()})
    assert (first.status_code, second.status_code) == (200, 409)
    assert second.json()["code"] == "stale_edit"
    kept = records.fresh(TherapySession, row.id)
    assert (kept.planned_on, kept.version) == (planned + timedelta(days=1), seen + 1)  # the first edit, intact


def test_anonymous_callers_get_401_on_every_guarded_route(api):
    schema = api.anonymous().get("/api/v1/openapi.json").json()
    fake = {"patient_id": uuid.uuid4(), "course_id": uuid.uuid4(), "session_id": uuid.uuid4(), "token_id": uuid.uuid4()}
    for path, item in schema["paths"].items():
        for method in item:
            if (method.upper(), path) in PUBLIC:
                continue
            answer = api.anonymous().request(method.upper(), path.format_map(_Ids(fake)), json={})
            assert answer.status_code == 401, f"{method.upper()} {path}: {answer.status_code}"


@pytest.mark.parametrize("credential", ["made-up", "revoked"])
def test_a_bad_token_gets_401_on_every_route_even_with_a_valid_request(api, credential: str):
    """Tokens are checked inside each route (web/deps.py, Ctx), not in a dependency of their own: this holds every
    route to it, with the body and ids that route accepts from a valid caller."""
    records = Records(api)
    if credential == "made-up":
        headers = {"Authorization": "Bearer exo_" + "x" * 40}
    else:
        clinician = api.world.users[("North", Role.CLINICIAN)]
        token, plain = accounts.create_token(api.session, clinician, "to revoke", at=NOW)
        accounts.revoke_token_by_id(api.session, clinician, token.id, at=NOW)
        api.session.commit()
        headers = {"Authorization": f"Bearer {plain}"}
    caller = replace(api.anonymous(), headers=headers)
    wrong = [
        f"{rule.method} {rule.path}: {answer.status_code}"
        for rule in ROUTES
        if (answer := _call(caller, rule, records, records.ada)).status_code != 401
    ]
    assert not wrong, "\n".join(wrong)


class _Ids(dict):
    def __missing__(self, key: str) -> str:
        return str(uuid.uuid4())


def test_the_south_clinic_does_not_see_north_in_lists(api):
    Records(api)
    south = api.as_(CL, clinic="south")
    patients = south.get("/api/v1/patients").json()["items"]
    assert [p["mrn"] for p in patients] == ["S-1"]
    assert south.get("/api/v1/sessions").json() == []
    assert api.session.scalar(select(func.count()).select_from(TherapySession)) > 0
