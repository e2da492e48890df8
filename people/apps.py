from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "People"

    def ready(self) -> None:
        from lib.roles import roles_provider_set
        from partnership.audit import audit_codes_register
        from people import signals  # noqa: F401  (sign-in, sign-out, reset and MFA are audited)
        from people.audit_codes import AUDIT_CODES
        from people.roles import membership_roles_load

        roles_provider_set(membership_roles_load)
        audit_codes_register(AUDIT_CODES)
