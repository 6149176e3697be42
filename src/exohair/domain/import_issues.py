"""What an import found wrong with the records it was given, one sentence per entry, and the refusal that carries
them all. Imports are all-or-nothing: any error refuses the whole import unless the user accepts a partial one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from exohair.domain.errors import DomainError


class Severity(StrEnum):
    ERROR = "error"  # the entry could not be used, and it mattered: the import is refused unless partial is accepted
    WARNING = "warning"  # used, with a caveat the user should read (a guess made, a value left out)
    SKIPPED = "skipped"  # not used, by design (a resource type exohair does not read, another condition's drug)


@dataclass(frozen=True, slots=True)
class EntryIssue:
    """One problem with one entry of what was imported; `index` is None for the import as a whole."""

    severity: Severity
    index: int | None  # 0-based position of the entry
    where: str  # the entry's fullUrl, else "<resourceType>/<id>", else "" for the whole import
    message: str  # one sentence a person can act on
    code: str = "unusable_entry"

    def as_json(self) -> dict[str, object]:
        return {"severity": self.severity.value, "entry": self.index, "where": self.where, "code": self.code,
                "message": self.message}  # fmt: skip

    def line(self) -> str:
        at = f"entry {self.index}" if self.index is not None else "the bundle"
        where = f" ({self.where})" if self.where else ""
        return f"{self.severity.value}: {at}{where}: {self.message}"


def errors_of(issues: Sequence[EntryIssue]) -> list[EntryIssue]:
    return [issue for issue in issues if issue.severity is Severity.ERROR]


class ImportRefused(DomainError):
    """Nothing was imported. `issues` holds every problem found, so the user can fix them all at once.

    `partial_possible` says whether accepting a partial import would let the rest in (it would not when the
    bundle itself is unreadable, or holds no patient, or two).
    """

    code = "import_refused"
    http_status = 422

    def __init__(self, message: str, issues: Sequence[EntryIssue], *, partial_possible: bool) -> None:
        super().__init__(message)
        self.issues = tuple(issues)
        self.partial_possible = partial_possible

    def extensions(self) -> dict[str, object]:
        return {"partial_possible": self.partial_possible, "issues": [issue.as_json() for issue in self.issues]}
