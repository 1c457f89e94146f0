import pytest

from unionportal.celery import app


@pytest.fixture
def eager_celery():
    """Tasks run in-process, as the run command's no-Redis fallback does; retries run inline."""
    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    # Not propagating: a retry then runs inline (Celery re-raises it instead when propagating).
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, False
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved
