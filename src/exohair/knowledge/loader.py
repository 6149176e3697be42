"""Reading the knowledge files: the shipped ones, and a clinic's overrides that replace them file by file.

A shipped file that fails validation is a packaging bug and raises KnowledgeError. An override that fails
(YAML, schema, or in combination with the other files in force) is refused: the shipped file stays in force
and a sentence saying why goes into `refusals`, so a typo in a clinic's tariffs never stops the clinic.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from exohair.knowledge.knowledge import Knowledge, LoadedKnowledge
from exohair.knowledge.problems import KnowledgeError, describe, from_validation_error
from exohair.knowledge.schema import FILE_MODELS, FILE_NAMES
from exohair.knowledge.schema_agents import AgentsFile
from exohair.knowledge.schema_endpoints import EndpointsFile
from exohair.knowledge.schema_gates import GatesFile
from exohair.knowledge.schema_instruments import InstrumentsFile
from exohair.knowledge.schema_protocols import ProtocolsFile
from exohair.knowledge.schema_regimens import RegimensFile
from exohair.knowledge.schema_risk import RiskFile
from exohair.knowledge.schema_rules import CrossProblem, cross_file_problems, file_problems
from exohair.knowledge.schema_scales import ScalesFile
from exohair.knowledge.schema_tariffs import TariffsFile

M = TypeVar("M", bound=BaseModel)
# A clinic edits these in the app (admin pages); the rest are clinical reference data, changed by release.
CLINIC_EDITABLE = ("protocols.yaml", "tariffs.yaml", "instruments.yaml")


class _StrictLoader(yaml.SafeLoader):
    """Safe YAML that refuses a key given twice in one mapping (PyYAML would silently keep the last one)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, str) and key in seen:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", node.start_mark, f"key '{key}' is given twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


@dataclass(frozen=True, slots=True)
class _File:
    """One knowledge file that passed its own schema and rules."""

    name: str  # e.g. "regimens.yaml"
    label: str  # how messages name it: the name when shipped, the path when an override
    document: object  # the parsed YAML, to name entries in messages
    model: BaseModel
    text: str  # as written, comments included: where a clinic's own edit starts from


def _parse(name: str, label: str, text: str) -> _File:
    try:
        document = yaml.load(text, Loader=_StrictLoader)  # a SafeLoader subclass: no arbitrary objects
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise KnowledgeError([f"{label}: {where}not valid YAML: {error.problem or error}"]) from error
    except yaml.YAMLError as error:
        raise KnowledgeError([f"{label}: not valid YAML: {error}"]) from error
    if not isinstance(document, dict):
        raise KnowledgeError([f"{label}: expected a mapping with `version:` and the entries, found {document!r}"])
    # Top-level keys starting with "x-" only hold YAML anchors shared by several entries (as in Compose files).
    document = {key: value for key, value in document.items() if not str(key).startswith("x-")}
    try:
        model = FILE_MODELS[name].model_validate(document)
    except ValidationError as error:
        problems = from_validation_error(error)
    else:
        problems = file_problems(model)
    if problems:
        raise KnowledgeError([describe(name, label, document, problem) for problem in problems])
    return _File(name, label, document, model, text)


def _model(files: Mapping[str, _File], name: str, kind: type[M]) -> M:
    model = files[name].model
    assert isinstance(model, kind), f"{name} holds {type(model).__name__}"
    return model


def _cross_problems(files: Mapping[str, _File]) -> list[CrossProblem]:
    return cross_file_problems(_model(files, "agents.yaml", AgentsFile), _model(files, "regimens.yaml", RegimensFile))


def _sentence(files: Mapping[str, _File], found: CrossProblem) -> str:
    where = files[found.file]
    return describe(where.name, where.label, where.document, found.problem)


def _build(files: Mapping[str, _File]) -> Knowledge:
    protocols, adjuncts = _model(files, "protocols.yaml", ProtocolsFile).to_domain()
    versions = {name: str(getattr(files[name].model, "version", "")) for name in FILE_NAMES}
    return Knowledge(
        agents=_model(files, "agents.yaml", AgentsFile).to_domain(),
        regimens=_model(files, "regimens.yaml", RegimensFile).to_domain(),
        protocols=protocols,
        adjuncts=adjuncts,
        gates=_model(files, "gates.yaml", GatesFile).to_domain(),
        tariffs=_model(files, "tariffs.yaml", TariffsFile).to_domain(),
        risk_model=_model(files, "risk.yaml", RiskFile).to_domain(),
        scales=_model(files, "scales.yaml", ScalesFile).to_domain(),
        versions=versions,
        instruments=_model(files, "instruments.yaml", InstrumentsFile).to_domain(),
        endpoints=_model(files, "endpoints.yaml", EndpointsFile).to_domain(),
    )


@functools.cache
def _shipped_files() -> Mapping[str, _File]:
    data = resources.files("exohair.knowledge") / "data"
    files = {name: _parse(name, name, (data / name).read_text(encoding="utf-8")) for name in FILE_NAMES}
    problems = _cross_problems(files)
    if problems:
        raise KnowledgeError([_sentence(files, found) for found in problems])
    return files


