"""What Django's admin site exposes: reference data and accounts, nothing about youths.

The admin site is part of the access policy, so it is decided here, in one
place. Registered: the territory, partnerships, cells, institutions, step
deadlines, user accounts and non-managed groups. Deliberately NOT registered,
so that /admin/ answers 404 for them even to a superuser: youths, cases,
journal, bilans, decisions and measures, disclosures, charters and
signatures, memberships (coordinators manage those in the app, where every
change is logged), the access log and guardian's object permissions.

Neither are API tokens (rest_framework.authtoken) nor TOTP devices
(django_otp): minting a token for someone, or adding a device to their
account, is logging in as them. Users get a token from /api/v1/auth/token/
(password and second factor) and enrol a device on their own 2FA pages.

Accounts: the permission groups that `permissions.services` manages (cell
members, coordinators, institutions) are neither shown nor assignable here,
only a superuser may grant superuser or staff status or per-user
permissions, and an account manager cannot change their own institution or
rights: otherwise they could give themself access to case data. Nor can an
account manager attach an account to a parquet, the PJJ or a SPIP (its
agents read the cases disclosed to the institution), nor change another
account that only a superuser manages (superusers, staff, agents of those
institutions): choosing someone's password is logging in as them.

What the product's own screens change through a service (re-syncing grants)
is read-only here once it matters: a cell's partnership and strict
need-to-know, the kind of an institution in use. Institutions of the
parquet, the PJJ or a SPIP (coordinators share case summaries with them) are
created and changed by a superuser only.

Deleting: every ModelAdmin here derives from `CountsOnlyDeletion`, whose
confirmation pages (one object or "delete selected") name only the objects
chosen and count what hangs off them. Django would list each related youth
by name and each case by reference, to whoever may delete a commune.

Groups: no group is created or renamed here under a managed group's name
(grants follow those names), and the managed groups themselves are read-only.
"""

import re
from collections import Counter

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import NestedObjects, unquote
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission
from django.db import router
from django.shortcuts import redirect
from django.utils.text import capfirst
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import TokenProxy
from viewflow.workflow.models import Process, Task

from casework.models import (
    Arrondissement,
    Cell,
    Commune,
    Departement,
    Institution,
    Membership,
    Partnership,
    StepDeadline,
    TribunalJudiciaire,
    User,
)
from permissions.services import MANAGED_GROUP_REGEX, cell_members_group, coordinators_group

CELL_RIGHTS_LOCKED = (
    "Le partenariat et le « besoin d'en connaître strict » d'une cellule existante ne se changent pas ici : "
    "les droits de lecture de ses situations en dépendent. Le besoin d'en connaître strict se règle dans "
    "l'application, menu « Séances », par un coordonnateur du partenariat : les droits y sont recalculés aussitôt."
)
INSTITUTION_KIND_LOCKED = (
    "Le type d'une institution à laquelle des comptes, des membres ou des partages sont rattachés ne se change "
    "pas : il décide des droits de ses agents (situations partagées, référents, indicateurs). "
    "Créez une nouvelle institution et rattachez-y les comptes."
)
DISCLOSABLE_KIND_REFUSED = (
    "Seul un superutilisateur crée ou modifie une institution du parquet, de la PJJ ou du SPIP : "
    "les coordonnateurs lui partagent des situations."
)
DISCLOSABLE_INSTITUTION_REFUSED = (
    "Seul un superutilisateur rattache un compte au parquet, à la PJJ ou au SPIP : "
    "ses agents lisent les situations partagées avec l'institution."
)
ACCOUNT_RESERVED = (
    "Compte en lecture seule : seul un superutilisateur modifie les superutilisateurs, les comptes "
    "d'administration et les comptes du parquet, de la PJJ ou du SPIP."
)
PASSWORD_RESERVED = (
    "Seul un superutilisateur change le mot de passe de ce compte (superutilisateur, compte "
    "d'administration, agent du parquet, de la PJJ ou du SPIP, ou membre en fonction d'un partenariat : "
    "il lit des situations)."
)
DELETION_PROTECTED = (
    "Suppression impossible : des données y sont encore rattachées (décompte ci-dessous). "
    "Leur détail n'est pas affiché ici : il nommerait des jeunes ou des situations."
)
MANAGED_GROUP_NAME_REFUSED = (
    "Ce nom est réservé aux groupes que l'application gère (« cellule: », « partenariat: », "
    "« institution: ») : leurs membres lisent des situations, selon leur siège et la charte signée. "
    "Choisissez un autre nom."
)


