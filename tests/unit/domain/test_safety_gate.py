from datetime import UTC, date, datetime, timedelta

from exohair.domain.calendar import build_chemo_calendar
from exohair.domain.patients import Condition, PatientFacts
from exohair.domain.safety import Clearance, Consent, Labs, ProductLot, SessionContext, gate_session

FIRST = date(2027, 3, 1)
ON = date(2027, 3, 20)  # cycle 1 day 20: late in the cycle, outside the nadir and the infusion buffer
AT = datetime(2027, 3, 20, 10, 0, tzinfo=UTC)
GOOD_LABS = Labs(AT - timedelta(hours=20), anc_per_ul=2100, platelets_per_ul=180000, hb_g_dl=11.8, inr=1.0)
LOT = ProductLot("ExoTest", "L-001", date(2028, 1, 1), "IND 000000")


def ready(calendar=None, **changes) -> SessionContext:
    values = {
        "facts": PatientFacts(),
        "labs": GOOD_LABS,
        "clearance": Clearance(date(2027, 2, 1), expires_on=date(2027, 12, 31)),
        "consent": Consent("v1", date(2027, 2, 1)),
        "product": LOT,
        "calendar": calendar,
    }
    values.update(changes)
    return SessionContext(**values)


def test_a_ready_patient_passes(ac_t, rules):
    result = gate_session(ready(build_chemo_calendar(ac_t, FIRST)), ON, AT, rules)
    assert result.passed, result.reasons


def test_it_refuses_a_session_in_a_nadir_window(ac_t, rules):
    nadir_day = FIRST + timedelta(days=10)
    at = datetime.combine(nadir_day, AT.timetz())
    labs = Labs(at - timedelta(hours=2), 2100, 180000, 11.8)
    result = gate_session(ready(build_chemo_calendar(ac_t, FIRST), labs=labs), nadir_day, at, rules)
    assert result.codes == {"in_nadir"}
    assert "2027-03-08 to 2027-03-15" in result.reasons[0].message


def test_it_refuses_a_session_next_to_an_infusion(ac_t, rules):
    day = FIRST + timedelta(days=22)  # cycle 2 was given the day before
    at = datetime.combine(day, AT.timetz())
    labs = Labs(at - timedelta(hours=2), 2100, 180000, 11.8)
    result = gate_session(ready(build_chemo_calendar(ac_t, FIRST), labs=labs), day, at, rules)
    assert result.codes == {"near_infusion"}


def test_it_gives_every_reason_not_only_the_first(rules):
    facts = PatientFacts(
        conditions=frozenset({Condition.SCALP_METASTASES, Condition.PREGNANCY, Condition.FEVER}), anticoagulated=True
    )
    labs = Labs(AT - timedelta(hours=100), anc_per_ul=900, platelets_per_ul=60000, hb_g_dl=9.1, inr=2.2)
    expired_unregistered = ProductLot("Grey", "G-9", date(2027, 1, 1), None)
    context = ready(facts=facts, labs=labs, clearance=None, consent=None, product=expired_unregistered)
    result = gate_session(context, ON, AT, rules)
    assert result.codes == {
        "clearance_missing",
        "consent_missing",
        "labs_stale",
        "anc_low",
        "platelets_low",
        "hb_low",
        "inr_high",
        "scalp_metastases",
        "pregnancy",
        "fever",
        "product_unregistered",
        "product_expired",
    }
    anc = next(r for r in result.reasons if r.code == "anc_low")
    assert anc.message == "ANC 900 /µL; the gate needs ≥ 1500 /µL."
    assert all(r.basis.source for r in result.reasons)


def test_the_inr_gate_applies_only_when_anticoagulated(rules):
    labs = Labs(AT - timedelta(hours=1), 2100, 180000, 11.8, inr=2.2)
    assert gate_session(ready(labs=labs), ON, AT, rules).passed
    anticoagulated = ready(labs=labs, facts=PatientFacts(anticoagulated=True))
    assert gate_session(anticoagulated, ON, AT, rules).codes == {"inr_high"}


def test_an_anticoagulated_patient_without_an_inr_is_refused(rules):
    labs = Labs(AT - timedelta(hours=1), 2100, 180000, 11.8, inr=None)
    context = ready(labs=labs, facts=PatientFacts(anticoagulated=True))
    assert gate_session(context, ON, AT, rules).codes == {"inr_missing"}


def test_a_revoked_clearance_blocks_later_sessions(rules):
    clearance = Clearance(date(2027, 2, 1), revoked_on=date(2027, 3, 10))
    assert gate_session(ready(clearance=clearance), ON, AT, rules).codes == {"clearance_revoked"}
    earlier = date(2027, 3, 5)
    at = datetime.combine(earlier, AT.timetz())
    labs = Labs(at - timedelta(hours=1), 2100, 180000, 11.8)
    assert gate_session(ready(clearance=clearance, labs=labs), earlier, at, rules).passed


def test_an_expired_clearance_and_outdated_consent_are_refused(rules):
    context = ready(
        clearance=Clearance(date(2026, 1, 1), expires_on=date(2027, 3, 1)),
        consent=Consent("v1", date(2027, 2, 1)),
        current_consent_version="v2",
    )
    result = gate_session(context, ON, AT, rules)
    assert result.codes == {"clearance_expired", "consent_outdated"}


def test_consent_without_the_treatment_scope_does_not_count(rules):
    photos_only = Consent("v1", date(2027, 2, 1), scopes=frozenset({"photos"}))
    assert gate_session(ready(consent=photos_only), ON, AT, rules).codes == {"consent_missing"}


def test_labs_exactly_at_the_age_limit_are_accepted(rules):
    labs = Labs(AT - timedelta(hours=72), 2100, 180000, 11.8)
    assert gate_session(ready(labs=labs), ON, AT, rules).passed
    older = Labs(AT - timedelta(hours=72, minutes=1), 2100, 180000, 11.8)
    assert gate_session(ready(labs=older), ON, AT, rules).codes == {"labs_stale"}


def test_thresholds_are_inclusive(rules):
    labs = Labs(AT - timedelta(hours=1), anc_per_ul=1500, platelets_per_ul=75000, hb_g_dl=10.0, inr=1.5)
    context = ready(labs=labs, facts=PatientFacts(anticoagulated=True))
    assert gate_session(context, ON, AT, rules).passed


def test_labs_dated_after_the_session_are_refused_with_a_plain_reason(rules):
    labs = Labs(AT + timedelta(hours=5), 2100, 180000, 11.8)
    result = gate_session(ready(labs=labs), ON, AT, rules)
    assert result.codes == {"labs_stale"}
    assert "dated after the session" in result.reasons[0].message
