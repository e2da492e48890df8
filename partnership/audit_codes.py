"""What each of the partnership app's audit codes means, in words."""

AUDIT_CODES = {
    "partnership.partnership.created": "created the partnership {target}",
    "partnership.partnership.changed": "changed the partnership's settings",
    "partnership.period.created": "opened the reporting period {target}",
    "partnership.period.changed": "changed the reporting period {target}",
    "partnership.period.closed": "closed the reporting period {target}",
    "partnership.priority.created": "added the priority {target}",
    "partnership.priority.changed": "changed the priority {target}",
    "partnership.priority.moved": "moved the priority {target} {direction}",
    "partnership.priority.retired": "retired the priority {target}",
    "partnership.subgroup.created": "added the subgroup {target}",
    "partnership.subgroup.changed": "changed the subgroup {target}",
    "partnership.subgroupmeetings.created": "recorded meetings of {target}",
    "partnership.subgroupmeetings.changed": "changed the meetings of {target}",
    "partnership.audit.exported": "exported {rows} audit entries as CSV",
    "partnership.export.made": "exported {rows} {what} from the administration",
    "partnership.import.made": "imported {rows} {what} in the administration",
}
AUDIT_CODES |= {
    "partnership.admin.added": "added the {model} {target} in the administration",
    "partnership.admin.changed": "changed the {model} {target} in the administration",
    "partnership.admin.deleted": "deleted the {model} {target} in the administration",
}
