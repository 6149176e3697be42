"""The API in-process: the `api` fixture and its callers live in tests/api_fixtures.py (shared with tests/web)."""

from api_fixtures import api  # noqa: F401 - a fixture, found by pytest by name