PERMISSION_VERBS = {"add": "ajouter", "change": "modifier", "delete": "supprimer", "view": "voir"}


def permission_label(permission: Permission) -> str:
    """« Suivi des situations | jeune | Peut voir »: Django stores its default
    permissions' names in English (« Can view jeune »); other names are kept."""
    action, _, model = permission.codename.partition("_")
    verb = PERMISSION_VERBS.get(action) if model == permission.content_type.model else None
    return f"{permission.content_type} | {f'Peut {verb}' if verb else permission.name}"


class FrenchPermissionLabels:
    """Mixin: permissions are listed with French labels (`permission_label`)."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.related_model is Permission:
            field.label_from_instance = permission_label
        return field


def reserved_to_superusers(account: User) -> bool:
    """Accounts only a superuser may change: other administrators, and the
    agents who read disclosed cases (their password is their cases)."""
    return (
        account.is_superuser
        or account.is_staff
        or (account.institution_id is not None and account.institution.kind in Institution.DISCLOSABLE_KINDS)
    )


class CountsOnlyDeletion:
    """Mixin of every ModelAdmin of this site: deletion pages count related objects, never name them.

    Django's delete page and its "delete selected" action list each cascaded or
    protected related object by `str()`, without asking whether the user may
    see it: deleting a commune, a partnership, a cell or an institution would
    show an account manager the youths' names and the case references behind
    it. `get_deleted_objects` keeps Django's contract, a tuple
    (to_delete, model_count, perms_needed, protected):

    - to_delete names only the objects chosen (the changelist shows them anyway);
    - model_count counts what would be deleted, per model, as Django does;
    - perms_needed holds the registered models whose objects the user may not
      delete, as Django computes it;
    - protected is non-empty exactly when Django's is, so the deletion is still
      refused, and holds one "<Modèles> : <n>" line per model; an error message
      (in French) says why.
    """

    def get_deleted_objects(self, objs, request):
        chosen = list(objs)
        if not chosen:
            return [], {}, set(), []
        collector = NestedObjects(using=router.db_for_write(self.model), origin=objs)
        collector.collect(objs)
        perms_needed = set()
        for model, instances in collector.model_objs.items():
            if self.admin_site.is_registered(model):
                model_admin = self.admin_site.get_model_admin(model)
                if not all(model_admin.has_delete_permission(request, obj) for obj in instances):
                    perms_needed.add(model._meta.verbose_name)
        model_count = {
            model._meta.verbose_name_plural: len(instances)
            for model, instances in collector.model_objs.items()
        }
        protected_count = Counter(str(capfirst(obj._meta.verbose_name_plural)) for obj in collector.protected)
        protected = [f"{name} : {count}" for name, count in sorted(protected_count.items())]
        if protected:
            messages.error(request, DELETION_PROTECTED)
        to_delete = [f"{capfirst(obj._meta.verbose_name)} : {obj}" for obj in chosen]
        return to_delete, model_count, perms_needed, protected


class SiteModelAdmin(CountsOnlyDeletion, admin.ModelAdmin):
    """The base of this site's plain ModelAdmins (see `CountsOnlyDeletion`)."""


@admin.register(Departement)
class DepartementAdmin(SiteModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Arrondissement)
class ArrondissementAdmin(SiteModelAdmin):
    list_display = ["name", "departement"]
    list_filter = ["departement"]


@admin.register(TribunalJudiciaire)
class TribunalJudiciaireAdmin(SiteModelAdmin):
    list_display = ["name", "departement"]


@admin.register(Commune)
class CommuneAdmin(SiteModelAdmin):
    list_display = ["name", "insee_code", "arrondissement", "tribunal"]
    list_filter = ["arrondissement", "tribunal"]
    search_fields = ["name", "insee_code"]


