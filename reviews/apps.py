from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews"

    def ready(self) -> None:
        from partnership.audit import audit_codes_register
        from reviews.audit_codes import AUDIT_CODES

        audit_codes_register(AUDIT_CODES)
