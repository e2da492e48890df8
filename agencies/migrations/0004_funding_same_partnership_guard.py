"""On PostgreSQL a funding contribution must come from an agency of the period's own partnership.

A check constraint cannot look across tables and a composite foreign key would need a
partnership column duplicated on the contribution, so a trigger guards the rule whoever
writes the row (a service, the admin, a shell, raw SQL). A second trigger keeps an agency
in the partnership it was made in, so the rule cannot be broken from the agency's side
either. The services refuse the same with a message; SQLite, the laptop database, has
only that.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION agencies_fundingcontribution_same_partnership() RETURNS trigger AS $$
BEGIN
    IF (SELECT partnership_id FROM agencies_agency WHERE id = NEW.agency_id)
       IS DISTINCT FROM (SELECT partnership_id FROM partnership_reportingperiod WHERE id = NEW.period_id) THEN
        RAISE EXCEPTION 'A funding contribution''s agency must belong to the partnership of its period'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER agencies_fundingcontribution_same_partnership
    BEFORE INSERT OR UPDATE OF agency_id, period_id ON agencies_fundingcontribution
    FOR EACH ROW EXECUTE FUNCTION agencies_fundingcontribution_same_partnership();

CREATE OR REPLACE FUNCTION agencies_agency_keep_partnership() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'An agency cannot move to another partnership; add it to that partnership instead'
        USING ERRCODE = 'check_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER agencies_agency_keep_partnership
    BEFORE UPDATE OF partnership_id ON agencies_agency
    FOR EACH ROW WHEN (OLD.partnership_id IS DISTINCT FROM NEW.partnership_id)
    EXECUTE FUNCTION agencies_agency_keep_partnership();
"""
DROP = """
DROP TRIGGER IF EXISTS agencies_agency_keep_partnership ON agencies_agency;
DROP FUNCTION IF EXISTS agencies_agency_keep_partnership();
DROP TRIGGER IF EXISTS agencies_fundingcontribution_same_partnership ON agencies_fundingcontribution;
DROP FUNCTION IF EXISTS agencies_fundingcontribution_same_partnership();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)  # run as written: no client-side % interpolation

    return run


class Migration(migrations.Migration):
    dependencies = [("agencies", "0003_agency_deactivated_at_funding_import"), ("partnership", "0001_initial")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
