"""On PostgreSQL an agency role must be held in the agency's own partnership.

Membership.clean says the same for forms, and the services that grant roles refuse it with
a message; a check constraint cannot look across tables, so a trigger guards every other
writer. Together with agencies' guard that an agency never changes partnership
(agencies.0004), the rule holds from both sides. SQLite has no such guard.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION people_membership_agency_same_partnership() RETURNS trigger AS $$
BEGIN
    IF NEW.agency_id IS NOT NULL
       AND (SELECT partnership_id FROM agencies_agency WHERE id = NEW.agency_id) IS DISTINCT FROM NEW.partnership_id THEN
        RAISE EXCEPTION 'A membership''s agency must belong to the membership''s partnership'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER people_membership_agency_same_partnership
    BEFORE INSERT OR UPDATE OF agency_id, partnership_id ON people_membership
    FOR EACH ROW EXECUTE FUNCTION people_membership_agency_same_partnership();
"""
DROP = """
DROP TRIGGER IF EXISTS people_membership_agency_same_partnership ON people_membership;
DROP FUNCTION IF EXISTS people_membership_agency_same_partnership();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)  # run as written: no client-side % interpolation

    return run


class Migration(migrations.Migration):
    dependencies = [("people", "0002_invitations"), ("agencies", "0004_funding_same_partnership_guard")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
