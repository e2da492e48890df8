"""What each of the reports app's audit codes means, in words ('{target}' is what it was done to)."""

AUDIT_CODES = {
    "reports.section.saved": "saved the {target} section",
    "reports.section.submitted": "submitted the {target} section for approval",
    "reports.section.approved": "approved the {target} section",
    "reports.section.changes_requested": "returned the {target} section for changes",
    "reports.section.assigned": "assigned the {target} section",
    "reports.comment.added": "commented on the {target} section",
    "reports.challenge.raised": "raised a challenge on the {target} section",
    "reports.challenge.answered": "answered a challenge on the {target} section",
    "reports.challenge.closed": "closed a challenge on the {target} section",
    "reports.outline.spec_added": "added {target} to the outline",
    "reports.outline.spec_changed": "changed {target} in the outline",
    "reports.outline.spec_moved": "moved {target} {direction} the outline",
    "reports.outline.copied": "copied the outline from an earlier period",
    "reports.report.signed_off": "signed off the report for {agency}",
    "reports.report.published": "published version {version} of the report",
    "reports.report.pdf_retried": "asked for the PDF of version {version} to be made again",
    "reports.report.pdf_requeued": "queued the PDF of version {version} again: it was {was} too long",
    "reports.report.pdf_gave_up": "marked the PDF of version {version} failed after {attempts} unfinished attempts",
    "reports.checklist.exempted": "said '{theme}' needs no section: {kind}",
    "reports.checklist.exemption_cleared": "withdrew the exemption of '{theme}'",
}
