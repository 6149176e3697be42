"""The demo clinic's past: patients whose chemotherapy ended months ago, so the Evidence page has a registry to
analyse and "patients like you" has patients to count.

They are charts like the forty of the roster (roster.py), made from a seeded generator and replayed through the
same stories and services: registered, consented, cleared, planned, treated or observed, assessed at the visits
their plan asked for. About a third are followed under observation only (scalp cooling or nothing), as
comparators. Their hair is scored by demo/outcomes.py, which depends on the chemotherapy and scalp cooling only,
never on the exosome protocol: the demo registry shows no effect of the therapy, which no trial has shown.
"""

from __future__ import annotations

import random

from exohair.features.demo.roster import Chart

HISTORY_PATIENTS = 90
_GIVEN = ("Alice", "Bianca", "Carmen", "Dana", "Elif", "Farah", "Gwen", "Hana", "Irene", "Jade", "Kira", "Lena",
          "Maya", "Nora", "Olga", "Paula", "Rosa", "Sara", "Tara", "Uma", "Vera", "Wanda", "Xenia", "Zoe")  # fmt: skip
_FAMILY = ("Abbott", "Brennan", "Castillo", "Doyle", "Eriksen", "Farouk", "Gallo", "Hughes", "Ibrahim",
           "Jensen", "Keller", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Petrov", "Quinn", "Ramos", "Silva",
           "Torres")  # fmt: skip
# Breast regimens mostly, as in the scalp-cooling studies (clinical.md §1c), and a few others of each risk class.
_REGIMENS = (("tc", 14), ("ac-t", 12), ("ac", 8), ("ec", 6), ("fec-d", 6), ("tc-6", 5), ("carbo-pacli", 4),
             ("cmf", 4), ("folfiri", 2), ("folfox", 2), ("capox", 1))  # fmt: skip
_PROTOCOLS = (("priming-regrowth", 34), ("observation-only", 33), ("priming-in-cycle-regrowth", 18),
              ("regrowth-only", 15))  # fmt: skip


def history_charts(seed: int, count: int = HISTORY_PATIENTS) -> tuple[Chart, ...]:
    """`count` past patients: first seen 230-520 days ago, chemotherapy starting two to three weeks later."""
    rng = random.Random(f"{seed}-history")
    charts = []
    for n in range(count):
        (regimen,) = rng.choices([r for r, _ in _REGIMENS], weights=[w for _, w in _REGIMENS])
        (protocol,) = rng.choices([p for p, _ in _PROTOCOLS], weights=[w for _, w in _PROTOCOLS])
        observed = protocol == "observation-only"
        # Comparators choose scalp cooling more often: it is what they do instead.
        cooled = rng.random() < (0.45 if observed else 0.3) and regimen not in ("folfox", "capox")
        adjuncts = ("scalp-cooling",) if cooled else ()
        if not observed and protocol != "priming-in-cycle-regrowth" and rng.random() < 0.25:
            adjuncts = (*adjuncts, "minoxidil")
        arrives = -rng.randint(230, 520)  # long enough ago for most to be assessed six months after chemotherapy
        breast = regimen not in ("folfiri", "folfox", "capox", "carbo-pacli")
        chart = Chart(
            rng.choice(_GIVEN), f"{rng.choice(_FAMILY)}-{n + 1:02d}", "female", rng.randint(31, 74),
            "Breast cancer" if breast else ("Ovarian cancer" if regimen == "carbo-pacli" else "Colorectal cancer"),
            rng.choice(("I", "IIA", "IIB", "IIIA")), arrives=arrives, regimen=regimen,
            first=arrives + rng.randint(15, 21), protocol=protocol, adjuncts=adjuncts,
            clearance="none" if observed else "signed",  # no exosome session, nothing for the oncologist to clear
            consents="TR" if rng.random() < 0.9 else "T",  # most agree to the registry; some do not
            billing="none" if observed else rng.choice(("upfront", "instalments")),
        )  # fmt: skip
        charts.append(chart)
    return tuple(charts)
