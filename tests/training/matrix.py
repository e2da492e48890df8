"""Training records for the permission matrix and the accessibility harness, made when a URL is reversed.

The `world` fixture has no training records; these values make a course 'matrix-course',
its session 'matrix-1' with one booking from agency A, and a checked import, the first
time str() is called on them in a test.
"""


class MatrixTraining:
    def __init__(self, part: str):
        self.part = part

    def __str__(self):
        import datetime
        from decimal import Decimal

        from agencies.models import Agency
        from partnership.models import ReportingPeriod
        from training.models import Booking, BookingStatus, Course, CourseSession, ImportJob, ImportStatus

        period = ReportingPeriod.objects.select_related("partnership").get(partnership__slug="tsp", slug="2019-20")
        course, _ = Course.objects.get_or_create(
            partnership=period.partnership,
            slug="matrix-course",
            defaults={"title": "Neglect", "duration_hours": Decimal("6")},
        )
        session, _ = CourseSession.objects.get_or_create(
            period=period,
            reference="matrix-1",
            defaults={
                "course": course,
                "starts_at": datetime.datetime(2019, 10, 1, 9, 30, tzinfo=datetime.UTC),
                "venue": "Council House",
                "places_offered": 20,
            },
        )
        Booking.objects.get_or_create(
            session=session,
            email="ann@example.org",
            defaults={
                "delegate_name": "Ann Able",
                "agency": Agency.objects.get(partnership=period.partnership, slug="council"),
                "status": BookingStatus.ATTENDED,
            },
        )
        if self.part == "import_job":
            job, _ = ImportJob.objects.get_or_create(
                period=period,
                original_name="bookings.csv",
                defaults={"file": "training-imports/bookings.csv", "file_format": "csv", "status": ImportStatus.READY},
            )
            return str(job.pk)
        return {"course": course.slug, "session": session.reference}[self.part]
