from django.urls import path

from permissions.views import cases, charter

app_name = "permissions"

urlpatterns = [
    path("charte/signer/", charter.sign, name="charter_sign"),
    path("partenariats/", charter.index, name="index"),
    path("partenariats/<int:pk>/charte/", charter.charter_manage, name="charter_manage"),
    path("partenariats/<int:pk>/membres/", charter.memberships, name="memberships"),
    path("membres/<int:pk>/fin/", charter.membership_end, name="membership_end"),
    path("situations/<int:pk>/partages/", cases.disclosures, name="disclosures"),
    path(
        "situations/<int:pk>/partages/<int:disclosure_pk>/revoquer/",
        cases.disclosure_revoke_view,
        name="disclosure_revoke",
    ),
    path("situations/<int:pk>/acces/", cases.access_log, name="access_log"),
]
