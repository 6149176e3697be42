"""Versioned knowledge files (agents, regimens, protocols, gates, tariffs), validated and loaded into the
domain's frozen dataclasses. Every clinical number in them carries its source and evidence tag."""

from exohair.knowledge.knowledge import Knowledge, LoadedKnowledge
from exohair.knowledge.loader import load_knowledge, shipped_knowledge
from exohair.knowledge.problems import KnowledgeError

__all__ = ["Knowledge", "KnowledgeError", "LoadedKnowledge", "load_knowledge", "shipped_knowledge"]
