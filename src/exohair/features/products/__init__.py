"""Product lots: the clinic's stock of exosome products, with the provenance every session record names.

Lots are clinic stock, not patient data: reads are not audited, every write is.
"""
