from casework.models.bilan import Bilan
from casework.models.case import Case, CaseMotif, ReferenceSequence
from casework.models.deadline import PendingStep
from casework.models.information import PersonInformation
from casework.models.journal import JournalEntry
from casework.models.measures import (
    CddfReferral,
    Decision,
    MeasureStatus,
    RappelALOrdre,
    ReferentDesignation,
)
from casework.models.partnership import Cell, Institution, Membership, Partnership, StepDeadline
from casework.models.retention import PurgeReport
from casework.models.territory import Arrondissement, Commune, Departement, TribunalJudiciaire
from casework.models.user import User
from casework.models.youth import Youth

__all__ = [
    "Arrondissement",
    "Bilan",
    "Case",
    "CaseMotif",
    "CddfReferral",
    "Cell",
    "Commune",
    "Decision",
    "Departement",
    "Institution",
    "JournalEntry",
    "MeasureStatus",
    "Membership",
    "Partnership",
    "PendingStep",
    "PersonInformation",
    "PurgeReport",
    "RappelALOrdre",
    "ReferenceSequence",
    "ReferentDesignation",
    "StepDeadline",
    "TribunalJudiciaire",
    "User",
    "Youth",
]
