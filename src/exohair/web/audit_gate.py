"""No answer leaves before the audit entries of the request that made it are committed.

A request that only read hands its audit entries to the process's appender when it commits (deps.Ctx.commit,
features/audit/reads.py), gives its database slot back, and its answer waits here, at the door, until the
batch holding those entries is committed. If they could not be committed, the answer is withheld and the
client gets 503: a read the trail does not show must not have happened.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Future

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from exohair.web.problems import problem

WAITS = "exohair.audit_waits"  # scope key: the futures the answer waits for (a list the gate puts there)
log = logging.getLogger("exohair.web")


def hold_answer_for(scope: Scope, committed: Future[None] | asyncio.Future[None]) -> None:
    """Make the answer to the request of `scope` wait for `committed`. Without a gate around the app (a route
    called some other way), wait here instead, in the route's thread."""
    waits: list[Future[None] | asyncio.Future[None]] | None = scope.get(WAITS)
    if waits is None:
        assert isinstance(committed, Future), "an event loop's future is awaited at the gate"
        committed.result()
    else:
        waits.append(committed)


class AuditGate:
    """A plain ASGI wrapper: holds `http.response.start` until the request's audit entries are committed."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        waits: list[Future[None] | asyncio.Future[None]] = []
        scope[WAITS] = waits
        withheld = False

        async def send_when_audited(message: Message) -> None:
            nonlocal withheld
            if message["type"] == "http.response.start" and waits:
                try:
                    for committed in waits:
                        await asyncio.wrap_future(committed)
                except Exception as error:
                    withheld = True
                    log.error("answer withheld: its audit entries were not committed (%s)", type(error).__name__)
                    await _unavailable(scope, receive, send)
                    return
                finally:
                    waits.clear()
            if not withheld:
                await send(message)

        await self.app(scope, receive, send_when_audited)


async def _unavailable(scope: Scope, receive: Receive, send: Send) -> None:
    answer = problem(
        503,
        "audit_unavailable",
        "Service Unavailable",
        "The access could not be recorded in the audit trail, so the answer was withheld. Try again shortly.",
    )
    answer.headers["Retry-After"] = "5"
    await answer(scope, receive, send)
