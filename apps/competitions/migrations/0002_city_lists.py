"""The lists the city starts with and edits in admin (apps/competitions/city_lists.py)."""

from django.db import migrations

from apps.competitions.city_lists import ensure_city_lists


def add(apps, schema_editor):
    ensure_city_lists(apps.get_model("competitions", "HonorKind"), apps.get_model("competitions", "KeyIndustry"))


class Migration(migrations.Migration):
    dependencies = [("competitions", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
