"""How big the synthetic département is, for a given `--scale`.

Scale 1 is one département: 20 partnerships (CLSPD/CISPD), 60 cells, about
2,000 users, 100,000 cases in every state and 1,000,000 journal entries.
Smaller scales shrink every count, keeping the structure (3 cells per
partnership, cells of ~30 members) so that a cell's list looks the same.
"""

from dataclasses import dataclass

CELLS_PER_PARTNERSHIP = 3
COMMUNES_PER_CELL = 2
TRIBUNALS = 4

# Share of the cases that ends in each archetype (see bench.sample.ARCHETYPES).
# Open cases (signale/oriente/bilan) are about a quarter, as in a département
# whose older cases are closed, archived or purged.
STATE_MIX = {
    "signale": 0.05,
    "rappel_en_cours": 0.03,
    "referent_suivi": 0.10,
    "recidive_suivi": 0.02,
    "bilan": 0.03,
    "classe": 0.17,
    "clos_objectifs": 0.18,
    "multi_clos": 0.07,
    "archive": 0.25,
    "purge": 0.10,
}


@dataclass(frozen=True)
class Plan:
    scale: float
    partnerships: int
    users: int
    cases: int
    journal_entries: int

    @property
    def cells(self) -> int:
        return self.partnerships * CELLS_PER_PARTNERSHIP

    @classmethod
    def for_scale(cls, scale: float) -> "Plan":
        if scale <= 0:
            raise ValueError("--scale doit être strictement positif.")
        partnerships = max(2, round(20 * min(scale, 1.0)))
        # A cell needs a few members whatever the scale (coordinator, référents, members).
        users = max(round(2000 * scale), partnerships * (4 + CELLS_PER_PARTNERSHIP * 8))
        cases = max(round(100_000 * scale), 20)
        return cls(
            scale=scale,
            partnerships=partnerships,
            users=users,
            cases=cases,
            journal_entries=max(round(1_000_000 * scale), cases),
        )
