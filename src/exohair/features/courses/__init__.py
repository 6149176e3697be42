"""Chemotherapy courses: the regimen and first infusion a plan hangs on, and what actually happened to each dose."""
