from django.urls import path

from agencies import views

app_name = "agencies"

AGENCIES = "p/<slug:partnership_slug>/agencies/"
AGENCY = AGENCIES + "<slug:agency_slug>/"
SEAT = AGENCY + "representatives/<int:representative_id>/"
FUNDING = "p/<slug:partnership_slug>/periods/<slug:period_slug>/funding/"

urlpatterns = [
    path(AGENCIES, views.agency_index, name="list"),
    # "add" before the agency's address, so it is never read as a slug (the services refuse it as one).
    path(AGENCIES + "add/", views.agency_add, name="add"),
    path(AGENCY, views.agency_detail, name="detail"),
    path(AGENCY + "edit/", views.agency_edit, name="edit"),
    path(AGENCY + "deactivate/", views.agency_deactivate, name="deactivate"),
    path(AGENCY + "reactivate/", views.agency_reactivate, name="reactivate"),
    path(AGENCY + "representatives/add/", views.representative_add, name="representative_add"),
    path(SEAT + "edit/", views.representative_edit, name="representative_edit"),
    path(SEAT + "move/", views.representative_move, name="representative_move"),
    path(SEAT + "remove/", views.representative_remove, name="representative_remove"),
    path(FUNDING, views.funding, name="funding"),
    path(FUNDING + "add/", views.funding_add, name="funding_add"),
    path(FUNDING + "import/", views.funding_import, name="funding_import"),
    path(FUNDING + "import/<int:import_id>/", views.funding_import_job, name="funding_import_job"),
    path(FUNDING + "<slug:agency_slug>/edit/", views.funding_edit, name="funding_edit"),
    path(FUNDING + "<slug:agency_slug>/remove/", views.funding_remove, name="funding_remove"),
]
