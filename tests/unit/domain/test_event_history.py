"""Each calendar event's revision count (iCalendar SEQUENCE) across the versions of a plan."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from exohair.domain.event_history import EventStatus, Snapshot, event_history, snapshot_of

T0 = datetime(2027, 3, 1, 9, tzinfo=UTC)
D = date(2027, 4, 1)


def _at(hours: int) -> datetime:
    return T0 + timedelta(hours=hours)


def test_an_event_that_never_moves_keeps_sequence_0_however_many_versions_follow() -> None:
    snapshots = [Snapshot({"baseline": D, "cycle 2": D + timedelta(21)}, _at(n)) for n in range(5)]
    states = event_history(snapshots)
    assert {key: state.sequence for key, state in states.items()} == {"baseline": 0, "cycle 2": 0}
    assert states["baseline"].changed_at == _at(0)  # unchanged since it first appeared
    assert states["baseline"].status is EventStatus.SCHEDULED


def test_each_move_of_an_event_is_one_revision_and_only_that_event_is_revised() -> None:
    states = event_history([
        Snapshot({"a": D, "b": D}, _at(0)),
        Snapshot({"a": D + timedelta(7), "b": D}, _at(1)),
        Snapshot({"a": D + timedelta(9), "b": D}, _at(2)),
    ])  # fmt: skip
    assert (states["a"].sequence, states["a"].day, states["a"].changed_at) == (2, D + timedelta(9), _at(2))
    assert (states["b"].sequence, states["b"].changed_at) == (0, _at(0))


def test_an_event_withdrawn_while_still_to_come_is_cancelled_with_one_more_revision() -> None:
    states = event_history([
        Snapshot({"a": D, "b": D}, _at(0), horizon=D - timedelta(30)),
        Snapshot({"b": D}, _at(1), horizon=D - timedelta(10)),
        Snapshot({"b": D}, _at(2), horizon=D - timedelta(5)),
    ])  # fmt: skip
    assert states["a"] == states["a"].__class__(D, 1, EventStatus.CANCELLED, _at(1))  # not bumped again at _at(2)


def test_an_event_left_out_because_its_day_passed_is_not_cancelled() -> None:
    states = event_history([Snapshot({"a": D}, _at(0)), Snapshot({}, _at(1), horizon=D + timedelta(1))])
    assert (states["a"].status, states["a"].sequence) == (EventStatus.PASSED, 0)


def test_an_event_that_comes_back_after_a_withdrawal_is_revised_again() -> None:
    states = event_history([Snapshot({"a": D}, _at(0)), Snapshot({}, _at(1)), Snapshot({"a": D}, _at(2))])
    assert (states["a"].status, states["a"].sequence) == (EventStatus.SCHEDULED, 2)


def test_a_key_given_twice_in_one_snapshot_keeps_its_first_day() -> None:
    assert snapshot_of([("a", D), ("a", D + timedelta(1))], T0).dates == {"a": D}


@given(st.lists(st.dictionaries(st.sampled_from("abcd"), st.integers(0, 3)), min_size=1, max_size=8))
def test_sequence_never_falls_and_counts_at_most_one_revision_per_version(versions: list[dict[str, int]]) -> None:
    """Replaying the versions one at a time, no event's SEQUENCE ever goes down, and it rises by at most one per
    version: a calendar app applying the files in order always accepts the newer one."""
    snapshots = [Snapshot({k: D + timedelta(v) for k, v in dates.items()}, _at(n)) for n, dates in enumerate(versions)]
    before: dict[str, int] = {}
    for count in range(1, len(snapshots) + 1):
        now = {key: state.sequence for key, state in event_history(snapshots[:count]).items()}
        for key, sequence in now.items():
            assert before.get(key, 0) <= sequence <= before.get(key, 0) + 1
        before = now
