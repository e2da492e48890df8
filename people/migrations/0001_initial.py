"""Take over the memberships table that partnership.0003 renamed; then give its rules people's names."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


OLD_CONSTRAINTS = (
    "partnership_membership_agency_matches_role",
    "partnership_membership_unique_partnership_role",
    "partnership_membership_unique_agency_role",
)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("agencies", "0002_initial"),
        ("partnership", "0003_membership_moves_to_people"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Membership",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "role",
                            models.CharField(
                                choices=[
                                    ("business_manager", "Business manager"),
                                    ("scrutineer", "Independent scrutineer"),
                                    ("agency_lead", "Agency lead"),
                                    ("contributor", "Contributor"),
                                ],
                                max_length=20,
                            ),
                        ),
                        (
                            "agency",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="memberships",
                                to="agencies.agency",
                            ),
                        ),
                        (
                            "partnership",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="memberships",
                                to="partnership.partnership",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="memberships",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "membership",
                        "ordering": ["partnership", "role", "user"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("role__in", ("business_manager", "scrutineer")), ("agency__isnull", True)),
                                    models.Q(("role__in", ("agency_lead", "contributor")), ("agency__isnull", False)),
                                    _connector="OR",
                                ),
                                name="partnership_membership_agency_matches_role",
                            ),
                            models.UniqueConstraint(
                                condition=models.Q(("agency__isnull", True)),
                                fields=("user", "partnership", "role"),
                                name="partnership_membership_unique_partnership_role",
                            ),
                            models.UniqueConstraint(
                                condition=models.Q(("agency__isnull", False)),
                                fields=("user", "agency", "role"),
                                name="partnership_membership_unique_agency_role",
                            ),
                        ],
                    },
                ),
            ],
        ),
        *[migrations.RemoveConstraint(model_name="membership", name=name) for name in OLD_CONSTRAINTS],
        migrations.AddConstraint(
            model_name="membership",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("role__in", ("business_manager", "scrutineer")), ("agency__isnull", True)),
                    models.Q(("role__in", ("agency_lead", "contributor")), ("agency__isnull", False)),
                    _connector="OR",
                ),
                name="people_membership_agency_matches_role",
            ),
        ),
        migrations.AddConstraint(
            model_name="membership",
            constraint=models.UniqueConstraint(
                condition=models.Q(("agency__isnull", True)),
                fields=("user", "partnership", "role"),
                name="people_membership_unique_partnership_role",
            ),
        ),
        migrations.AddConstraint(
            model_name="membership",
            constraint=models.UniqueConstraint(
                condition=models.Q(("agency__isnull", False)),
                fields=("user", "agency", "role"),
                name="people_membership_unique_agency_role",
            ),
        ),
    ]