class StepDeadlineInline(admin.TabularInline):
    model = StepDeadline
    extra = 0


@admin.register(Partnership)
class PartnershipAdmin(SiteModelAdmin):
    list_display = ["name", "kind", "code", "is_active"]
    search_fields = ["name", "code"]
    # A search, not a list: the communes table holds every commune of France (~35,000).
    autocomplete_fields = ["communes"]
    inlines = [StepDeadlineInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            # Its coordinators' group exists from the start: no other group can
            # take that name (AccountGroupForm refuses it as well).
            coordinators_group(obj)


@admin.register(Cell)
class CellAdmin(SiteModelAdmin):
    """Switching strict need-to-know goes through `meetings.services.cell_need_to_know_set`
    (the Séances screen), which re-syncs every grant of the cell's cases; a save here
    would not. A new cell has no case yet, so both fields are free on creation."""

    list_display = ["name", "partnership", "kind", "strict_need_to_know", "is_active"]
    list_filter = ["partnership", "kind"]
    autocomplete_fields = ["partnership", "communes"]
    fields = ["partnership", "name", "kind", "communes", "strict_need_to_know", "is_active"]

    def get_readonly_fields(self, request, obj=None):
        return ["partnership", "strict_need_to_know"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            # Its signed members' group exists from the start: no other group
            # can take that name (AccountGroupForm refuses it as well).
            cell_members_group(obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None:
            fieldsets = [(None, {**fieldsets[0][1], "description": CELL_RIGHTS_LOCKED})]
        return fieldsets


def institution_in_use(institution: Institution) -> bool:
    return institution.agents.exists() or institution.memberships.exists() or institution.disclosures.exists()


@admin.register(Institution)
class InstitutionAdmin(SiteModelAdmin):
    """An institution's kind decides its agents' rights (`user_sync_groups`, référent
    eligibility, préfecture aggregates): it is fixed once accounts, seats or disclosures
    point at the institution, rather than re-synced from a save here."""

    list_display = ["name", "kind", "departement"]
    list_filter = ["kind"]
    search_fields = ["name"]
    fields = ["name", "kind", "departement", "tribunal"]

    def has_change_permission(self, request, obj=None):
        # Coordinators share case summaries with the parquet, the PJJ and the
        # SPIP: an account manager neither names such an institution nor
        # renames one (the share form would list a lookalike).
        if obj is not None and obj.kind in Institution.DISCLOSABLE_KINDS and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.kind in Institution.DISCLOSABLE_KINDS and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "kind" and not request.user.is_superuser:
            # Neither offered nor accepted: a posted parquet/PJJ/SPIP is an invalid choice.
            kwargs["choices"] = [
                (value, label)
                for value, label in db_field.get_choices(include_blank=False)
                if value not in Institution.DISCLOSABLE_KINDS
            ]
            kwargs["error_messages"] = {"invalid_choice": DISCLOSABLE_KIND_REFUSED}
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return ["kind"] if obj is not None and institution_in_use(obj) else []

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if "kind" in self.get_readonly_fields(request, obj):
            fieldsets = [(None, {**fieldsets[0][1], "description": INSTITUTION_KIND_LOCKED})]
        return fieldsets


@admin.register(User)
class AccountAdmin(CountsOnlyDeletion, FrenchPermissionLabels, UserAdmin):
    list_display = ["username", "last_name", "first_name", "institution", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "institution__kind"]
    fieldsets = (
        *UserAdmin.fieldsets[:1],
        ("Identité", {"fields": ("first_name", "last_name", "email", "institution")}),
        ("Droits", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or request.user.is_superuser or obj.pk == request.user.pk:
            return True
        # Also closes the password form (UserAdmin checks this permission there).
        return not reserved_to_superusers(obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and not self.has_change_permission(request, obj):
            messages.info(request, ACCOUNT_RESERVED)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def user_change_password(self, request, id, form_url=""):
        account = self.get_object(request, unquote(id))
        if account is not None and self.has_view_permission(request, account):
            if not self.has_change_permission(request, account) or (
                not request.user.is_superuser
                and account.pk != request.user.pk
                and Membership.objects.current().filter(user=account).exists()
            ):
                # A seated member reads case files: choosing their password
                # (before they enrol a second factor) is reading those files.
                messages.error(request, PASSWORD_RESERVED)
                return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", account.pk)
        return super().user_change_password(request, id, form_url)

    def get_readonly_fields(self, request, obj=None):
        readonly = ["last_login", "date_joined"]
        if not request.user.is_superuser:
            readonly += ["is_superuser", "is_staff", "user_permissions"]
            if obj is not None and obj.pk == request.user.pk:
                # An institution of the parquet, the PJJ or the SPIP reads the
                # cases disclosed to it: an account manager does not choose
                # their own, nor their own rights.
                readonly += ["institution", "is_active", "groups"]
        return readonly

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "institution" and not request.user.is_superuser:
            # Neither offered nor accepted: a posted parquet/PJJ/SPIP is an invalid choice.
            kwargs["queryset"] = Institution.objects.exclude(kind__in=Institution.DISCLOSABLE_KINDS)
            kwargs["error_messages"] = {"invalid_choice": DISCLOSABLE_INSTITUTION_REFUSED}
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = Group.objects.exclude(name__regex=MANAGED_GROUP_REGEX)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        # The groups widget lists only non-managed groups; keep the managed
        # ones (charter access) the user already had.
        managed = list(form.instance.groups.filter(name__regex=MANAGED_GROUP_REGEX))
        super().save_related(request, form, formsets, change)
        form.instance.groups.add(*managed)


admin.site.unregister(Group)

# viewflow registers its processes and tasks; each one points at a case (and
# the list alone tells how many parcours run), so they stay out of the admin.
# DRF's token admin and django_otp's device admin let whoever holds the admin
# log in as anyone (mint a token, read one, add a device): out too.
for _model in (Process, Task, TokenProxy, TOTPDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


def is_managed_group(group: Group) -> bool:
    """Whether `permissions.services` writes this group (the same test as the queries' `name__regex`)."""
    return re.match(MANAGED_GROUP_REGEX, group.name) is not None


class AccountGroupForm(forms.ModelForm):
    """Refuses a managed group's name, on creation and on renaming."""

    class Meta:
        model = Group
        fields = ["name", "permissions"]

    def clean_name(self):
        name = self.cleaned_data["name"]
        # Case grants go to groups found by name (`permissions.services`,
        # `representations.cells_showing_cases`): a group named here
        # "cellule:<id>:membres-signataires" would give its members the cases
        # of that cell, with no seat nor charter signature behind it.
        # Case-insensitive, so that no lookalike passes for a managed group
        # in the accounts' groups widget either.
        if re.match(MANAGED_GROUP_REGEX, name, re.IGNORECASE):
            raise forms.ValidationError(MANAGED_GROUP_NAME_REFUSED, code="managed_group_name")
        return name


@admin.register(Group)
class AccountGroupAdmin(CountsOnlyDeletion, FrenchPermissionLabels, GroupAdmin):
    """Groups of the account managers' own making; the managed ones (written by
    `user_sync_groups` only) are neither listed, changed nor deleted here."""

    form = AccountGroupForm

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(name__regex=MANAGED_GROUP_REGEX)

    def has_change_permission(self, request, obj=None):
        # get_queryset already hides them; this holds should a page reach one anyway.
        if obj is not None and is_managed_group(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and is_managed_group(obj):
            return False
        return super().has_delete_permission(request, obj)


# Admins of the apps listed before this one (django-axes' lockout records) get
# the same deletion pages: each is wrapped, its own behaviour kept. An app
# listed after `permissions` that registers an admin fails
# tests/permissions/test_admin.py instead of slipping through.
for _model, _model_admin in list(admin.site._registry.items()):
    if not isinstance(_model_admin, CountsOnlyDeletion):
        admin.site.unregister(_model)
        admin.site.register(
            _model, type(type(_model_admin).__name__, (CountsOnlyDeletion, type(_model_admin)), {})
        )
