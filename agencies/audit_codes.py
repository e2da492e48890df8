"""What each of the agencies app's audit codes means, in words."""

AUDIT_CODES = {
    "agencies.agency.created": "added the agency {target}",
    "agencies.agency.changed": "changed the agency {target}",
    "agencies.agency.deleted": "deleted the agency {target}",
    "agencies.agency.deactivated": "deactivated the agency {target}",
    "agencies.agency.reactivated": "reactivated the agency {target}",
    "agencies.representative.created": "added the seat {target}",
    "agencies.representative.changed": "changed the seat {target}",
    "agencies.representative.moved": "moved the seat {target} {direction}",
    "agencies.representative.deleted": "removed the seat {target}",
    "agencies.funding.created": "entered the funding contribution {target}",
    "agencies.funding.changed": "changed the funding contribution {target}",
    "agencies.funding.deleted": "deleted the funding contribution {target}",
    "agencies.funding.uploaded": "uploaded the funding file {target} ({rows} rows) to check",
    "agencies.funding.imported": "imported the funding file {target}: {new} new, {updated} changed",
}
