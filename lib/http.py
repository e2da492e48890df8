"""Which address a request came from, by one rule for rate limits and the audit trail."""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _clean(value: str) -> str | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 192.0.2.1:443
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address. With `ALLAUTH_TRUSTED_PROXY_COUNT` (PORTAL_TRUSTED_PROXY_COUNT) set to n,
    the n-th address from the right of X-Forwarded-For, the one the outermost trusted proxy saw; the
    addresses left of it were written by the client and are never believed. With 0, or when the
    header is missing or shorter than that (the request did not come through the proxies), the
    connecting address."""
    count = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count > 0 and forwarded:
        hops = [hop for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= count:
            found = _clean(hops[-count])
            if found:
                return found
    remote = request.META.get("REMOTE_ADDR") or ""
    return _clean(remote) if remote else None
