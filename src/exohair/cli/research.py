"""`exohair research export`: the de-identified research tables (CSV, Parquet or REDCap) into a directory or a zip."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer

from exohair.cli.console import clinic_database, fail, knowledge, out
from exohair.features.research.formats import ExportFormat

research = typer.Typer(help="De-identified exports for research (docs/research-exports.md).", no_args_is_help=True)


@research.command("export")
def export_command(
    out_path: Path = typer.Option(..., "--out", help="A directory (made if missing), or a file ending in .zip."),
    export_format: ExportFormat = typer.Option(ExportFormat.CSV, "--format", help="csv, parquet or redcap."),
    clinic: str | None = typer.Option(None, "--clinic", help="Clinic name (needed when there are several)."),
    force: bool = typer.Option(False, "--force", help="Replace files of an earlier export with the same names."),
) -> None:
    """Export the patients whose registry consent stands, de-identified, with the data dictionary."""
    from exohair.features.accounts.service import choose_clinic
    from exohair.features.clinic_settings.knowledge import clinic_knowledge
    from exohair.features.research.service import operator_research_export

    zipped = out_path.suffix.lower() == ".zip"
    parent = out_path.parent if zipped or not out_path.exists() else out_path
    if not parent.is_dir():
        raise typer.BadParameter(f"{parent} is not a directory", param_hint="--out")
    sessions = clinic_database()
    with sessions() as session:
        home = choose_clinic(session, clinic)
        known = clinic_knowledge(session, home.id, knowledge())
        export = operator_research_export(session, home.id, known, export_format, at=datetime.now(UTC))
        targets = [out_path] if zipped else [out_path / name for name in export.files]
        existing = [str(path) for path in targets if path.exists()]
        if existing and not force:
            fail(f"Not replacing {', '.join(existing)}: choose another --out, or --force to replace.")
        session.commit()  # the audit entry, once it is certain the files will be written
    try:
        if zipped:
            out_path.write_bytes(export.zipped())
        else:
            out_path.mkdir(exist_ok=True)
            for name, data in export.files.items():
                (out_path / name).write_bytes(data)
    except OSError as error:
        fail(f"cannot write {out_path}: {error.strerror or error}")
    out.print(
        f"Wrote {len(export.files)} files ({export_format.value}) to {out_path}: "
        + ", ".join(f"{count} {table.replace('_', ' ')}" for table, count in export.rows.items())
        + "."
    )
