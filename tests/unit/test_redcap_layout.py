"""REDCap's layouts from a research table, without a database: names REDCap accepts, coded values, one record's
own row before its repeating rows, and refusals for what REDCap would refuse on import."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from exohair.interop.research.columns import Column, Table
from exohair.interop.research.redcap import Instrument, redcap_dictionary, redcap_records, redcap_repeating

PEOPLE = (
    Column("people", "person", "string", "Pseudonym", "pseudonym"),
    Column("people", "sex", "string", "Sex", allowed=("female", "male")),
    Column("people", "smoker", "boolean", "Smokes"),
)
VISITS = (
    Column("visits", "person", "string", "Pseudonym", "pseudonym"),
    Column("visits", "seen_on", "date", "Day", "shifted"),
    Column("visits", "score", "integer", "Score", range=(0, 4)),
    Column("visits", "sites", "string", "Sites", allowed=("a", "b"), many=True),
)


def _instruments(visits: list[dict] | None = None) -> list[Instrument]:
    people = Table("people", PEOPLE, [{"person": "R-2", "sex": "male", "smoker": False},
                                      {"person": "R-1", "sex": "female", "smoker": True}])  # fmt: skip
    rows = visits if visits is not None else [
        {"person": "R-1", "seen_on": date(2027, 1, 2), "score": 3, "sites": "a+b"},
        {"person": "R-1", "seen_on": date(2027, 2, 2), "score": None, "sites": None},
    ]  # fmt: skip
    return [Instrument("person", "p_", people, "person"), Instrument("visit", "v_", Table("visits", VISITS, rows),
                                                                      "person", "[v_seen_on]")]  # fmt: skip


def test_records_put_each_record_before_its_repeating_rows_with_coded_values():
    records = list(csv.reader(io.StringIO(redcap_records(_instruments()).decode())))
    assert records == [
        ["record_id", "redcap_repeat_instrument", "redcap_repeat_instance", "p_sex", "p_smoker", "v_seen_on",
         "v_score", "v_sites"],
        ["R-2", "", "", "2", "0", "", "", ""],
        ["R-1", "", "", "1", "1", "", "", ""],
        ["R-1", "visit", "1", "", "", "2027-01-02", "3", "a+b"],
        ["R-1", "visit", "2", "", "", "2027-02-02", "", ""],
    ]  # fmt: skip


def test_the_dictionary_types_each_column_as_redcap_does():
    rows = list(csv.reader(io.StringIO(redcap_dictionary(_instruments(), record_label="Person").decode())))
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["record_id"][:5] == ["record_id", "person", "", "text", "Person"]
    assert by_name["p_sex"][3:6] == ["radio", "Sex", "1, female | 2, male"]
    assert by_name["p_smoker"][3] == "yesno"
    assert (by_name["v_seen_on"][3], by_name["v_seen_on"][7]) == ("text", "date_ymd")
    assert by_name["v_score"][7:10] == ["integer", "0", "4"]
    assert by_name["v_sites"][6] == "several of a, b, joined by +"
    assert by_name["v_seen_on"][17] == "De-identification: shifted"
    assert redcap_repeating(_instruments()).decode().splitlines() == ["form_name,custom_form_label",
                                                                       "visit,[v_seen_on]"]  # fmt: skip


def test_a_repeating_row_whose_record_has_no_row_of_its_own_is_refused():
    with pytest.raises(ValueError, match="no row of their own"):
        redcap_records(_instruments([{"person": "R-9", "seen_on": None, "score": None, "sites": None}]))


def test_a_variable_name_redcap_would_refuse_is_refused():
    long = Column("people", "a_name_far_too_long_for_redcap", "string", "x")
    people = Table("people", (*PEOPLE, long), [])
    with pytest.raises(ValueError, match="at most 26"):
        redcap_dictionary([Instrument("person", "p_", people, "person")], record_label="Person")
