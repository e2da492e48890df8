from django.urls import path

from people import views

app_name = "people"

urlpatterns = [
    path("p/<slug:partnership_slug>/agencies/<slug:agency_slug>/people/", views.agency_people, name="agency"),
]
