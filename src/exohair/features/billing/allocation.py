"""Which instalments the money received has paid: payments go to the deposit, then the instalments, in order.

Pure arithmetic on plain integers (cents) and dates, so it can be property-tested without a database. A payment
is not tied to one instalment: whatever has been paid in total covers the schedule from the top, the way a
patient paying late or in odd amounts expects to be counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Due:
    """One amount the plan asks for. Number 0 is the deposit; instalments count from 1."""

    number: int
    due_on: date
    amount_cents: int


@dataclass(frozen=True, slots=True)
class AllocatedDue:
    number: int
    due_on: date
    amount_cents: int
    covered_cents: int  # the part of the payments received that went to this due

    @property
    def outstanding_cents(self) -> int:
        return self.amount_cents - self.covered_cents

    @property
    def covered(self) -> bool:
        return self.covered_cents >= self.amount_cents


@dataclass(frozen=True, slots=True)
class Allocation:
    dues: tuple[AllocatedDue, ...]
    payable_cents: int  # the sum of every due
    paid_cents: int  # every payment received toward the plan

    @property
    def balance_cents(self) -> int:
        """payable − paid; negative when more was received than the plan asks for (a credit)."""
        return self.payable_cents - self.paid_cents

    @property
    def next_due(self) -> AllocatedDue | None:
        """The first due not fully covered, or None once everything is paid."""
        return next((d for d in self.dues if not d.covered), None)

    def overdue(self, today: date) -> tuple[AllocatedDue, ...]:
        """Dues whose day has passed (a due is payable through its day) and that payments do not yet cover."""
        return tuple(d for d in self.dues if d.due_on < today and not d.covered)


def allocate_payments(dues: Sequence[Due], paid_cents: int) -> Allocation:
    """Cover `dues` in the order given with `paid_cents`: each takes min(its amount, what is left), so
    Σ covered = min(paid, payable) and every due before a partly covered one is fully covered.

    Raises ValueError for a negative amount: schedules and payments on file never hold one.
    """
    if paid_cents < 0:
        raise ValueError(f"paid_cents must be zero or more, not {paid_cents}")
    left = paid_cents
    allocated = []
    for due in dues:
        if due.amount_cents < 0:
            raise ValueError(f"due {due.number} has a negative amount ({due.amount_cents} cents)")
        covered = min(due.amount_cents, left)
        left -= covered
        allocated.append(AllocatedDue(due.number, due.due_on, due.amount_cents, covered))
    payable = sum(d.amount_cents for d in dues)
    return Allocation(tuple(allocated), payable, paid_cents)
