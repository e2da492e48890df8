import os

from django.core.management.base import BaseCommand

from demo.loader import demo_load
from people.demo import demo_password_generate


class Command(BaseCommand):
    help = "Load the demo partnership (Dudley, 2019/20). Running it again changes nothing."

    def handle(self, *args, **options):
        password = os.environ.get("DEMO_PASSWORD") or ""
        generated = not password
        if generated:
            password = demo_password_generate()
        result = demo_load(password=password)
        for step, changes in result.steps.items():
            self.stdout.write(f"Demo {step}: {changes} change(s).")
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
