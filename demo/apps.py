from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data (`manage.py seed_demo`): dev tooling outside apps/, imported by no app."""

    name = "demo"
    label = "demo"
    verbose_name = "demo data"
