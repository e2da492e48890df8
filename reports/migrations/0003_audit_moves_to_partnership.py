"""The reports app's audit rows join the one audit trail (partnership.AuditEntry), chained in order."""

from django.db import migrations

from partnership.audit import GENESIS, entry_hash


def copy_entries(apps, schema_editor):
    Old = apps.get_model("reports", "AuditEntry")
    New = apps.get_model("partnership", "AuditEntry")
    Chain = apps.get_model("partnership", "AuditChain")
    ContentType = apps.get_model("contenttypes", "ContentType")
    section_type, _ = ContentType.objects.get_or_create(app_label="reports", model="section")
    heads = {chain.key: chain.last_hash for chain in Chain.objects.all()}
    rows = Old.objects.select_related("actor", "section__spec").order_by("created_at", "pk")
    for old in rows.iterator(chunk_size=1000):
        key = f"p{old.partnership_id}"
        data = {"from": old.from_state, "to": old.to_state, "reason": old.reason}
        actor_label = ""
        if old.actor_id:
            actor_label = (f"{old.actor.first_name} {old.actor.last_name}".strip() or old.actor.username)[:200]
        entry = New(
            partnership_id=old.partnership_id,
            period_id=old.period_id,
            code=old.action,
            actor_id=old.actor_id,
            actor_label=actor_label,
            target_type_id=section_type.pk if old.section_id else None,
            target_id=old.section_id,
            target_label=old.section.spec.title if old.section_id else "",
            data={k: v for k, v in data.items() if v},
            ip=None,
            created_at=old.created_at,
            prev_hash=heads.get(key, GENESIS),
        )
        entry.hash = entry_hash(entry)
        entry.save(force_insert=True)
        heads[key] = entry.hash
    for key, last_hash in heads.items():
        Chain.objects.update_or_create(key=key, defaults={"last_hash": last_hash})


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_publishedreport_signoff"),
        ("partnership", "0005_audit_append_only"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(copy_entries, migrations.RunPython.noop),
        migrations.DeleteModel(name="AuditEntry"),
    ]
