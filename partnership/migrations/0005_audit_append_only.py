"""On PostgreSQL the audit table refuses UPDATE and DELETE, whoever asks (the portal's own role included).

Only a database owner who disables the trigger can alter an entry, and then the hash chain
(`manage.py audit_verify`) shows where. TRUNCATE stays possible so that test databases can be
emptied; the portal never truncates. SQLite, the embedded laptop database, has no such guard.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION partnership_auditentry_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The audit trail is append-only: % on partnership_auditentry is refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER partnership_auditentry_append_only
    BEFORE UPDATE OR DELETE ON partnership_auditentry
    FOR EACH ROW EXECUTE FUNCTION partnership_auditentry_refuse_change();
"""
DROP = """
DROP TRIGGER IF EXISTS partnership_auditentry_append_only ON partnership_auditentry;
DROP FUNCTION IF EXISTS partnership_auditentry_refuse_change();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            # No parameters, so the '%' of RAISE's format string is not taken for a placeholder.
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("partnership", "0004_audit_trail")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
