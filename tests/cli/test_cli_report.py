"""`exohair report`: the registry report as a self-contained HTML file and as PDF, audited like the page."""

from __future__ import annotations

import re


def test_it_writes_the_report_as_html_and_pdf(run, demo_database, tmp_path):
    html, pdf = tmp_path / "report.html", tmp_path / "report.pdf"
    result = run("report", "--out", str(html), "--pdf", str(pdf), env=demo_database)
    assert result.code == 0, result.stderr
    match = re.search(r"Wrote .*report\.html \((\d+) patients in the registry\)", result.shown)
    assert match is not None
    text = html.read_text(encoding="utf-8")
    assert "<title>Registry report: exohair Demo Clinic" in text
    assert "Observational records, not a trial." in text
    assert f"<strong>{match.group(1)}</strong>" in text
    assert "<script" not in text  # a file that opens anywhere, offline: no script, no link out
    assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert run("audit", "verify", env=demo_database).code == 0


def test_it_says_where_to_write_when_told_nowhere(run, demo_database, tmp_path):
    nowhere = run("report", env=demo_database)
    assert nowhere.code == 2
    assert "--out FILE.html" in nowhere.said
    missing = run("report", "--out", str(tmp_path / "no" / "such" / "dir" / "r.html"), env=demo_database)
    assert missing.code == 2
    assert "is not a directory" in missing.said


def test_it_says_to_migrate_a_database_without_tables(run, tmp_path):
    empty = {"EXOHAIR_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}
    result = run("report", "--out", str(tmp_path / "r.html"), env=empty)
    assert result.code == 1
    assert "run `exohair db upgrade` first" in result.said
    assert "Traceback" not in result.stderr
