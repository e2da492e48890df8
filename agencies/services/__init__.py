"""Every change to agencies, their seats on the partnership and their funding.

Each service takes the acting user, checks permission, then in one transaction locks
the rows it will change (and the partnership or period whose rule it checks, so two
managers cannot both pass a uniqueness check), checks every rule, applies the change,
saves and writes the audit entry. Refusals are a DomainError whose message says what to
do; nothing is written. The database constraints and the PostgreSQL triggers
(agencies.0004, people.0002) stand behind these checks, never in front of them.

One module per thing changed; import the services from here.
"""

from agencies.services.agency import agency_change, agency_create, agency_deactivate, agency_reactivate
from agencies.services.base import NAME_MAX, NOTE_MAX, SHORT_NAME_MAX, SLUG_MAX, agency_partnership_check
from agencies.services.funding import (
    STALE_IMPORT,
    funding_change,
    funding_create,
    funding_import_check,
    funding_import_confirm,
    funding_imports_clean,
    funding_remove,
)
from agencies.services.seats import (
    representative_add,
    representative_change,
    representative_move,
    representative_remove,
)

__all__ = [
    "NAME_MAX",
    "NOTE_MAX",
    "SHORT_NAME_MAX",
    "SLUG_MAX",
    "STALE_IMPORT",
    "agency_change",
    "agency_create",
    "agency_deactivate",
    "agency_partnership_check",
    "agency_reactivate",
    "funding_change",
    "funding_create",
    "funding_import_check",
    "funding_import_confirm",
    "funding_imports_clean",
    "funding_remove",
    "representative_add",
    "representative_change",
    "representative_move",
    "representative_remove",
]
