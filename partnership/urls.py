from django.urls import path

from partnership import views

app_name = "partnership"

urlpatterns = [
    path("p/<slug:partnership_slug>/", views.partnership_detail, name="detail"),
    path("p/<slug:partnership_slug>/audit/", views.audit_log, name="audit"),
    path("p/<slug:partnership_slug>/audit/export.csv", views.audit_export, name="audit_export"),
]
