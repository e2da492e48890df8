from django.core.management.base import BaseCommand, CommandError

from lib.errors import DomainError
from people.invitations import invitation_url
from people.memberships import partnership_create


class Command(BaseCommand):
    help = (
        "Create a partnership and invite its first business manager by email. Everything after this happens in "
        "the portal. The invitation link is printed too, in case the email does not arrive."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="The partnership's full name.")
        parser.add_argument("--short-name", required=True, help="Its short name or initials, shown in page headers.")
        parser.add_argument(
            "--slug", default="", help="Its address in the portal; made from the short name if left out."
        )
        parser.add_argument("--area", default="", help="The local authority area it covers.")
        parser.add_argument("--manager-email", required=True, help="The first business manager's email address.")

    def handle(self, *args, **options):
        try:
            partnership, invitation = partnership_create(
                name=options["name"],
                short_name=options["short_name"],
                slug=options["slug"],
                area=options["area"],
                manager_email=options["manager_email"],
            )
        except DomainError as error:
            raise CommandError("Nothing was created. " + " ".join(error.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(f"Created the partnership '{partnership.name}' at /p/{partnership.slug}/.")
        )
        self.stdout.write(f"Invited {invitation.email} as its business manager. The invitation link:")
        self.stdout.write(invitation_url(invitation))
