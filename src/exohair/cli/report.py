"""`exohair report --out report.html [--pdf report.pdf]`: the clinic's registry report as a file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer

from exohair.cli.console import clinic_database, knowledge, out


def report_command(
    out_file: Path | None = typer.Option(None, "--out", help="Write the report as a self-contained HTML file."),
    pdf_file: Path | None = typer.Option(None, "--pdf", help="Write the report as PDF (WeasyPrint)."),
    clinic: str | None = typer.Option(None, "--clinic", help="Clinic name (needed when there are several)."),
) -> None:
    """Write the registry report: success rates, time to regrowth, adjusted protocol comparisons, lot safety."""
    # Imported here, as in the other database commands: `exohair plan` must not pay for pandas and lifelines.
    from exohair.features.accounts.service import choose_clinic
    from exohair.features.analytics.html import report_file, report_pdf
    from exohair.features.analytics.report import operator_report
    from exohair.features.clinic_settings.knowledge import clinic_knowledge

    if out_file is None and pdf_file is None:
        raise typer.BadParameter(
            "say where to write the report: --out FILE.html and/or --pdf FILE.pdf", param_hint="--out"
        )
    for path in (out_file, pdf_file):
        if path is not None and not path.parent.is_dir():
            raise typer.BadParameter(f"{path.parent} is not a directory", param_hint="--out/--pdf")
    sessions = clinic_database()
    with sessions() as session:
        home = choose_clinic(session, clinic)
        base = knowledge()
        report = operator_report(session, home.id, clinic_knowledge(session, home.id, base), at=datetime.now(UTC))
        session.commit()  # the audit entry of the read
    if out_file is not None:
        out_file.write_text(report_file(report), encoding="utf-8")
        out.print(f"Wrote {out_file} ({report.patients} patients in the registry).")
    if pdf_file is not None:
        pdf_file.write_bytes(report_pdf(report))
        out.print(f"Wrote {pdf_file}.")
