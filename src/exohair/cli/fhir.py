"""`exohair fhir export`: a patient's episode as a FHIR R4 Bundle, or the whole clinic as NDJSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import typer

from exohair.cli.console import fail, knowledge, out
from exohair.config import get_settings

fhir = typer.Typer(help="FHIR R4 (4.0.1): export a patient's episode, or the clinic's patients in bulk.",
                   no_args_is_help=True)  # fmt: skip


@fhir.command("export")
def export_command(
    out_path: Path = typer.Option(..., "--out", help="A .json file for one patient; a directory with --all."),
    mrn: str | None = typer.Option(None, "--mrn", help="The patient's MRN."),
    everyone: bool = typer.Option(False, "--all", help="Every patient, as NDJSON: one file per resource type."),
    clinic: str | None = typer.Option(None, "--clinic", help="Clinic name (needed when there are several)."),
) -> None:
    """Export FHIR R4: one patient's Bundle (--mrn M --out file.json) or every patient (--all --out DIR)."""
    from sqlalchemy import inspect

    from exohair.db.engine import make_engine, make_sessions
    from exohair.features.accounts.service import choose_clinic
    from exohair.features.clinic_settings.knowledge import clinic_knowledge
    from exohair.features.fhir.service import operator_bulk, operator_bundle
    from exohair.features.patients.repository import by_mrn

    if (mrn is None) == (not everyone):
        raise typer.BadParameter("give either --mrn MRN or --all", param_hint="--mrn/--all")
    target = out_path if everyone else out_path.parent
    if not target.is_dir():
        raise typer.BadParameter(f"{target} is not a directory", param_hint="--out")
    engine = make_engine(get_settings().database_url)
    if not inspect(engine).has_table("clinics"):
        fail("The database has no tables yet: run `exohair db upgrade` first.")
    at = datetime.now(UTC)
    with make_sessions(engine)() as session:
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
