from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from lib.errors import DomainError
from partnership.models import ReportingPeriod
from people.models import Role
from reports.models import PdfState, PublishedReport
from reports.publishing import PublishRefused, report_publish


class Command(BaseCommand):
    help = "Publish a period's annual report, as the business manager would from the report page."

    def add_arguments(self, parser):
        parser.add_argument("partnership_slug")
        parser.add_argument("period_slug")
        parser.add_argument("--change-note", default="", help="Required for a second or later version.")
        parser.add_argument("--user", help="Username of the business manager publishing (default: the first one).")
        parser.add_argument(
            "--if-unpublished", action="store_true", help="Do nothing if a version is already published."
        )

    def handle(self, *args, partnership_slug, period_slug, change_note, user, if_unpublished, **options):
        period = (
            ReportingPeriod.objects.select_related("partnership")
            .filter(partnership__slug=partnership_slug, slug=period_slug)
            .first()
        )
        if period is None:
            raise CommandError(f"No period '{period_slug}' in partnership '{partnership_slug}'.")
        existing = PublishedReport.objects.filter(period=period).order_by("-number").first()
        if existing and if_unpublished:
            self.stdout.write(f"Version {existing.number} is already published; nothing to do.")
            return self._describe(existing)
        publisher = self._publisher(period, user)
        try:
            version = report_publish(user=publisher, period=period, change_note=change_note)
        except PublishRefused as refused:
            raise CommandError(
                "The report cannot be published yet:\n" + "\n".join(f"- {reason}" for reason in refused.reasons)
            ) from None
        except DomainError as error:
            raise CommandError(str(error)) from None
        version.refresh_from_db()
        self.stdout.write(self.style.SUCCESS(f"Published version {version.number} of {period}."))
        self._describe(version)

    def _publisher(self, period, username):
        users = get_user_model().objects.filter(
            memberships__partnership=period.partnership, memberships__role=Role.BUSINESS_MANAGER
        )
        if username:
            users = users.filter(username=username)
        publisher = users.order_by("pk").first()
        if publisher is None:
            who = f"'{username}' is not" if username else "nobody is"
            raise CommandError(f"{who} business manager of {period.partnership}; give --user a business manager.")
        return publisher

    def _describe(self, version):
        self.stdout.write(f"Public page: {version.public_path()}")
        self.stdout.write(f"HTML: {default_storage.path(version.html.name)} (sha256 {version.html_sha256})")
        if version.pdf_state == PdfState.READY:
            path = default_storage.path(version.pdf.name)
            self.stdout.write(f"PDF: {path} (sha256 {version.pdf_sha256}, {version.pdf_pages} pages)")
        else:
            self.stdout.write(f"PDF: {version.get_pdf_state_display().lower()}; a Celery worker is making it.")
