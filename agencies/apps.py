from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = "Agencies"

    def ready(self) -> None:
        from agencies.audit_codes import AUDIT_CODES
        from partnership.audit import audit_codes_register

        audit_codes_register(AUDIT_CODES)
