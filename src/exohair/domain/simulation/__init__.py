"""Seeded synthetic data with known true effects, for testing the analytics. SYNTHETIC: never evidence."""

from exohair.domain.simulation.registry import (
    COMPARATOR,
    PRIMING_PROTOCOLS,
    PROTOCOLS,
    REGISTRY_COLUMNS,
    TrueEffects,
    synthetic_registry,
)

__all__ = ["COMPARATOR", "PRIMING_PROTOCOLS", "PROTOCOLS", "REGISTRY_COLUMNS", "TrueEffects", "synthetic_registry"]
