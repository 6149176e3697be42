"""`exohair fhir export`: a patient's episode as a FHIR R4 Bundle, or the whole clinic as NDJSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import typer

from exohair.cli.console import clinic_database, fail, knowledge, out
from exohair.cli.fhir_report import show_issues, show_report

fhir = typer.Typer(help="FHIR R4 (4.0.1): export a patient's episode or the clinic's patients; import a patient.",
                   no_args_is_help=True)  # fmt: skip


@fhir.command("export")
def export_command(
    out_path: Path = typer.Option(..., "--out", help="A .json file for one patient; a directory with --all."),
    mrn: str | None = typer.Option(None, "--mrn", help="The patient's MRN."),
    everyone: bool = typer.Option(False, "--all", help="Every patient, as NDJSON: one file per resource type."),
    clinic: str | None = typer.Option(None, "--clinic", help="Clinic name (needed when there are several)."),
) -> None:
    """Export FHIR R4: one patient's Bundle (--mrn M --out file.json) or every patient (--all --out DIR)."""
    from exohair.features.accounts.service import choose_clinic
    from exohair.features.clinic_settings.knowledge import clinic_knowledge
    from exohair.features.fhir.service import operator_bulk, operator_bundle
    from exohair.features.patients.repository import by_mrn

    if (mrn is None) == (not everyone):
        raise typer.BadParameter("give either --mrn MRN or --all", param_hint="--mrn/--all")
    target = out_path if everyone else out_path.parent
    if not target.is_dir():
        raise typer.BadParameter(f"{target} is not a directory", param_hint="--out")
    sessions = clinic_database()
    at = datetime.now(UTC)
    with sessions() as session:
        home = choose_clinic(session, clinic)
        known = clinic_knowledge(session, home.id, knowledge())
        if mrn is not None:
            patient = by_mrn(session, home.id, mrn)
            if patient is None:
                fail(f"No patient with MRN {mrn} in {home.name}.")
            bundle = operator_bundle(session, patient, known, at=at)
            session.commit()  # the audit entry of the export
            out_path.write_text(json.dumps(bundle, ensure_ascii=False, indent=1), encoding="utf-8")
            out.print(f"Wrote {out_path}: a FHIR R4 Bundle of {len(bundle['entry'])} resources.")
            return
        by_type = operator_bulk(session, home.id, known, at=at)
        session.commit()
    for kind, resources in sorted(by_type.items()):
        lines = (json.dumps(resource, ensure_ascii=False) for resource in resources)
        (out_path / f"{kind}.ndjson").write_text("\n".join(lines) + "\n", encoding="utf-8")
    patients = len(by_type.get("Patient", []))
    out.print(f"Wrote {len(by_type)} NDJSON files to {out_path} ({patients} patients).")


@fhir.command("import")
def import_command(
    file: Path = typer.Argument(..., help="A FHIR R4 Bundle (transaction or collection) of one patient, as JSON."),
    account: str = typer.Option(..., "--as", help="E-mail of the coordinator or clinician the import is made by."),
    accept_partial: bool = typer.Option(False, "--accept-partial", help="Import what can be used; leave out the rest."),
    preview: bool = typer.Option(False, "--preview", help="Say what would be imported, and write nothing."),
    clinic: str | None = typer.Option(None, "--clinic", help="Clinic name (needed when there are several)."),
) -> None:
    """Import a patient and her chemotherapy from a FHIR R4 Bundle; the regimen is inferred from drugs and dates."""
    from exohair.domain.access import Actor, Role
    from exohair.domain.errors import DomainError
    from exohair.domain.import_issues import ImportRefused
    from exohair.features.accounts.service import choose_clinic, find_user
    from exohair.features.clinic_settings.knowledge import clinic_knowledge
    from exohair.features.fhir.importing import import_bundle

    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise typer.BadParameter(f"cannot read {file}: {error}", param_hint="FILE") from None
    try:
        data = json.loads(text)
    except ValueError as error:
        fail(f"{file} is not JSON ({error}), so it cannot be a FHIR Bundle. Nothing was imported.")
    sessions = clinic_database()
    with sessions() as session:
        try:
            home = choose_clinic(session, clinic)
            user = find_user(session, home, account)
            actor = Actor(user.id, user.clinic_id, Role(user.role), user.patient_id, "cli")
            report = import_bundle(session, actor, data, clinic_knowledge(session, home.id, knowledge()),
                                   at=datetime.now(UTC), accept_partial=accept_partial, preview=preview)  # fmt: skip
        except ImportRefused as refused:
            session.rollback()
            show_issues(refused.issues, to_stderr=True)
            hint = " Run again with --accept-partial to import the rest." if refused.partial_possible else ""
            fail(f"{refused.message}{hint}")
        except DomainError as error:
            session.rollback()
            fail(error.message)
        if not preview:
            session.commit()
    show_report(report.as_json())
