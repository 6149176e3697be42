"""Billing: cost estimates, the payment plan agreed from one, payments received, and where a patient stands.

Billing records are patient data: every read and write opens the chart first and is audited. Money is integer
cents in the clinic's currency throughout.
"""
