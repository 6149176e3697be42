"""Therapy sessions: the gate checklist, performing (with product-lot traceability), moving and cancelling."""
