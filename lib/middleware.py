"""Response headers that every portal response carries (ASVS V14.4 and V8.2).

The Content-Security-Policy comes from django-csp (`CONTENT_SECURITY_POLICY` in settings);
these two add what it does not. Neither overwrites a header the response already has: the
published report (reports.frozen, answered before the session middleware) sets its own
Cache-Control and policies, and a view that knows better says so itself.
"""

from __future__ import annotations

from django.utils.cache import add_never_cache_headers, patch_vary_headers

# Powerful browser features the portal never uses, refused to the page and to anything in it.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def is_attachment(response) -> bool:
    return response.get("Content-Disposition", "").strip().lower().startswith("attachment")


class NoStoreMiddleware:
    """Pages for a signed-in user and every download are kept by no cache, shared or the browser's.

    Dashboards, the audit log and the exports carry delegates' and staff's personal data: a
    shared computer's back button or a proxy must not serve them to the next person. The
    header is added unless the view set its own Cache-Control.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = bool(user is not None and user.is_authenticated)
        if (signed_in or is_attachment(response)) and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        if signed_in:
            # The same address answers differently per session: caches must key on the cookie.
            patch_vary_headers(response, ("Cookie",))
        return response
