"""Stored ethnicities become the GB 3304-1991 name the upload now stores ("汉" → "汉族").

Before, the column kept what the roster said; now every spelling of a name is stored
as the name (apps.members.choice_words.ETHNICITY_WORDS), so counting members by
ethnicity needs no guessing. One UPDATE joins the table once against every spelling
(856,000 rows: one sequential scan); rows already right, and values that are no
GB 3304 name, are left as they are (a clerk corrects those on the next upload or edit).
History rows keep what was stored at their time.
"""

from django.db import migrations


def store_gb3304_names(apps, schema_editor):
    # The table as it is when this runs: a later, larger table normalizes more, as rightly.
    from apps.members.choice_words import ETHNICITY_WORDS, word_key

    pairs = {word_key(word): name for name, words in ETHNICITY_WORDS.items() for word in words}
    table = apps.get_model("members", "Member")._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} m SET ethnicity = v.name "
            "FROM unnest(%s::text[], %s::text[]) AS v(word, name) "
            "WHERE replace(m.ethnicity, ' ', '') = v.word AND m.ethnicity <> v.name",
            [list(pairs), list(pairs.values())],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0010_education_postgraduate_and_junior_high_or_below"),
    ]

    operations = [
        migrations.RunPython(store_gb3304_names, migrations.RunPython.noop, elidable=True),
    ]
