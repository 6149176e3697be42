"""`demo load`: a whole demo clinic, built through the services, in the caller's transaction.

The clinic opened about a year ago; its staff, stock and forty patients' histories are replayed up to the
real now, so it looks alive whenever it is loaded. Everything goes through the same services as the app, with
their checks, the safety gate and the audit trail: the demo cannot show a state the product would refuse.
A fixed seed makes the demo the same for a given today.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from exohair.domain.access import Actor
from exohair.domain.errors import Conflict, DomainError
from exohair.features.clinic_settings.publishing import publish
from exohair.features.clinic_settings.sites import add_site
from exohair.features.consent.documents import template_text
from exohair.features.demo import repository
from exohair.features.demo.history import HISTORY_PATIENTS, history_charts
from exohair.features.demo.roster import CHARTS
from exohair.features.demo.staff import CLINIC_NAME, Login, open_clinic
from exohair.features.demo.stock import deliveries
from exohair.features.demo.stories import DOCUMENTS, PatientStory
from exohair.features.demo.timeline import DemoClock, replay
from exohair.features.demo.world import DemoWorld
from exohair.knowledge import Knowledge

DEMO_SEED = 20_270_301
FOUNDED_DAYS_AGO = 560  # before the oldest story (about 520 days, demo/history.py) and the oldest lot (540 days)
DEMO_SITES = ("City Centre", "Riverside")  # two, so the Evidence report has sites to compare


class DatabaseNotEmpty(Conflict):
    code = "database_not_empty"


class DatabaseNotMigrated(DomainError):
    code = "database_not_migrated"


@dataclass(frozen=True, slots=True)
class DemoClinic:
    name: str
    timezone: str
    logins: tuple[Login, ...]
    states: Counter[str]  # patients: before / in / after chemo today, and no course
    records: dict[str, int]
    steps: int  # steps of history replayed


def check_empty(session: Session) -> None:
    """Refuse a database without the schema, or one that already holds a clinic: the demo never mixes with
    other records (its passwords are public)."""
    if not repository.has_schema(session):
        raise DatabaseNotMigrated("The database has no tables yet: run `exohair db upgrade` first.")
    names = repository.clinic_names(session)
    if names:
        raise DatabaseNotEmpty(
            f"The database already holds {len(names)} clinic(s) ({', '.join(names)}); the demo loads only into "
            "an empty database. Point EXOHAIR_DATABASE_URL at a new one."
        )


def publish_demo_consent(session: Session, admin: Actor, knowledge: Knowledge, *, at: datetime) -> None:
    """The demo clinic's consent documents: exohair's template under the versions its patients signed on paper
    (stories.DOCUMENTS), so the portal shows the words behind each signature and asks for none again."""
    text = template_text()
    for scope, version in DOCUMENTS.values():
        text = text.replace(f'version: "exohair-{scope}-1"', f'version: "{version}"')
    publish(session, admin, knowledge, "consent.yaml", text, note="The demo clinic's consent forms.",
            seen_number=0, at=at)  # fmt: skip


def load_demo_clinic(
    session: Session,
    knowledge: Knowledge,
    *,
    now: datetime,
    timezone: str,
    seed: int = DEMO_SEED,
    history: int = HISTORY_PATIENTS,
) -> DemoClinic:
    """Build the demo clinic in `session` (flushed, not committed) as of the instant `now`, with `history` past
    patients (demo/history.py; tests that do not look at the registry load fewer, since each costs a story)."""
    check_empty(session)
    clock = DemoClock(now, timezone)
    founded = clock.at(clock.day(-FOUNDED_DAYS_AGO), 9)
    staff = open_clinic(session, at=founded, timezone=timezone, currency=knowledge.tariffs.currency)
    publish_demo_consent(session, staff.admin, knowledge, at=founded)
    sites = tuple(add_site(session, staff.admin, name, at=founded).id for name in DEMO_SITES)
    world = DemoWorld(session, knowledge, clock, staff, random.Random(seed), sites=sites)
    stories = [deliveries(session, staff.admin, clock)]
    stories += [PatientStory(world, chart, f"DEMO-{n:04d}").run() for n, chart in enumerate(CHARTS, start=1)]
    past = history_charts(seed, history)
    stories += [PatientStory(world, chart, f"DEMO-H{n:03d}").run() for n, chart in enumerate(past, start=1)]
    steps = replay(stories)
    session.flush()
    return DemoClinic(
        name=CLINIC_NAME,
        timezone=timezone,
        logins=staff.logins + tuple(world.portal_logins),
        states=repository.chemo_states(session, staff.clinic.id, clock.today),
        records=repository.record_counts(session, staff.clinic.id),
        steps=steps,
    )
