from django.urls import path

from training import views

app_name = "training"

PERIOD = "p/<slug:partnership_slug>/periods/<slug:period_slug>/training/"

urlpatterns = [
    path(PERIOD, views.course_index, name="courses"),
    # "add" before the session and course addresses, so it is never read as a reference or slug.
    path(PERIOD + "courses/add/", views.course_edit, name="course_add"),
    path(PERIOD + "sessions/add/", views.session_edit, name="session_add"),
    path(PERIOD + "courses/<slug:course_slug>/edit/", views.course_edit, name="course_edit"),
    path(PERIOD + "courses/<slug:course_slug>/feedback/", views.course_feedback, name="feedback"),
    path(PERIOD + "sessions/<slug:reference>/", views.session_detail, name="session"),
    path(PERIOD + "sessions/<slug:reference>/edit/", views.session_edit, name="session_edit"),
    path(PERIOD + "sessions/<slug:reference>/attendance/", views.session_attendance, name="attendance"),
    path(PERIOD + "agencies/<slug:agency_slug>/", views.agency_training, name="agency"),
    path(PERIOD + "import/", views.booking_import, name="import"),
    path(PERIOD + "import/<int:job_id>/", views.import_job, name="import_job"),
    path(PERIOD + "export/", views.booking_export, name="export"),
]
