"""A demo patient's visits: blood counts before a session, the session itself (the safety gate must pass, or
a clinician overrides it with a reason), a cancellation, and an adverse event reported and followed up."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from exohair.db.models import AdverseEvent, TherapySession
from exohair.features.adverse_events import service as adverse_events
from exohair.features.adverse_events.schemas import AdverseEventChanges, AdverseEventIn
from exohair.features.demo.roster import Adverse
from exohair.features.demo.stock import pick_lot
from exohair.features.demo.world import DemoWorld
from exohair.features.labs import service as labs
from exohair.features.labs.schemas import LabsIn
from exohair.features.sessions import service as sessions
from exohair.features.sessions.schemas import CancelIn, PerformIn

# The one refused session a clinician went ahead with: platelets under the gate's 75,000/µL.
OVERRIDE_PLATELETS_PER_UL = 68_000
OVERRIDE_REASON = (
    "Platelets 68,000/µL, stable over two counts this week; oncologist agreed by phone. Microneedling only, "
    "no deep injections; pressure held at each site."
)
_SITE_SETS = (("whole_scalp",), ("vertex", "crown"), ("frontal", "vertex", "crown"), ("frontal", "left_temporal",
              "right_temporal", "vertex"), ("vertex", "occipital"))  # fmt: skip


def draw_counts(
    world: DemoWorld, patient_id: uuid.UUID, *, drawn: datetime, at: datetime, anticoagulated: bool, low_platelets: bool
) -> None:
    """Record a full blood count drawn at `drawn`: recovered counts, as a patient is only booked once they are."""
    rng = world.rng
    counts = LabsIn(
        taken_at=drawn,
        anc_per_ul=rng.randrange(1_800, 5_200, 50),
        platelets_per_ul=OVERRIDE_PLATELETS_PER_UL if low_platelets else rng.randrange(160_000, 380_000, 1_000),
        hb_g_dl=round(rng.uniform(10.6, 14.2), 1),
        inr=round(rng.uniform(1.0, 1.4), 1) if anticoagulated else None,
    )
    labs.record_labs(world.session, world.staff.clinicians[0], patient_id, counts, at=at)


def perform(world: DemoWorld, row: TherapySession, product_line: int, *, overridden: bool, at: datetime) -> None:
    """Perform the planned session `row` on its day with a lot from the shelf; the gate decides, as always."""
    assert row.planned_on is not None
    clinician = world.clinician()
    lot_id = pick_lot(world.session, clinician, product_line, row.planned_on, at=at)
    data = PerformIn(
        version=row.version,
        performed_on=row.planned_on,
        product_lot_id=lot_id,
        dose_ml=world.rng.choice((1.5, 2.0, 2.0, 2.5, 3.0)),
        scalp_sites=list(world.rng.choice(_SITE_SETS)),
        override_reason=OVERRIDE_REASON if overridden else None,
    )
    sessions.perform_session(world.session, clinician, row.id, data, world.knowledge, at=at)


def cancel(world: DemoWorld, row: TherapySession, reason: str, *, at: datetime) -> None:
    sessions.cancel_session(
        world.session, world.coordinator, row.id, CancelIn(version=row.version, reason=reason), at=at
    )


def report_adverse_event(
    world: DemoWorld, row: TherapySession, event: Adverse, onset: date, *, at: datetime
) -> AdverseEvent:
    data = AdverseEventIn(
        onset_on=onset,
        ctcae_term=event.term,
        grade=event.grade,
        relatedness=event.relatedness,
        serious=False,
        session_id=row.id,
        notes=event.notes,
    )
    return adverse_events.report_adverse_event(world.session, world.clinician(), row.patient_id, data, at=at)


def resolve_adverse_event(world: DemoWorld, event: AdverseEvent, resolved: date, *, at: datetime) -> None:
    changes = AdverseEventChanges(version=event.version, resolved_on=resolved)
    adverse_events.edit_adverse_event(world.session, world.staff.clinicians[0], event.id, changes, at=at)
