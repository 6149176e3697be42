"""What is wrong with a knowledge file, said so that the person editing it can find the spot.

Every problem is located by a path into the YAML document (as pydantic reports it) and printed as
FILE: ENTRY: FIELD: MESSAGE, e.g. "regimens.yaml: entry 'ac' (#1): phases[0].cycle_days: Input should be
greater than 0". Entries count from #1 as a person counts them; field indexes count from 0 as the path syntax
does (phases[0] is the first phase).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import ValidationError

Loc = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    loc: Loc
    message: str


class KnowledgeError(Exception):
    """A knowledge file that cannot be used. `problems` holds one located sentence per fault."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(self.problems))


def from_validation_error(error: ValidationError) -> list[Problem]:
    return [Problem(tuple(detail["loc"]), detail["msg"]) for detail in error.errors(include_url=False)]


def describe(file_name: str, label: str, document: object, problem: Problem) -> str:
    """One located sentence. `label` is what the reader knows the file by (a name, or an override's path)."""
    entry, field_loc = _split_entry(file_name, document, problem.loc)
    parts = [label, *([entry] if entry else []), *([_path(field_loc)] if field_loc else []), problem.message]
    return ": ".join(parts)


def _split_entry(file_name: str, document: object, loc: Loc) -> tuple[str, Loc]:
    """Separate the entry a location falls in (a list item or a top-level section) from the field path."""
    if not loc or not isinstance(document, dict) or loc[0] not in document:
        return "", loc
    section, value = loc[0], document[loc[0]]
    if isinstance(value, list) and len(loc) > 1 and isinstance(loc[1], int):
        position = loc[1]
        # The file's main list ("regimens" in regimens.yaml) goes unnamed; a second list is named.
        main_list = section == file_name.removesuffix(".yaml")
        where = f"#{position + 1}" if main_list else f"{section} #{position + 1}"
        ident = _identifier(value[position] if 0 <= position < len(value) else None)
        entry = f"entry '{ident}' ({where})" if ident else f"entry {where}"
        return entry, loc[2:]
    if isinstance(value, dict):
        return f"entry '{section}'", loc[1:]
    return "", loc


def _identifier(item: object) -> str | None:
    if isinstance(item, dict):
        for key in ("id", "code"):
            value = item.get(key)
            if isinstance(value, str) and value:
                return value
    return None


def _path(loc: Loc) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
