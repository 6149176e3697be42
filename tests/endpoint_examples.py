"""Endpoint definitions for the statistics tests, shaped like knowledge/data/endpoints.yaml's but fixed here, so
a change to the shipped definitions cannot change what the tests check."""

from __future__ import annotations

from exohair.domain.endpoints import Endpoint, EndpointKind, Measure
from exohair.domain.evidence import Basis, Evidence

BASIS = Basis("test", Evidence.D)
DEAN_0_2 = Endpoint(
    "preserved", 1, "Dean 0-2", EndpointKind.PRESERVED, Measure.DEAN, 2, None,
    frozenset({"clinician", "patient"}), "", BASIS, target_days=28, earliest_days=-7, latest_days=56,
)  # fmt: skip
CTCAE_0_1 = Endpoint(
    "preserved_ctcae", 1, "CTCAE 0-1", EndpointKind.PRESERVED, Measure.CTCAE, 1, None, frozenset({"clinician"}),
    "", BASIS, target_days=0, earliest_days=-14, latest_days=14,
)  # fmt: skip
REGROWTH = Endpoint(
    "regrowth", 1, "Regrowth", EndpointKind.TIME_TO_EVENT, Measure.DEAN, 1, None, frozenset({"clinician"}), "", BASIS
)
COVER_FREE = Endpoint(
    "cover_free", 1, "No head cover", EndpointKind.TIME_TO_EVENT, Measure.HEAD_COVER, None, "none",
    frozenset({"clinician", "patient"}), "", BASIS,
)  # fmt: skip
