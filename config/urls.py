from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from config.health import healthz
from reports.views.home import home

admin.site.site_header = "Safeguarding partnership portal: administration"
admin.site.site_title = "Portal administration"
# The admin signs in through allauth's sign-in page (its rate limits, its second factor): its own
# password-only form is never shown, and a non-staff user signed in gets 403.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("partnership.urls")),
    path("", include("agencies.urls")),
    path("", include("people.urls")),
    path("", include("reports.urls")),
    path("", include("reports.urls_public")),
    path("", include("reviews.urls")),
    path("", include("training.urls")),
]
# No route serves MEDIA_ROOT, in the demo either: uploads (bookings files with delegates'
# names and emails) are read only by the code that needs them, and a file meant for people
# is served by a view that checks who asks (reviews:briefing_file, the published report).
