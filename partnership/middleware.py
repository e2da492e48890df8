from lib.http import client_ip
from partnership.audit import audit_request_ip


class AuditContextMiddleware:
    """Audit entries written while a request is handled carry the address it came from."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with audit_request_ip(client_ip(request)):
            return self.get_response(request)
