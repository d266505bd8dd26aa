"""The demo shows every charter rule: v2 unsigned by nonsigne.arras, active and expired disclosures."""

from casework.demo import seed_demo_world
from casework.models import Case, Membership, Partnership, User
from permissions.access import pending_charters
from permissions.models import Disclosure
from permissions.services import ADMINISTRATORS_GROUP, current_charter
from permissions.visibility import Representation, representation_for, visible_cases


def test_demo_charter_disclosures_and_admin_group():
    seed_demo_world()
    counts = (Disclosure.objects.count(), User.objects.get(username="coord.arras").charter_signatures.count())
    seed_demo_world()  # idempotent
    assert (
        Disclosure.objects.count(),
        User.objects.get(username="coord.arras").charter_signatures.count(),
    ) == counts

    arras = Partnership.objects.get(name="CLSPD d'Arras")
    charter = current_charter(arras)
    assert charter.version == 2
    members = User.objects.filter(
        memberships__in=Membership.objects.current().filter(partnership=arras)
    ).distinct()
    unsigned = {u.username for u in members if pending_charters(u)}
    assert unsigned == {"nonsigne.arras"}
    assert list(visible_cases(User.objects.get(username="nonsigne.arras"))) == []

    for username, kind in (("magistrat.arras", "parquet"), ("pjj.arras", "pjj")):
        user = User.objects.get(username=username)
        shares = Disclosure.objects.filter(institution__kind=kind)
        active, expired = list(shares.active()), list(shares.exclude(pk__in=[d.pk for d in shares.active()]))
        assert len(active) == 1 and len(expired) == 1, username
        assert representation_for(user, active[0].case) == Representation.SCOPED_SUMMARY
        assert representation_for(user, expired[0].case) is None

    assert User.objects.get(username="admin").groups.filter(name=ADMINISTRATORS_GROUP).exists()
    assert list(visible_cases(User.objects.get(username="admin"))) == []
    assert list(visible_cases(User.objects.get(username="prefecture"))) == []
    assert Case.objects.exists()
