"""One demo patient's story, told through the services in the order it happened.

The first visit registers the patient, records consent and baseline counts, starts the chemo course (which
files the first plan), asks the oncologist for clearance and prices the plan. After that the story follows
the plan on file: each session whose day has come is performed (counts drawn that morning) or cancelled, an
infusion that slipped is recorded on its day (re-anchoring the sessions still to come), the oncologist
decides, payments arrive. Sessions due today stay planned, with this morning's counts on file, for whoever
tries the demo to perform.
"""

from __future__ import annotations

import functools
import itertools
import random
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta

from exohair.db.models import AdverseEvent, AssessmentDue, ChemoCourse, ConsentRecord, TherapySession
from exohair.domain.dates import add_months
from exohair.features.clearances import service as clearances
from exohair.features.clearances.schemas import ClearanceDecline, ClearanceRevoke, ClearanceSign
from exohair.features.consent import service as consent
from exohair.features.consent.schemas import ConsentIn
from exohair.features.courses import service as courses
from exohair.features.courses.schemas import CourseIn, InfusionRecordIn
from exohair.features.demo import money, outcomes, visits
from exohair.features.demo.roster import Adverse, Chart
from exohair.features.demo.staff import open_portal
from exohair.features.demo.timeline import Story
from exohair.features.demo.world import DemoWorld
from exohair.features.patients import service as patients
from exohair.features.patients.schemas import PatientIn
from exohair.features.plans import inputs
from exohair.features.plans import repository as plans

Step = Callable[[datetime], None]
DOCUMENTS = {"T": ("treatment", "TX-2026.2"), "R": ("registry", "REG-2026.1"), "P": ("photos", "PH-2026.1")}
_HAIR = ("straight, fine", "straight, thick", "wavy, medium", "curly, coarse", "coily, dense")
_CONDITIONS = (None, "Not within 1 day of an infusion.", "Only with ANC ≥ 1,500/µL on the day.")


