from django.db import migrations

DEFAULT_TYPES = [
    ("Full Impact Assessment", True, 1),
    ("Fast Track", False, 2),
    ("Information Only", False, 3),
]


def create_types(apps, schema_editor):
    ChangeType = apps.get_model("change_requests", "ChangeType")
    for name, requires_ia, position in DEFAULT_TYPES:
        ChangeType.objects.get_or_create(
            name=name,
            defaults={"requires_impact_assessment": requires_ia, "position": position},
        )


class Migration(migrations.Migration):
    dependencies = [("change_requests", "0001_initial")]

    operations = [migrations.RunPython(create_types, migrations.RunPython.noop)]