def _read_overrides(directory: Path, refusals: list[str]) -> dict[str, _File]:
    overrides: dict[str, _File] = {}
    for path in sorted(directory.iterdir()):
        if path.name not in FILE_MODELS:
            expected = ", ".join(FILE_NAMES)
            refusals.append(f"{path}: not a knowledge file (expected one of {expected}); ignored.")
            continue
        try:
            overrides[path.name] = _parse(path.name, str(path), path.read_text(encoding="utf-8"))
        except KnowledgeError as error:
            refusals.append(f"{error}. Override refused; the shipped {path.name} stays in force.")
        except (OSError, UnicodeDecodeError) as error:
            refusals.append(
                f"{path}: cannot be read ({error}). Override refused; the shipped {path.name} stays in force."
            )
    return overrides


def _combine(shipped: Mapping[str, _File], overrides: dict[str, _File], refusals: list[str]) -> dict[str, _File]:
    """Put overrides in force together, withdrawing each one whose combination with the rest fails.

    A problem sits in one file (a regimen naming an unknown agent sits in regimens.yaml) but may be caused by
    another (an agents.yaml override that dropped the agent). The override holding the problem is withdrawn;
    if that file is the shipped one, the overrides it depends on are. The shipped set is consistent, so
    this ends.
    """
    while True:
        in_force = {**shipped, **overrides}
        problems = _cross_problems(in_force)
        if not problems:
            return in_force
        # name -> (sentences found in the override itself, sentences found in files that depend on it)
        blamed: dict[str, tuple[list[str], list[str]]] = {}
        for found in problems:
            sentence = _sentence(in_force, found)
            if found.file in overrides:
                blamed.setdefault(found.file, ([], []))[0].append(sentence)
                continue
            for name in found.depends_on:
                if name in overrides:
                    blamed.setdefault(name, ([], []))[1].append(sentence)
        if not blamed:  # cannot happen while the shipped files are consistent; never loop forever
            raise KnowledgeError([_sentence(in_force, found) for found in problems])
        for name, (own, dependent) in blamed.items():
            if own:
                refusals.append(f"{'; '.join(own)}. Override refused; the shipped {name} stays in force.")
            else:
                refusals.append(
                    f"{overrides[name].label}: override refused because files in force depend on it: "
                    f"{'; '.join(dependent)}. The shipped {name} stays in force."
                )
            del overrides[name]


def load_knowledge(override_dir: Path | None = None) -> LoadedKnowledge:
    """The shipped knowledge, with each valid file of `override_dir` replacing the shipped file of its name.

    Raises KnowledgeError only when a shipped file is broken; every fault of an override is a refusal.
    """
    shipped = _shipped_files()
    if override_dir is None:
        return LoadedKnowledge(_build(shipped), texts=_texts(shipped))
    directory = Path(override_dir)
    refusals: list[str] = []
    if not directory.is_dir():
        state = "is not a directory" if directory.exists() else "does not exist"
        refusals.append(f"{directory}: the override directory {state}; the shipped knowledge files stay in force.")
        return LoadedKnowledge(_build(shipped), tuple(refusals), _texts(shipped))
    overrides = _read_overrides(directory, refusals)
    in_force = _combine(shipped, overrides, refusals)
    return LoadedKnowledge(_build(in_force), tuple(refusals), _texts(in_force))


def _texts(files: Mapping[str, _File]) -> dict[str, str]:
    return {name: files[name].text for name in CLINIC_EDITABLE}


@functools.cache
def shipped_knowledge() -> Knowledge:
    """The shipped knowledge, loaded once per process (planning asks for it on every call)."""
    return load_knowledge().knowledge


def with_clinic_files(base: Knowledge, texts: Mapping[str, str]) -> Knowledge:
    """`base` with a clinic's own protocols.yaml, tariffs.yaml and/or instruments.yaml in force instead of its own.

    None of them takes part in the cross-file rules (those tie regimens to agents), so each is checked on its own.
    Raises KnowledgeError with one located sentence per fault, naming the file as "your protocols.yaml".
    """
    changes: dict[str, Any] = {}
    versions = dict(base.versions)
    for name, text in texts.items():
        if name not in CLINIC_EDITABLE:
            raise KnowledgeError([f"{name}: a clinic edits only {', '.join(CLINIC_EDITABLE)} in the app."])
        parsed = _parse(name, f"your {name}", text)
        versions[name] = str(getattr(parsed.model, "version", ""))
        if isinstance(parsed.model, ProtocolsFile):
            changes["protocols"], changes["adjuncts"] = parsed.model.to_domain()
        elif isinstance(parsed.model, TariffsFile):
            changes["tariffs"] = parsed.model.to_domain()
        elif isinstance(parsed.model, InstrumentsFile):
            changes["instruments"] = parsed.model.to_domain()
    return dataclasses.replace(base, **changes, versions=versions)


def shipped_texts() -> dict[str, str]:
    """The shipped editable files as written (comments included), where a clinic's first edit starts from."""
    return _texts(_shipped_files())
