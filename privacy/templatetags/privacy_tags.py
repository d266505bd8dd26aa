from django import template

from permissions.access import is_signed_coordinator_of
from permissions.visibility import Representation

register = template.Library()


@register.inclusion_tag("privacy/includes/case_actions.html", takes_context=True)
def privacy_case_actions(context, case):
    """Data-protection actions on a case file: break-the-glass request for a member who sees
    the cell summary, right-of-access PDF for the partnership's coordinator."""
    user = context["request"].user
    representation = getattr(case, "representation", None)
    return {
        "case": case,
        "can_break_glass": representation == Representation.CELL_SUMMARY.value,
        "break_glass_active": getattr(case, "break_glass", False),
        # Coordinators always read the full file: one query, and only for them.
        "can_subject_access": representation == Representation.FULL.value
        and case.youth_id is not None
        and is_signed_coordinator_of(user, case.partnership_id),
    }
