"""Signed consent, one scope at a time (treatment, registry, photos), and its withdrawal."""
