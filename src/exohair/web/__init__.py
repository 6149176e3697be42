"""The HTTP face of exohair: the JSON API under /api/v1 (and, later, the clinic's pages)."""
