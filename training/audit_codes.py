"""What each of the training app's audit codes means, in words."""

AUDIT_CODES = {
    "training.course.created": "added the course {target}",
    "training.course.changed": "changed the course {target}",
    "training.session.created": "added a session: {target}",
    "training.session.changed": "changed the session {target}",
    "training.session.attendance_recorded": "recorded attendance at {target} (bookings changed: {changed})",
    "training.import.uploaded": "uploaded a bookings file ({format})",
    "training.import.confirmed": "confirmed the import of a bookings file",
    "training.import.finished": "finished importing a bookings file: {result}",
    "training.import.cancelled": "cancelled the import of a bookings file",
    "training.bookings.exported": "exported the bookings of {target} ({format}, rows: {rows})",
}
