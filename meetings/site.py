"""The "Séances" application of the viewflow site (drawer menu).

Open to every signed-in user: coordinators manage the séances of their
partnership, members read the relevés of the séances they attended; each
page scopes what it shows (404 otherwise).
"""

from django.urls import path
from viewflow.urls import Application

from meetings.views import agenda, attendance, decisions, releve, seances


class SeancesApp(Application):
    title = "Séances"
    icon = "groups"
    app_name = "seances"
    menu_template_name = "meetings/includes/app_menu.html"
    permission = staticmethod(lambda user: user.is_authenticated)

    index_path = path("", seances.seance_list, name="index")
    create_path = path("nouvelle/", seances.seance_create, name="create")
    detail_path = path("<int:pk>/", seances.seance_detail, name="detail")
    close_path = path("<int:pk>/cloture/", seances.seance_close_view, name="close")
    reschedule_path = path("<int:pk>/deplacer/", seances.seance_reschedule, name="reschedule")
    cancel_path = path("<int:pk>/annuler/", seances.seance_cancel, name="cancel")
    propose_path = path("<int:pk>/ordre-du-jour/propositions/", agenda.propose_all, name="propose")
    item_add_path = path("<int:pk>/ordre-du-jour/ajout/", agenda.item_add, name="item-add")
    item_remove_path = path(
        "<int:pk>/ordre-du-jour/<int:item_pk>/retrait/", agenda.item_remove, name="item-remove"
    )
    item_move_path = path(
        "<int:pk>/ordre-du-jour/<int:item_pk>/deplacement/", agenda.item_move, name="item-move"
    )
    item_postpone_path = path(
        "<int:pk>/ordre-du-jour/<int:item_pk>/report/", agenda.item_postpone, name="item-postpone"
    )
    item_decide_path = path(
        "<int:pk>/ordre-du-jour/<int:item_pk>/decision/", decisions.item_decide, name="item-decide"
    )
    invite_path = path("<int:pk>/convocations/", attendance.invite, name="invite")
    uninvite_path = path(
        "<int:pk>/convocations/<int:attendance_pk>/retrait/", attendance.uninvite, name="uninvite"
    )
    attendance_path = path("<int:pk>/presences/", attendance.record, name="attendance")
    releve_path = path("<int:pk>/releve/", releve.releve_page, name="releve")
    releve_pdf_path = path("<int:pk>/releve.pdf", releve.releve_pdf, name="releve-pdf")
    need_to_know_path = path(
        "cellules/<int:cell_pk>/besoin-d-en-connaitre/", seances.cell_need_to_know, name="need-to-know"
    )
