"""Business errors. Each carries a machine code and a sentence a person can act on; outer layers render them
(problem+json in the API, inline text in pages, a plain line and a non-zero exit in the CLI)."""

from __future__ import annotations


class DomainError(Exception):
    """A request the clinic's rules refuse. `code` is stable and machine-readable; `message` is for people."""

    code = "domain_error"
    http_status = 422

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def extensions(self) -> dict[str, object]:
        """Extra members for the problem document (RFC 9457 allows them): what a client needs to act."""
        return {}


class NotFound(DomainError):
    code = "not_found"
    http_status = 404


class InvalidInput(DomainError):
    code = "invalid_input"
    http_status = 422


class Conflict(DomainError):
    """The request clashes with what is on file: a duplicate, or an edit of a version that is no longer current."""

    code = "conflict"
    http_status = 409
