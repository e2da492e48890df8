from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Training"

    def ready(self) -> None:
        from partnership.audit import audit_codes_register
        from training.audit_codes import AUDIT_CODES

        audit_codes_register(AUDIT_CODES)
