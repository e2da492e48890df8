from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    name = "partnership"
    verbose_name = "Partnership"

    def ready(self) -> None:
        from partnership.audit import audit_codes_register
        from partnership.audit_codes import AUDIT_CODES

        audit_codes_register(AUDIT_CODES)
