"""Intake: from a new patient to a plan waiting for the oncologist's clearance, in one use case."""
