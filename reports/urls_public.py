from django.urls import path

from reports.views import childrens, public

app_name = "public"

urlpatterns = [
    path("reports/", public.index, name="index"),
    path("reports/<slug:partnership_slug>/", public.partnership_reports, name="partnership_reports"),
    path("reports/<slug:partnership_slug>/<slug:period_slug>/", public.report_latest, name="report_latest"),
    path(
        "reports/<slug:partnership_slug>/<slug:period_slug>/v<int:number>/",
        public.report_version,
        name="report_version",
    ),
    path(
        "reports/<slug:partnership_slug>/<slug:period_slug>/v<int:number>/report.pdf",
        public.report_pdf,
        name="report_pdf",
    ),
    path(
        "reports/<slug:partnership_slug>/<slug:period_slug>/v<int:number>/children/",
        childrens.report_childrens,
        name="report_childrens",
    ),
    path("accessibility/", public.accessibility, name="accessibility"),
]
