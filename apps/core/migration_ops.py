"""Migration operations for moving models between apps without touching their rows."""

from django.db import migrations


def move_content_types(from_app: str, to_app: str, models: list[str]) -> migrations.RunPython:
    """Re-label the content types (and so permissions, admin log and history references) of
    `models` from `from_app` to `to_app`. A content type already made under the new label
    (nothing else uses it yet: it was created by post_migrate after the code moved) is
    dropped in favour of the old one, which carries the permissions users were given."""

    def forward(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        for model in models:
            old = ContentType.objects.filter(app_label=from_app, model=model).first()
            if old is None:
                continue
            ContentType.objects.filter(app_label=to_app, model=model).delete()
            old.app_label = to_app
            old.save(update_fields=["app_label"])

    def backward(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        ContentType.objects.filter(app_label=to_app, model__in=models).update(app_label=from_app)

    return migrations.RunPython(forward, backward)
