import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")

app = Celery("unionportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# Tasks named in REPLICA_READ_TASKS read from a replica when DATABASE_REPLICA_URL is set
# (unionportal/db_router.py); without replicas these do nothing.
@task_prerun.connect
def _replica_reads_start(task_id=None, task=None, **kwargs):
    from django.conf import settings

    if settings.REPLICA_DATABASES:
        from unionportal import db_router

        db_router.task_started(task_id=task_id, task=task)


@task_postrun.connect
def _replica_reads_end(task_id=None, **kwargs):
    from django.conf import settings

    if settings.REPLICA_DATABASES:
        from unionportal import db_router

        db_router.task_finished(task_id=task_id)
