from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from partnership.audit import audit_codes_register
        from reports.audit_codes import AUDIT_CODES

        audit_codes_register(AUDIT_CODES)
