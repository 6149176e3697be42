"""The API in-process (FastAPI's TestClient) on a freshly migrated database, SQLite and PostgreSQL.

`api` is the cast of tests/personas.py committed to that database with a personal token for every account:
`api.as_(Role.CLINICIAN)` is a client signed in as North's clinician, `api.as_(Role.CLINICIAN, clinic="south")`
as South's, `api.as_ada()` / `api.as_bea()` as the two patients of North. The clock is fixed at personas.NOW.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from exohair.db import migrate
from exohair.db.engine import make_sessions
from exohair.db.models import User
from exohair.domain.access import Role
from exohair.features.accounts import service as accounts
from exohair.features.photos.storage import LocalPhotoStore
from exohair.knowledge import shipped_knowledge
from exohair.web.app import create_app
from personas import NOW, World


@dataclass
class Api:
    client: TestClient
    world: World
    session: Session
    tokens: dict[str, str] = field(default_factory=dict)

    def _headers(self, user: User) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[str(user.id)]}"}

    def as_(self, role: Role, *, clinic: str = "north") -> Caller:
        if role is Role.PATIENT:
            return self.as_ada()
        user = self.world.users[("North" if clinic == "north" else "South", role)]
        return Caller(self.client, self._headers(user))

    def as_ada(self) -> Caller:
        return Caller(self.client, self._headers(self.world.ada_user))

    def as_bea(self) -> Caller:
        return Caller(self.client, self._headers(self.world.bea_user))

    def anonymous(self) -> Caller:
        return Caller(self.client, {})


@dataclass
class Caller:
    """A client that sends one account's token with every request."""

    client: TestClient
    headers: dict[str, str]

    def request(self, method: str, url: str, **kwargs):
        return self.client.request(method, url, headers=self.headers | kwargs.pop("headers", {}), **kwargs)

    def get(self, url: str, **kwargs):
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs):
        return self.request("POST", url, **kwargs)

    def patch(self, url: str, **kwargs):
        return self.request("PATCH", url, **kwargs)

    def delete(self, url: str, **kwargs):
        return self.request("DELETE", url, **kwargs)


@pytest.fixture
def api(engine: Engine, tmp_path: Path) -> Iterator[Api]:
    migrate.upgrade(engine)
    sessions = make_sessions(engine)
    with sessions() as session:
        world = World(session)
        people = [*world.users.values(), world.ada_user, world.bea_user]
        tokens = {str(u.id): accounts.create_token(session, u, "tests", at=NOW)[1] for u in people}
        session.commit()
        app = create_app(sessions_factory=sessions, knowledge=shipped_knowledge(), clock=lambda: NOW,
                         photo_store=LocalPhotoStore(tmp_path / "photos"))  # fmt: skip
        with TestClient(app, raise_server_exceptions=False) as client:
            yield Api(client, world, session, tokens)