class PatientStory:
    def __init__(self, world: DemoWorld, chart: Chart, mrn: str) -> None:
        self.world, self.chart, self.mrn = world, chart, mrn
        self.patient_id = uuid.UUID(int=0)
        self.course: ChemoCourse | None = None
        self.hour = world.hour()  # the patient's usual appointment time
        self.agenda: list[tuple[datetime, int, Step]] = []  # fixed steps: decisions, payments, follow-ups
        self.order = itertools.count()
        self.handled: set[str] = set()  # session keys already dealt with
        self.changes = list(chart.changes)
        self.consents: dict[str, ConsentRecord] = {}
        self.counts_drawn: date | None = None
        self.visits_seen: set[uuid.UUID] = set()  # assessment visits dealt with (recorded or missed)
        self.hair_rng = random.Random(f"{mrn}-hair")  # its own generator: the other draws stay as they were
        self.responds_to_cooling = random.Random(f"{mrn}-cooling").random() < outcomes.COOLING_RESPONDERS
        blocked = chart.clearance_day if chart.clearance in ("revoked", "expired") else None
        if blocked is not None and chart.clearance == "expired":
            blocked += 1  # expiry is the last valid day
        self.blocked_from = world.clock.day(blocked) if blocked is not None else None

    def run(self) -> Story:
        clock = self.world.clock
        arrival = clock.at(clock.day(self.chart.arrives), self.hour)
        yield arrival
        self._arrive(arrival)
        while (step := self._next_step()) is not None:
            when, act = step
            yield when
            act(when)

    # --- choosing what happens next --------------------------------------------------------------------------

    def _next_step(self) -> tuple[datetime, Step] | None:
        options: list[tuple[datetime, int, Step]] = []
        if self.agenda:
            options.append(min(self.agenda, key=lambda item: (item[0], item[1])))
        for found in (self._slipped_infusion(), self._due_session(), self._due_visit()):
            if found is not None:
                options.append((found[0], -1, found[1]))
        if not options:
            return None
        chosen = min(options, key=lambda item: (item[0], item[1]))
        if chosen in self.agenda:
            self.agenda.remove(chosen)
        return chosen[0], chosen[2]

    def _later(self, day: date, hour: int, step: Step) -> None:
        """Put `step` on the agenda for `hour` on `day`, or for now if that day is today or later."""
        clock = self.world.clock
        self.agenda.append((clock.at(min(day, clock.today), hour), next(self.order), step))

    def _due_session(self) -> tuple[datetime, Step] | None:
        if self.course is None:
            return None
        clock, session = self.world.clock, self.world.session
        rows = [
            row
            for row in plans.sessions_of_course(session, self.course.clinic_id, self.course.id)
            if row.status == "planned" and row.planned_on is not None and row.key not in self.handled
        ]
        if not rows:
            return None
        row = min(rows, key=lambda r: (r.planned_on or date.max, r.key))
        assert row.planned_on is not None
        if row.planned_on > clock.today:
            return None
        return clock.at(row.planned_on, 8, 30), lambda at: self._session_morning(row, at)

    def _due_visit(self) -> tuple[datetime, Step] | None:
        """The next assessment visit the plan asked for whose day has passed (today's waits for the demo's user)."""
        if self.course is None:
            return None
        due = [d for d in plans.assessments_due(self.world.session, self.course.id, before=self.world.clock.today)
               if d.id not in self.visits_seen]  # fmt: skip
        if not due:
            return None
        visit = min(due, key=lambda d: (d.due_on, d.label))
        return self.world.clock.at(visit.due_on, self.hour), lambda at: self._assess(visit, at)

    def _assess(self, visit: AssessmentDue, at: datetime) -> None:
        self.visits_seen.add(visit.id)
        assert self.course is not None
        outcomes.record_visit(self.world, self.course, visit, self.chart.adjuncts, self.hair_rng, at,
                              responds_to_cooling=self.responds_to_cooling)  # fmt: skip

    def _slipped_infusion(self) -> tuple[datetime, Step] | None:
        if self.course is None or not self.changes:
            return None
        world, change = self.world, self.changes[0]
        calendar = inputs.course_calendar(world.session, world.knowledge, self.course)
        infusion = next(i for i in calendar.infusions if (i.cycle, i.day) == (change.cycle, change.day))
        if infusion.date >= world.clock.today:  # it has not come yet: nothing to record
            self.changes.clear()
            return None
        return world.clock.at(infusion.date, 7, 45), self._record_change

    # --- the first visit --------------------------------------------------------------------------------------

    def _arrive(self, at: datetime) -> None:
        world, chart = self.world, self.chart
        clock, session, coordinator = world.clock, world.session, world.coordinator
        day = clock.local_day(at)
        patient = patients.register_patient(session, coordinator, self._patient_in(), at=at)
        self.patient_id = patient.id
        for letter in chart.consents:
            scope, version = DOCUMENTS[letter]
            signed = ConsentIn(scope=scope, document_version=version, signed_by=self._name, signed_at=at)
            self.consents[scope] = consent.record_consent(session, coordinator, patient.id, signed, at=at)
        self._draw_counts(day, at)
        if chart.regimen is not None:
            data = CourseIn(
                regimen=chart.regimen, first_infusion=clock.day(chart.first), protocol=chart.protocol,
                adjuncts=list(chart.adjuncts),
            )  # fmt: skip
            self.course = courses.start_course(session, coordinator, patient.id, data, world.knowledge, at=at).course
        if chart.clearance != "none":
            self._request_clearance(at)
        if chart.portal is not None:
            login = open_portal(session, world.staff, patient.id, chart.portal, self._name, at=at)
            world.portal_logins.append(login)
        if self.course is not None:
            plan = money.quote(world, patient.id, chart.billing, at=at)
            if plan is not None:
                self._schedule_payments(plan.id, money.dues(plan, clock.today))
        if chart.withdraws_photos is not None:
            self._later(clock.day(chart.withdraws_photos), 11, self._withdraw_photos)

    def _patient_in(self) -> PatientIn:
        chart, rng, today = self.chart, self.world.rng, self.world.clock.today
        born = add_months(today, -12 * chart.age) - timedelta(days=rng.randint(1, 360))
        return PatientIn(
            mrn=self.mrn, family_name=chart.family, given_name=chart.given, date_of_birth=born, sex=chart.sex,
            cancer_type=chart.cancer, cancer_stage=chart.stage,
            baseline_density_per_cm2=float(rng.randrange(150, 265, 5)), aga_stage=chart.aga_stage,
            aga_family_history=chart.aga_stage is not None or rng.random() < 0.2, hair_type=rng.choice(_HAIR),
            conditions=list(chart.conditions), anticoagulated=chart.anticoagulated,
            site_id=self.world.site_for(self.mrn),
        )  # fmt: skip

    @property
    def _name(self) -> str:
        return f"{self.chart.given} {self.chart.family}"

    # --- clearance --------------------------------------------------------------------------------------------

    def _request_clearance(self, at: datetime) -> None:
        note = f"Exosome scalp therapy alongside {self.chart.regimen}?" if self.chart.regimen else None
        request = clearances.request_clearance(self.world.session, self.world.coordinator, self.patient_id, at=at,
                                               note=note)  # fmt: skip
        decision_day = self.world.clock.local_day(at) + timedelta(days=1)
        if self.chart.clearance in ("signed", "revoked", "expired"):
            self._later(decision_day, 8, lambda when: self._sign(request.id, request.version, when))
        elif self.chart.clearance == "declined":
            reason = self.chart.declined_reason
            self._later(decision_day, 8, lambda when: self._decline(request.id, request.version, reason, when))

    def _sign(self, clearance_id: uuid.UUID, version: int, at: datetime) -> None:
        world, chart = self.world, self.chart
        signed_on = world.clock.local_day(at)
        expired = chart.clearance == "expired" and chart.clearance_day is not None
        expires = world.clock.day(chart.clearance_day or 0) if expired else None
        decision = ClearanceSign(
            version=version, signed_on=signed_on, expires_on=expires or signed_on + timedelta(days=365),
            conditions=world.rng.choice(_CONDITIONS),
        )  # fmt: skip
        signed = clearances.sign_clearance(world.session, world.oncologist(), clearance_id, decision, at=at)
        if chart.clearance == "revoked" and self.blocked_from is not None:
            revoke_on, seen = self.blocked_from, signed.version
            self._later(revoke_on, 8, lambda when: self._revoke(clearance_id, seen, revoke_on, when))
        if chart.clearance == "expired" and self.blocked_from is not None:
            self._later(self.blocked_from, 10, self._renew_clearance)

    def _renew_clearance(self, at: datetime) -> None:
        """The coordinator asks again once a clearance has expired; the request is still waiting today."""
        note = "Renewal: the clearance expired; regrowth sessions may continue?"
        clearances.request_clearance(self.world.session, self.world.coordinator, self.patient_id, at=at, note=note)

    def _decline(self, clearance_id: uuid.UUID, version: int, reason: str, at: datetime) -> None:
        decision = ClearanceDecline(version=version, reason=reason)
        clearances.decline_clearance(self.world.session, self.world.oncologist(), clearance_id, decision, at=at)

    def _revoke(self, clearance_id: uuid.UUID, version: int, revoked_on: date, at: datetime) -> None:
        reason = "Disease progression on the restaging CT; hold all adjunct therapies pending the MDT review."
        decision = ClearanceRevoke(version=version, revoked_on=revoked_on, reason=reason)
        clearances.revoke_clearance(self.world.session, self.world.staff.oncologists[0], clearance_id, decision, at=at)

    # --- sessions, infusions, events --------------------------------------------------------------------------

    def _session_morning(self, row: TherapySession, at: datetime) -> None:
        self.handled.add(row.key)
        day, world = row.planned_on, self.world
        assert day is not None
        if self.blocked_from is not None and day >= self.blocked_from:
            why = "revoked" if self.chart.clearance == "revoked" else "expired"
            visits.cancel(world, row, f"Oncologist clearance {why}; session not given.", at=at)
            return
        cancelled = dict(self.chart.cancel).get(row.key)
        if cancelled is not None:
            visits.cancel(world, row, cancelled, at=at)
            return
        self._draw_counts(day, at, low_platelets=row.key == self.chart.override)
        if day == world.clock.today:
            return  # today's session waits for whoever tries the demo
        at_session = world.clock.at(day, self.hour, world.rng.choice((0, 15, 30, 45)))
        self.agenda.append((at_session, next(self.order), lambda when: self._perform(row, when)))

    def _draw_counts(self, day: date, at: datetime, *, low_platelets: bool = False) -> None:
        if self.counts_drawn == day and not low_platelets:
            return
        self.counts_drawn = day
        drawn = min(self.world.clock.drawn(day, 8), at)  # this morning, before the visit
        visits.draw_counts(self.world, self.patient_id, drawn=drawn, at=at,
                           anticoagulated=self.chart.anticoagulated, low_platelets=low_platelets)  # fmt: skip

    def _perform(self, row: TherapySession, at: datetime) -> None:
        visits.perform(self.world, row, self.chart.product, overridden=row.key == self.chart.override, at=at)
        for event in self.chart.adverse:
            if event.key == row.key:
                self._schedule_adverse_event(row, event)

    def _schedule_adverse_event(self, row: TherapySession, event: Adverse) -> None:
        assert row.performed_on is not None
        onset = row.performed_on + timedelta(days=event.onset_after_days)
        reported = onset + timedelta(days=1)

        def report(at: datetime) -> None:
            found = visits.report_adverse_event(self.world, row, event, onset, at=at)
            if event.resolved_after_days is not None:
                resolved = onset + timedelta(days=event.resolved_after_days)
                if resolved < self.world.clock.today:
                    self._later(max(resolved, reported), 17, lambda when: self._resolve(found, resolved, when))

        self._later(reported, 12, report)

    def _resolve(self, event: AdverseEvent, resolved: date, at: datetime) -> None:
        visits.resolve_adverse_event(self.world, event, resolved, at=at)

    def _record_change(self, at: datetime) -> None:
        assert self.course is not None
        change = self.changes.pop(0)
        outcome = {"skipped": True} if change.delay_days is None else {"delay_days": change.delay_days}
        data = InfusionRecordIn(version=self.course.version, cycle=change.cycle, day=change.day, reason=change.reason,
                                **outcome)  # fmt: skip
        courses.record_infusion(self.world.session, self.world.coordinator, self.course.id, data, self.world.knowledge,
                                at=at)  # fmt: skip

    def _withdraw_photos(self, at: datetime) -> None:
        photos = self.consents["photos"]
        consent.withdraw_consent(self.world.session, self.world.coordinator, photos.id, photos.version, at=at)

    def _schedule_payments(self, plan_id: uuid.UUID, dues: list[tuple[date, int]]) -> None:
        if self.chart.billing == "behind" and dues:
            dues = dues[:-1]  # the latest instalment is overdue
        for due_on, amount in dues:
            # Most pay on the day; some a few days late, but never on a day that has not come yet.
            paid_on = min(due_on + timedelta(days=self.world.rng.randint(0, 3)), self.world.clock.today)
            self._later(paid_on, 16, functools.partial(self._pay, plan_id, amount, paid_on))

    def _pay(self, plan_id: uuid.UUID, amount_cents: int, paid_on: date, at: datetime) -> None:
        money.pay(self.world, self.patient_id, plan_id, amount_cents, paid_on, at=at)
