"""Run the real `exohair` console script in a subprocess, as a clinic would.

`run(*args)` returns a `Run` (exit code, stdout, stderr); `run_many([...])` runs several command lines at once
(subprocess start-up dominates, so the catalogue and error tables are run in parallel). Every run gets COLUMNS=120
and no EXOHAIR_* settings, unless a test passes `env=` to add its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, NamedTuple

import pytest

EXOHAIR = Path(sys.executable).with_name("exohair")
TIMEOUT_SECONDS = 60

# The reference course of the README: AC then weekly paclitaxel from Monday 1 March 2027.
REFERENCE = ("--regimen", "ac-t", "--first-infusion", "2027-03-01", "--protocol", "priming-regrowth")


class Run(NamedTuple):
    code: int
    stdout: str
    stderr: str

    @property
    def said(self) -> str:
        """stderr as one line: Rich wraps and boxes long messages, so compare words, not layout."""
        return " ".join(self.stderr.replace("│", " ").replace("╭", " ").replace("╰", " ").split())

    @property
    def shown(self) -> str:
        """stdout as one line, likewise."""
        return " ".join(self.stdout.split())

    def json(self) -> Any:
        assert self.code == 0, f"exit {self.code}: {self.stderr}"
        return json.loads(self.stdout)


def _environment(extra: Mapping[str, str] | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXOHAIR_")}
    for name in ("FORCE_COLOR", "CLICOLOR_FORCE", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        env.pop(name, None)
    env["COLUMNS"] = "120"
    env.update(extra or {})
    return env


def run_exohair(*args: str, env: Mapping[str, str] | None = None, cwd: Path | None = None) -> Run:
    assert EXOHAIR.exists(), f"the console script is not installed next to {sys.executable}"
    done = subprocess.run(
        [str(EXOHAIR), *args],
        capture_output=True,
        env=_environment(env),
        cwd=cwd,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    return Run(done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8"))


def run_exohair_many(
    commands: Sequence[Sequence[str]],
    env: Mapping[str, str] | None = None,
    envs: Sequence[Mapping[str, str] | None] | None = None,
) -> list[Run]:
    """Run the command lines in parallel; `envs` gives each its own settings, `env` all the same ones."""
    settings = list(envs) if envs is not None else [env] * len(commands)
    assert len(settings) == len(commands)
    with ThreadPoolExecutor(max_workers=2 * (os.cpu_count() or 2)) as pool:
        return list(pool.map(lambda args, extra: run_exohair(*args, env=extra), commands, settings))


@pytest.fixture(scope="session")
def run() -> Callable[..., Run]:
    return run_exohair


@pytest.fixture(scope="session")
def run_many() -> Callable[..., list[Run]]:
    return run_exohair_many


@pytest.fixture(scope="session")
def reference_run(tmp_path_factory) -> tuple[Run, Path]:
    """`plan --format json --out FILE` of the reference course: the run, and the file it wrote."""
    target = tmp_path_factory.mktemp("reference") / "plan.json"
    return run_exohair("plan", *REFERENCE, "--format", "json", "--out", str(target)), target


@pytest.fixture(scope="session")
def reference_json(reference_run) -> dict[str, Any]:
    """The reference plan as JSON, shared by the JSON, iCalendar, estimate and override tests."""
    result, target = reference_run
    assert result.code == 0, result.stderr
    data: dict[str, Any] = json.loads(target.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="session")
def reference_args() -> tuple[str, ...]:
    return REFERENCE


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory, run) -> dict[str, str]:
    """A migrated database holding the demo clinic, for commands that read a clinic's records (report, fhir)."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    env = {"EXOHAIR_DATABASE_URL": f"sqlite:///{path}"}
    assert run("db", "upgrade", env=env).code == 0
    loaded = run("demo", "load", env=env)
    assert loaded.code == 0, loaded.stderr
    return env
