"""A second connection for the upload pipeline's database work: the machine's second core.

Validation is Python work (cleaning each row) and, per chunk, database work (looking the
chunk's rows up in one query, then COPYing the checked rows into imports_importrow). Done
one after the other, PostgreSQL waits for Python and Python for PostgreSQL. A
DatabaseWorker runs the database steps on ONE background thread with its own connection,
in the order they were handed over, while Python cleans the next chunk. Only database
calls go there: Python work on that thread would just take turns with the main thread
for the GIL.

The background connection only sees committed data. Inside a transaction (a test, or any
caller holding an atomic block) each step runs at once on the caller's connection
instead: the same code and result, without the overlap.
"""

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from django.db import connection, connections


class DatabaseWorker:
    """with DatabaseWorker() as worker: future = worker.run(fn, *args) — fn runs on the
    worker's connection, after every step handed over before it."""

    def __init__(self):
        self._executor: ThreadPoolExecutor | None = None

    def __enter__(self) -> "DatabaseWorker":
        if not connection.in_atomic_block:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-db")
        return self

    def run(self, fn: Callable, *args, **kwargs) -> Future:
        if self._executor is not None:
            return self._executor.submit(fn, *args, **kwargs)
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # raised where the caller asks for the result, as with the thread
            future.set_exception(exc)
        return future

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._executor is None:
            return
        # Steps still queued run to the end; then the thread closes its own connection.
        self._executor.submit(connections.close_all).result()
        self._executor.shutdown(wait=True)
