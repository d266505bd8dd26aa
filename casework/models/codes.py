"""Coded lists (domain.md §3). Minimal free text: the CNIL found subjective
comments in such files, so everything that can be coded is coded."""

from django.db import models


class Motif(models.TextChoices):
    ABSENTEISME = "absenteisme", "Absentéisme / décrochage scolaire"
    INCIVILITES = "incivilites", "Incivilités"
    VOISINAGE = "voisinage", "Troubles du voisinage"
    GROUPE = "groupe", "Groupe perturbateur"
    PRIMO = "primo", "Primo-délinquance"
    REITERATION = "reiteration", "Réitération"
    SORTIE_DETENTION = "sortie_detention", "Sortie de détention"


class Profil(models.TextChoices):
    DECROCHEUR = "decrocheur", "Décrocheur scolaire"
    PRIMO = "primo_delinquant", "Primo-délinquant"
    REITERANT = "reiterant", "Réitérant / récidiviste"
    SORTANT = "sortant_prison", "Sortant de prison"


class PlanMeasure(models.TextChoices):
    M1 = "1", "Mesure 1 – jeunes de 16 à 25 ans sortis du système scolaire"
    M2 = "2", "Mesure 2 – prévention de la primo-délinquance"
    M3 = "3", "Mesure 3 – prévention de la récidive"


class Orientation(models.TextChoices):
    RAPPEL_ORDRE = "rappel_ordre", "Rappel à l'ordre"
    CDDF = "cddf", "Conseil des droits et devoirs des familles"
    REFERENT = "referent", "Référent de parcours"
    RECIDIVE = "recidive", "Prévention de la récidive (PJJ/SPIP)"


class ClosureReason(models.TextChoices):
    CLASSEMENT = "classement", "Classement / orientation de droit commun"
    OBJECTIFS = "objectifs_atteints", "Objectifs atteints"
    REFUS = "refus_adhesion", "Refus d'adhésion"
    DEMENAGEMENT = "demenagement", "Déménagement"
    PRISE_EN_CHARGE = "prise_en_charge_exclusive", "Prise en charge exclusive ASE / judiciaire"
    PERDU_DE_VUE = "perdu_de_vue", "Perdu de vue"
    AGE_LIMITE = "25_ans", "25 ans atteints"


class ClassementReason(models.TextChoices):
    """Why the cell files a signalement without a measure (Décision de classement)."""

    DROIT_COMMUN = "droit_commun", "Orientation vers le droit commun"
    HORS_CHAMP = "hors_champ", "Hors du champ du dispositif"
    DEJA_SUIVI = "deja_suivi", "Déjà suivi par ailleurs"
    SANS_SUITE = "sans_suite", "Situation apaisée, sans suite"


class ContactType(models.TextChoices):
    ENTRETIEN_JEUNE = "entretien_jeune", "Entretien avec le jeune"
    ENTRETIEN_FAMILLE = "entretien_famille", "Entretien avec la famille"
    ORIENTATION = "orientation", "Orientation"
    ACCOMPAGNEMENT = "accompagnement", "Accompagnement"


class Domain(models.TextChoices):
    SCOLARITE = "scolarite", "Scolarité / formation"
    EMPLOI = "emploi", "Emploi"
    SANTE = "sante", "Santé – orientation effectuée"
    LOGEMENT = "logement", "Logement"
    LOISIRS = "loisirs", "Loisirs"
    PARENTALITE = "parentalite", "Parentalité"
    JUSTICE = "justice", "Justice"


class Adhesion(models.TextChoices):
    BONNE = "bonne", "Adhésion"
    PARTIELLE = "partielle", "Adhésion partielle"
    REFUS = "refus", "Refus"


class Situation(models.TextChoices):
    SCOLARISE = "scolarise", "Scolarisé"
    FORMATION = "formation", "En formation"
    EMPLOI = "emploi", "En emploi"
    SANS_SOLUTION = "sans_solution", "Sans solution"


def age_band(age: int) -> str:
    """Indicator age bands (domain.md §5)."""
    if age < 16:
        return "12-15"
    if age < 18:
        return "16-17"
    return "18-25"
