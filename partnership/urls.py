from django.urls import path

from partnership import setup_views, views

app_name = "partnership"

P = "p/<slug:partnership_slug>/"

urlpatterns = [
    path("p/<slug:partnership_slug>/", views.partnership_detail, name="detail"),
    path("p/<slug:partnership_slug>/audit/", views.audit_log, name="audit"),
    path("p/<slug:partnership_slug>/audit/export.csv", views.audit_export, name="audit_export"),
]
# The business manager sets the partnership up (partnership/setup_views.py).
urlpatterns += [
    path(P + "settings/", setup_views.settings_edit, name="settings"),
    path(P + "periods/new/", setup_views.period_add, name="period_add"),
    path(P + "periods/<slug:period_slug>/edit/", setup_views.period_edit, name="period_edit"),
    path(P + "periods/<slug:period_slug>/close/", setup_views.period_close, name="period_close"),
    path(P + "priorities/", setup_views.priority_list, name="priorities"),
    path(P + "priorities/new/", setup_views.priority_add, name="priority_add"),
    path(P + "priorities/<int:priority_id>/edit/", setup_views.priority_edit, name="priority_edit"),
    path(P + "priorities/<int:priority_id>/move/", setup_views.priority_move, name="priority_move"),
    path(P + "priorities/<int:priority_id>/retire/", setup_views.priority_retire, name="priority_retire"),
    path(P + "subgroups/", setup_views.subgroup_list, name="subgroups"),
    path(P + "subgroups/new/", setup_views.subgroup_add, name="subgroup_add"),
    path(P + "subgroups/<slug:subgroup_slug>/edit/", setup_views.subgroup_edit, name="subgroup_edit"),
    path(P + "subgroups/<slug:subgroup_slug>/meetings/", setup_views.subgroup_meetings, name="subgroup_meetings"),
]
