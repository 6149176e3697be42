"""What every demo story shares: the database session, the knowledge, the clock, the staff and one seeded
random generator (so the demo is the same every time it is loaded on the same day)."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from exohair.domain.access import Actor
from exohair.features.demo.staff import Login, Staff
from exohair.features.demo.timeline import DemoClock
from exohair.knowledge import Knowledge


@dataclass
class DemoWorld:
    session: Session
    knowledge: Knowledge
    clock: DemoClock
    staff: Staff
    rng: random.Random
    portal_logins: list[Login] = field(default_factory=list)
    sites: tuple[uuid.UUID, ...] = ()  # the clinic's sites, main site first

    @property
    def coordinator(self) -> Actor:
        return self.staff.coordinator

    def clinician(self) -> Actor:
        """Whoever is on the rota that day: the first clinician does most sessions."""
        return self.staff.clinicians[0] if self.rng.random() < 0.7 else self.staff.clinicians[1]

    def oncologist(self) -> Actor:
        return self.rng.choice(self.staff.oncologists)

    def site_for(self, mrn: str) -> uuid.UUID | None:
        """Where a patient is treated: most at the main site. Drawn from the MRN, not the shared generator, so
        adding sites changed no other draw of the demo."""
        if not self.sites:
            return None
        return self.sites[0] if random.Random(f"{mrn}-site").random() < 0.6 else self.sites[-1]

    def hour(self) -> int:
        """An hour of the clinic's working day."""
        return self.rng.randint(9, 16)
