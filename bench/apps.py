from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark (`manage.py benchmark`): dev tooling outside apps/, imported by no app.

    Its comparisons use dev-only requirements (django-import-export, locust); they are
    imported by the modules that run them, never at start-up."""

    name = "bench"
    label = "bench"
    verbose_name = "benchmark"
