"""What Django's admin site exposes: reference data and accounts, nothing about youths.

The admin site is part of the access policy, so it is decided here, in one
place. Registered: the territory, partnerships, cells, institutions, step
deadlines, user accounts and non-managed groups. Deliberately NOT registered,
so that /admin/ answers 404 for them even to a superuser: youths, cases,
journal, bilans, decisions and measures, disclosures, charters and
signatures, memberships (coordinators manage those in the app, where every
change is logged), the access log and guardian's object permissions.

Accounts: the permission groups that `permissions.services` manages (cell
members, coordinators, institutions) are neither shown nor assignable here,
only a superuser may grant superuser status or per-user permissions, and an
account manager cannot change their own institution or rights: otherwise
they could give themself access to case data.
"""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from viewflow.workflow.models import Process, Task

from casework.models import (
    Arrondissement,
    Cell,
    Commune,
    Departement,
    Institution,
    Partnership,
    StepDeadline,
    TribunalJudiciaire,
    User,
)
from permissions.services import MANAGED_GROUP_REGEX


@admin.register(Departement)
class DepartementAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Arrondissement)
class ArrondissementAdmin(admin.ModelAdmin):
    list_display = ["name", "departement"]
    list_filter = ["departement"]


@admin.register(TribunalJudiciaire)
class TribunalJudiciaireAdmin(admin.ModelAdmin):
    list_display = ["name", "departement"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["name", "insee_code", "arrondissement", "tribunal"]
    list_filter = ["arrondissement", "tribunal"]
    search_fields = ["name", "insee_code"]


class StepDeadlineInline(admin.TabularInline):
    model = StepDeadline
    extra = 0


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code", "is_active"]
    filter_horizontal = ["communes"]
    inlines = [StepDeadlineInline]


@admin.register(Cell)
class CellAdmin(admin.ModelAdmin):
    list_display = ["name", "partnership", "kind", "strict_need_to_know", "is_active"]
    list_filter = ["partnership", "kind"]
    filter_horizontal = ["communes"]


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "departement"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(User)
class AccountAdmin(UserAdmin):
    list_display = ["username", "last_name", "first_name", "institution", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "institution__kind"]
    fieldsets = (
        *UserAdmin.fieldsets[:1],
        ("Identité", {"fields": ("first_name", "last_name", "email", "institution")}),
        ("Droits", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )

    def get_readonly_fields(self, request, obj=None):
        readonly = ["last_login", "date_joined"]
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions"]
            if obj is not None and obj.pk == request.user.pk:
                # An institution of the parquet, the PJJ or the SPIP reads the
                # cases disclosed to it: an account manager does not choose
                # their own, nor their own rights.
                readonly += ["institution", "is_active", "is_staff", "groups"]
        return readonly

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
for _model in (Process, Task):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(Group)
class AccountGroupAdmin(GroupAdmin):
    def get_queryset(self, request):
        return super().get_queryset(request).exclude(name__regex=MANAGED_GROUP_REGEX)
