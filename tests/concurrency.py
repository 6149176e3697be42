"""Running a test's work on several threads at once, and collecting what went wrong on them."""

from __future__ import annotations

import threading
from collections.abc import Callable


def failures_in_threads(work: Callable[[int], None], threads: int) -> list[BaseException]:
    """Run work(0) … work(threads - 1) on threads of their own, all started before any is joined; what each
    raised, for the test to assert on (an exception on a thread would otherwise only be printed)."""
    failures: list[BaseException] = []

    def guarded(n: int) -> None:
        try:
            work(n)
        except BaseException as error:
            failures.append(error)

    started = [threading.Thread(target=guarded, args=(n,)) for n in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join()
    return failures
