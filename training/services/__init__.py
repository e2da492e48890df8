"""Changes to training records.

Each service checks the user's permission, then in one transaction locks the row it
changes (or, for a new row, the parent whose uniqueness rule it must keep), applies the
values it was given to the row as it is now, saves only those fields and writes the audit
entry. Forms validate for the page; the services check again under the lock, so a direct
caller or a race cannot store what a form would refuse.
"""

from training.services.attendance import AttendanceChange, attendance_record
from training.services.base import MANAGER_ONLY, TrainingError
from training.services.export import EXPORT_FORMATS, bookings_export
from training.services.imports import (
    booking_import_cancel,
    booking_import_confirm,
    booking_import_start,
    import_files_clean,
    import_job_check,
    import_job_run,
    import_progress,
)
from training.services.programme import (
    COURSE_FIELDS,
    SESSION_FIELDS,
    course_change,
    course_create,
    course_duration_problem,
    course_slug_for,
    course_title_problem,
    session_change,
    session_create,
    session_reference_problem,
    session_start_problem,
    session_venue_problem,
)

__all__ = [
    "COURSE_FIELDS",
    "EXPORT_FORMATS",
    "MANAGER_ONLY",
    "SESSION_FIELDS",
    "AttendanceChange",
    "TrainingError",
    "attendance_record",
    "booking_import_cancel",
    "booking_import_confirm",
    "booking_import_start",
    "bookings_export",
    "course_change",
    "course_create",
    "course_duration_problem",
    "course_slug_for",
    "course_title_problem",
    "import_files_clean",
    "import_job_check",
    "import_job_run",
    "import_progress",
    "session_change",
    "session_create",
    "session_reference_problem",
    "session_start_problem",
    "session_venue_problem",
]
