"""Who the demo clinic treats: forty patients across every state a clinician should be able to click through.

Days are offsets from the clinic's today (negative: in the past), so the clinic looks the same, and alive,
whenever the demo is loaded. Each chart says what happened to the patient; the stories module makes it happen
through the services, and the planner decides the session dates, exactly as for a real patient.

The first two are the typical patients of the foundation tests (tests/integration/test_typical_patients.py):
a woman with stage II breast cancer starting AC → weekly paclitaxel in 14 days, who begins priming today with
scalp cooling; and a woman who finished TC ×4 five weeks ago (first infusion 98 days ago) and starts regrowth
sessions with topical minoxidil today.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ClearancePlan = Literal["signed", "pending", "declined", "revoked", "expired", "none"]
Billing = Literal["instalments", "behind", "upfront", "estimate", "none"]


@dataclass(frozen=True, slots=True)
class Change:
    """An infusion that did not go as planned: given `delay_days` late, or skipped (delay_days None)."""

    cycle: int
    delay_days: int | None
    reason: str
    day: int = 1


@dataclass(frozen=True, slots=True)
class Adverse:
    """An adverse event after the session `key`, starting `onset_after_days` after it; resolved after
    `resolved_after_days` more days (a follow-up edit), or still open (None)."""

    key: str
    term: str
    grade: int
    relatedness: Literal["unrelated", "unlikely", "possible", "probable", "definite"]
    onset_after_days: int
    resolved_after_days: int | None
    notes: str


@dataclass(frozen=True, slots=True)
class Chart:
    given: str
    family: str
    sex: Literal["female", "male"]
    age: int
    cancer: str
    stage: str | None
    arrives: int  # first visit, days from today (0: today)
    regimen: str | None = None  # None: no chemo course on file yet
    first: int = 0  # first infusion, days from today
    protocol: str = "priming-regrowth"
    adjuncts: tuple[str, ...] = ()
    clearance: ClearancePlan = "signed"
    clearance_day: int | None = None  # revoked from, or expired after, this day (days from today)
    declined_reason: str = ""
    changes: tuple[Change, ...] = ()
    cancel: tuple[tuple[str, str], ...] = ()  # (session key, why it was cancelled)
    override: str | None = None  # the one session a clinician performed although the gate refused
    adverse: tuple[Adverse, ...] = ()
    consents: str = "T"  # T treatment, R registry, P photos
    withdraws_photos: int | None = None  # photo consent withdrawn on this day (days from today)
    portal: str | None = None  # the portal account's handle, for patients who use the portal
    billing: Billing = "instalments"
    product: int = 0  # which product line the clinic uses for this patient (0: the main one)
    conditions: tuple[str, ...] = ()
    anticoagulated: bool = False
    aga_stage: str | None = None


_NEUTROPENIA = "ANC 900/µL on the day of infusion; postponed a week by the oncology day unit."
_HAIR_AE = "Mild erythema and tenderness at the injection sites; cool compresses; no treatment needed."

CHARTS: tuple[Chart, ...] = (
    # --- the two typical patients of the foundation tests ---
    Chart("Ana", "Reyes", "female", 48, "Breast cancer", "IIA", arrives=0, regimen="ac-t", first=14,
          adjuncts=("scalp-cooling",), consents="TRP", portal="ana.reyes"),
    Chart("Beth", "Walsh", "female", 55, "Breast cancer", "IB", arrives=0, regimen="tc", first=-98,
          protocol="regrowth-only", adjuncts=("minoxidil",), clearance="pending", consents="TR", portal="beth.walsh"),
    # --- before chemotherapy ---
    Chart("Priya", "Nair", "female", 44, "Breast cancer", "IIB", arrives=-20, regimen="tc", first=5,
          consents="TRP", aga_stage="Ludwig I"),
    Chart("Helen", "Kowalski", "female", 52, "Breast cancer", "IIA", arrives=-14, regimen="ac", first=9,
          protocol="priming-in-cycle-regrowth", adjuncts=("scalp-cooling",), consents="TR"),
    Chart("Grace", "Mensah", "female", 39, "Breast cancer, HER2+", "IIIA", arrives=-3, regimen="tchp", first=21,
          adjuncts=("scalp-cooling",), clearance="pending"),
    Chart("Claire", "Dubois", "female", 57, "Breast cancer", "IIIB", arrives=-6, regimen="fec-d", first=16,
          clearance="declined", billing="estimate",
          declined_reason="Staging CT shows indeterminate liver lesions; not cleared until restaging is complete."),
    Chart("Fiona", "Byrne", "female", 61, "Ovarian cancer", "IIIC", arrives=-2, regimen="carbo-pacli", first=18,
          protocol="priming-in-cycle-regrowth", clearance="pending", consents="TRP"),
    Chart("Mei", "Tanaka", "female", 46, "Breast cancer", "IIB", arrives=-10, regimen="tc-6", first=10,
          adjuncts=("scalp-cooling",), consents="TR", product=1),
    Chart("Sofia", "Rossi", "female", 35, "Breast cancer", "IIA", arrives=-1, regimen="ec", first=25,
          clearance="none", billing="estimate"),
    # --- in chemotherapy ---
    Chart("Laura", "Schmidt", "female", 50, "Breast cancer", "IIB", arrives=-121, regimen="ac-t", first=-100,
          protocol="priming-in-cycle-regrowth", adjuncts=("scalp-cooling",), consents="TRP",
          changes=(Change(2, 7, _NEUTROPENIA), Change(6, 7, "Grade 2 peripheral neuropathy; paclitaxel held a week.")),
          override="in_cycle-c3"),
    Chart("Aisha", "Bello", "female", 42, "Breast cancer", "IIA", arrives=-50, regimen="tc", first=-30,
          changes=(Change(2, 4, "Infusion unit closed for a public holiday."),), consents="TR"),
    Chart("Nadia", "Haddad", "female", 47, "Breast cancer, triple negative", "IIB", arrives=-80, regimen="tac",
          first=-60, protocol="priming-in-cycle-regrowth",
          changes=(Change(3, 7, "Febrile neutropenia after cycle 2; G-CSF added."),), consents="TRP",
          adverse=(Adverse("priming-2", "Injection site reaction", 1, "probable", 0, 3, _HAIR_AE),)),
    Chart("Emma", "Larsen", "female", 38, "Breast cancer", "IIA", arrives=-28, regimen="dd-ac", first=-28,
          protocol="regrowth-only", adjuncts=("minoxidil",), product=1),
    Chart("Robert", "Fischer", "male", 64, "Colon cancer", "III", arrives=-50, regimen="folfox", first=-56,
          protocol="regrowth-only", billing="upfront",
          changes=(Change(4, None, "Oxaliplatin regimen held: platelets 62,000/µL."),)),
    Chart("Joanna", "Price", "female", 59, "Breast cancer", "IIIA", arrives=-65, regimen="fec100", first=-42,
          protocol="priming-in-cycle-regrowth", clearance="revoked", clearance_day=-5, consents="TR"),
    Chart("Ingrid", "Olsen", "female", 55, "Breast cancer", "IIA", arrives=-40, regimen="cmf", first=-45,
          protocol="regrowth-only", changes=(Change(2, 7, "ANC 1,100/µL on day 8.", day=8),)),
    Chart("David", "Cohen", "male", 68, "Bladder cancer", "II", arrives=-18, regimen="gem-cis", first=-20,
          protocol="regrowth-only", billing="estimate"),
    Chart("Chloe", "Martin", "female", 45, "Breast cancer, HER2+", "IIA", arrives=-70, regimen="tch", first=-50,
          adjuncts=("scalp-cooling",), consents="TRP", product=1),
    Chart("Yuki", "Sato", "female", 51, "Breast cancer, HER2+", "I", arrives=-52, regimen="apt", first=-35,
          adjuncts=("scalp-cooling",),
          changes=(Change(4, 7, "Grade 2 peripheral neuropathy; dose held a week."),)),
    Chart("Rachel", "Green", "female", 41, "Breast cancer", "IIIA", arrives=-100, regimen="ddac-ddt", first=-84,
          changes=(Change(5, 7, "Grade 3 neutropenia."),), consents="TR", billing="behind"),
    Chart("Lucia", "Fernandez", "female", 49, "Breast cancer", "IIB", arrives=-60, regimen="ec", first=-40,
          protocol="priming-in-cycle-regrowth", consents="TRP",
          cancel=(("in_cycle-c1", "Patient unwell with a cold; temperature 38.2 °C on the morning."),)),
    Chart("Marek", "Novak", "male", 66, "Small-cell lung cancer", "limited", arrives=-25, regimen="cis-etop",
          first=-30, protocol="regrowth-only", billing="estimate"),
    Chart("Hannah", "Weber", "female", 53, "Breast cancer", "IIA", arrives=-85, regimen="fec100", first=-65,
          protocol="priming-in-cycle-regrowth", consents="TRP", withdraws_photos=-12,
          changes=(Change(3, 3, "No chair at the day unit; moved three days."),),
          adverse=(Adverse("in_cycle-c1", "Headache", 2, "unlikely", 1, None,
                           "Headache the evening after the session; paracetamol; ongoing at last contact."),)),
    Chart("Olivia", "Brown", "female", 58, "Breast cancer", "IIB", arrives=-62, regimen="tc-6", first=-45,
          protocol="priming-in-cycle-regrowth", adjuncts=("scalp-cooling",), anticoagulated=True, consents="TR"),
    Chart("Karim", "Aziz", "male", 57, "Rectal cancer", "III", arrives=-10, regimen="folfiri", first=-70,
          protocol="regrowth-only", adjuncts=("minoxidil",), aga_stage="Norwood III", billing="estimate"),
    # --- after chemotherapy ---
    Chart("Margaret", "Hughes", "female", 54, "Breast cancer", "IIB", arrives=-250, regimen="ac-t", first=-230,
          protocol="priming-in-cycle-regrowth", adjuncts=("scalp-cooling",), consents="TRP",
          changes=(Change(3, 7, _NEUTROPENIA),),
          adverse=(Adverse("regrowth-1", "Scalp pain", 1, "probable", 0, 2, _HAIR_AE),)),
    Chart("Elena", "Popescu", "female", 47, "Breast cancer", "IA", arrives=-60, regimen="tc", first=-140,
          protocol="regrowth-only", consents="TR"),
    Chart("Susan", "Clarke", "female", 66, "Breast cancer", "IIA", arrives=-170, regimen="ac", first=-150,
          consents="TRP", billing="upfront", aga_stage="Ludwig II"),
    Chart("Amara", "Okafor", "female", 40, "Breast cancer", "IIA", arrives=-50, regimen="dd-tc", first=-100,
          protocol="regrowth-only", adjuncts=("minoxidil",), consents="TR", product=1),
    Chart("Julia", "Novak", "female", 49, "Breast cancer", "IIB", arrives=-190, regimen="tc-6", first=-170,
          adjuncts=("scalp-cooling",), consents="TRP"),
    Chart("Nora", "Lindgren", "female", 56, "Breast cancer", "IIIA", arrives=-200, regimen="fec-d", first=-180,
          protocol="priming-in-cycle-regrowth", changes=(Change(4, 7, _NEUTROPENIA),), consents="TR", product=1),
    Chart("Patricia", "Moore", "female", 60, "Breast cancer", "IIA", arrives=-40, regimen="ec", first=-120,
          protocol="regrowth-only", billing="behind"),
    Chart("Diane", "Foster", "female", 52, "Breast cancer, triple negative", "IIIA", arrives=-220, regimen="tac",
          first=-200, clearance="expired", clearance_day=-15, consents="TRP"),
    Chart("Irene", "Costa", "female", 63, "Ovarian cancer", "IIC", arrives=-40, regimen="carbo-pacli", first=-160,
          protocol="regrowth-only", adjuncts=("minoxidil",), consents="TR"),
    Chart("Paul", "Murphy", "male", 61, "Colon cancer", "III", arrives=-20, regimen="capox", first=-175,
          protocol="regrowth-only", adjuncts=("minoxidil",), aga_stage="Norwood II"),
    Chart("Rosa", "Jimenez", "female", 45, "Breast cancer", "IIA", arrives=-130, regimen="ac", first=-110,
          adjuncts=("scalp-cooling",), consents="TRP", product=1),
    # --- no chemo course on file yet ---
    Chart("Tom", "Becker", "male", 29, "Hodgkin lymphoma", "IIA", arrives=-3, clearance="none",
          conditions=("haematological_malignancy",), consents="", billing="none"),
    Chart("Lina", "Hassan", "female", 41, "Breast cancer", "IIA", arrives=-1, clearance="none", consents="R",
          billing="none"),
    Chart("Carmen", "Ortiz", "female", 67, "Breast cancer", "I", arrives=0, clearance="none", consents="",
          aga_stage="Ludwig I", billing="none"),
    Chart("Greta", "Vogel", "female", 58, "Ovarian cancer", "IIIB", arrives=-7, clearance="pending", billing="none"),
)  # fmt: skip
