import pytest

from permissions.representations import ALL_SECTIONS, policy_for
from permissions.visibility import Representation


def test_full_shows_every_section():
    assert policy_for("full").sections == ALL_SECTIONS


@pytest.mark.parametrize("representation", ["cell_summary", "scoped_summary"])
@pytest.mark.parametrize("section", ["journal", "free_text", "bilans", "source", "disclosures"])
def test_summaries_never_show_the_file(representation, section):
    assert section not in policy_for(representation)


def test_cell_summary_sections():
    policy = policy_for(Representation.CELL_SUMMARY)
    for section in ("identity", "age", "commune", "motifs", "profil", "orientations", "status"):
        assert section in policy
    for section in ("overdue", "referent", "bilan_outcomes", "reference"):
        assert section in policy
    assert "measures" not in policy
    assert "dates" not in policy


def test_scoped_summary_sections():
    policy = policy_for(Representation.SCOPED_SUMMARY)
    for section in ("identity", "dates", "orientations", "measures", "status", "reference"):
        assert section in policy
    for section in ("commune", "motifs", "referent", "overdue", "bilan_outcomes"):
        assert section not in policy


def test_unknown_section_is_an_error_not_a_silent_no():
    with pytest.raises(KeyError):
        "jornal" in policy_for("full")  # noqa: B015


def test_no_representation_has_no_policy():
    with pytest.raises(ValueError):
        policy_for(None)
