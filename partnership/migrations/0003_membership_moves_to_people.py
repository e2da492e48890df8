"""Membership moves to the people app: the table is renamed, its rows stay (people.0001 takes it over)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("partnership", "0002_partnership_logo_svg"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.AlterModelTable(name="membership", table="people_membership")],
            state_operations=[migrations.DeleteModel(name="Membership")],
        ),
    ]
