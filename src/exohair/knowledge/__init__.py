"""Versioned knowledge files (agents, regimens, protocols, gates, tariffs), validated and loaded into the
domain's frozen dataclasses. Every clinical number in them carries its source and evidence tag."""

from exohair.knowledge.knowledge import Knowledge, LoadedKnowledge
from exohair.knowledge.loader import (
    CLINIC_EDITABLE,
    load_knowledge,
    shipped_knowledge,
    shipped_texts,
    with_clinic_files,
)
from exohair.knowledge.problems import KnowledgeError

__all__ = [
    "CLINIC_EDITABLE",
    "Knowledge",
    "KnowledgeError",
    "LoadedKnowledge",
    "load_knowledge",
    "shipped_knowledge",
    "shipped_texts",
    "with_clinic_files",
]
