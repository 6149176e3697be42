"""How `exohair fhir import` prints its report: plain lines, the issues grouped so a Synthea bundle's hundreds of
entries not read make a few lines rather than a screenful."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from rich.markup import escape

from exohair.cli.console import err, out
from exohair.domain.import_issues import EntryIssue, Severity


def show_report(report: Mapping[str, Any]) -> None:
    verb = "Would import" if report["preview"] else "Imported"
    patient = report["patient"]
    out.print(f"{verb} patient MRN {escape(patient['mrn'])} ({'new' if patient['created'] else 'updated'}) from a "
              f"{report['bundle']['type']} bundle of {report['bundle']['entries']} entries.")  # fmt: skip
    regimen = report["regimen"]
    if regimen is None:
        out.print("No chemotherapy in the bundle: the patient's record only.")
    elif regimen["matched"]:
        out.print(f"Regimen: {escape(str(regimen['name']))} — confidence {regimen['confidence_label']} "
                  f"({regimen['confidence']:.2f}), first infusion {regimen['first_infusion']}.")  # fmt: skip
    else:
        out.print("Regimen: none matched; the chemotherapy was not imported.")
    for line in regimen["evidence"] if regimen else ():
        out.print(f"  - {escape(line)}")
    plan = report["plan"]
    adjuncts = ", ".join(plan["adjuncts"]) or "none"
    out.print(f"Plan: protocol {plan['protocol']}, adjuncts {adjuncts}.")
    if report["infusions_recorded"]:
        out.print("Infusions recorded: " + "; ".join(report["infusions_recorded"]) + ".")
    created = ", ".join(f"{name.replace('_', ' ')} {count}" for name, count in report["created"].items())
    out.print(f"{'Would create' if report['preview'] else 'Created'}: {created}.")
    show_issues([_issue(i) for i in report["issues"]], to_stderr=False)
    if report["preview"]:
        out.print("Preview only: nothing was written.")


def show_issues(issues: Iterable[EntryIssue], *, to_stderr: bool) -> None:
    """One line per distinct problem, with the entries it concerns."""
    grouped: dict[tuple[str, str], list[str]] = defaultdict(list)
    for issue in issues:
        where = "the bundle" if issue.index is None else f"{issue.index}" + (f" {issue.where}" if issue.where else "")
        grouped[(issue.severity.value, issue.message)].append(where)
    console = err if to_stderr else out
    for (severity, message), places in sorted(grouped.items(), key=lambda item: _order(item[0][0])):
        shown = ", ".join(places[:5]) + (f" and {len(places) - 5} more" if len(places) > 5 else "")
        label = "entry" if len(places) == 1 and places[0] != "the bundle" else "entries"
        at = "the bundle" if places == ["the bundle"] else f"{label} {shown}"
        console.print(f"{severity}: {escape(at)}: {escape(message)}")


def _order(severity: str) -> int:
    return {"error": 0, "warning": 1, "skipped": 2}.get(severity, 3)


def _issue(data: Mapping[str, Any]) -> EntryIssue:
    return EntryIssue(Severity(data["severity"]), data["entry"], data["where"], data["message"], data["code"])
