"""The pages in-process, signed in by personal token like the API tests (tests/api_fixtures.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from api_fixtures import api  # noqa: F401 - a fixture, found by pytest by name
from exohair.db.models import ConsentRecord
from exohair.domain.access import Role
from exohair.features.consent import service as consents
from exohair.features.consent.schemas import ConsentIn
from personas import NOW


@pytest.fixture
def photo_consent(api) -> ConsentRecord:  # noqa: F811 - the fixture imported above
    """Ada's consent to scalp photographs, signed on paper nine days ago and recorded by the coordinator."""
    signed = ConsentIn(scope="photos", document_version="PH-1", signed_by="Ada Able", signed_at=NOW - timedelta(days=9))
    consent = consents.record_consent(api.session, api.world.actor(Role.COORDINATOR), api.world.ada.id, signed, at=NOW)
    api.session.commit()
    return consent
