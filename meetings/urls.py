from django.urls import path

from meetings.views import agenda, attendance, decisions, releve, seances

app_name = "meetings"

urlpatterns = [
    path("", seances.seance_list, name="list"),
    path("nouvelle/", seances.seance_create, name="create"),
    path("<int:pk>/", seances.seance_detail, name="detail"),
    path("<int:pk>/cloture/", seances.seance_close_view, name="close"),
    path("<int:pk>/ordre-du-jour/propositions/", agenda.propose_all, name="propose"),
    path("<int:pk>/ordre-du-jour/ajout/", agenda.item_add, name="item-add"),
    path("<int:pk>/ordre-du-jour/<int:item_pk>/retrait/", agenda.item_remove, name="item-remove"),
    path("<int:pk>/ordre-du-jour/<int:item_pk>/deplacement/", agenda.item_move, name="item-move"),
    path("<int:pk>/ordre-du-jour/<int:item_pk>/report/", agenda.item_postpone, name="item-postpone"),
    path("<int:pk>/ordre-du-jour/<int:item_pk>/decision/", decisions.item_decide, name="item-decide"),
    path("<int:pk>/convocations/", attendance.invite, name="invite"),
    path("<int:pk>/convocations/<int:attendance_pk>/retrait/", attendance.uninvite, name="uninvite"),
    path("<int:pk>/presences/", attendance.record, name="attendance"),
    path("<int:pk>/releve/", releve.releve_page, name="releve"),
    path("<int:pk>/releve.pdf", releve.releve_pdf, name="releve-pdf"),
    path("cellules/<int:cell_pk>/besoin-d-en-connaitre/", seances.cell_need_to_know, name="need-to-know"),
]
