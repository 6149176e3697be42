"""The pages in-process, signed in by personal token like the API tests (tests/api_fixtures.py)."""

from api_fixtures import api  # noqa: F401 - a fixture, found by pytest by name
