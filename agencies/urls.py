from django.urls import path

from agencies import views

app_name = "agencies"

urlpatterns = [
    path("p/<slug:partnership_slug>/agencies/", views.agency_index, name="list"),
    path("p/<slug:partnership_slug>/agencies/<slug:agency_slug>/", views.agency_detail, name="detail"),
    path("p/<slug:partnership_slug>/periods/<slug:period_slug>/funding/", views.funding, name="funding"),
]
