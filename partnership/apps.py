from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    name = "partnership"
    verbose_name = "Partnership"

    def ready(self) -> None:
        from django.core import checks

        from lib.checks import email_backend_check
        from partnership.audit import audit_codes_register
        from partnership.audit_codes import AUDIT_CODES

        audit_codes_register(AUDIT_CODES)
        checks.register(email_backend_check, checks.Tags.security, deploy=True)
