"""Adverse events (CTCAE v5 term and grade), traced to the session and product lot they may come from."""
