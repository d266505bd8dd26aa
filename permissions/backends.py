"""The session authentication backend: Django's ModelBackend, loading the
user's institution with the user.

Every page asks whether its user is an agent of a préfecture (the menu's
indicators and charter-report entries): with the institution joined to the
one query that loads the user, the answer costs no query.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class InstitutionModelBackend(ModelBackend):
    def get_user(self, user_id):
        user = get_user_model()._default_manager.select_related("institution").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
