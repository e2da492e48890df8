import os

from django.core.management.base import BaseCommand

from partnership.demo import demo_password_generate, partnership_demo_load


class Command(BaseCommand):
    help = "Load the demo partnership (Dudley, 2019/20). Running it again changes nothing."

    def handle(self, *args, **options):
        password = os.environ.get("DEMO_PASSWORD") or ""
        generated = not password
        if generated:
            password = demo_password_generate()
        result = partnership_demo_load(password=password)
        from reviews.demo import reviews_demo_load

        review_changes = reviews_demo_load(partnership=result.partnership, period=result.period)
        self.stdout.write(f"Demo practice reviews: {review_changes} change(s).")
        from training.demo import training_demo_load

        training_changes = training_demo_load(partnership=result.partnership, period=result.period)
        self.stdout.write(f"Demo training programme: {training_changes} change(s).")
        from partnership.demo import DEMO_DIR
        from reports.demo import reports_demo_load

        report_changes = reports_demo_load(partnership=result.partnership, period=result.period, data_dir=DEMO_DIR)
        self.stdout.write(f"Demo report sections: {report_changes} change(s).")
        from reports.demo_signoff import report_demo_sign_off

        signoffs = report_demo_sign_off(period=result.period, data_dir=DEMO_DIR)
        self.stdout.write(f"Demo sign-offs by the statutory partners: {signoffs} added.")
        self.stdout.write(
            f"Demo partnership '{result.partnership.name}', period {result.period.label}: {result.changes} change(s)."
        )
        if result.created_users:
            self.stdout.write(f"Created {len(result.created_users)} demo users: {', '.join(result.created_users)}")
            if generated:
                self.stdout.write(
                    self.style.WARNING(f"Their password (generated; set DEMO_PASSWORD to choose one): {password}")
                )
            else:
                self.stdout.write("Their password is the value of DEMO_PASSWORD.")
        if result.existing_users:
            self.stdout.write(
                f"{len(result.existing_users)} demo users already existed; their passwords are unchanged."
            )
