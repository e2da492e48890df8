from django.urls import path

from partnership import views

app_name = "partnership"

urlpatterns = [
    path("p/<slug:partnership_slug>/", views.partnership_detail, name="detail"),
]
