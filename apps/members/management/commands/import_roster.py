"""`python manage.py import_roster FILE --org CODE [--dry-run]` (DESIGN.md "Public surface").

The same pipeline as the web upload, run synchronously. Exit 0: imported (or, with
--dry-run, valid; or every row already on the roll, so nothing to write); 1: refused, nothing written (prints the summary and every row
error); 2: bad usage (unknown organization, missing file).
"""

import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from apps.imports.models import ImportJob, ImportRow
from apps.imports.services import ImportRefused, commit_import, create_import_job
from apps.imports.validation import run_validation
from apps.organizations.models import Organization


class Command(BaseCommand):
    help = "Validate a roster file (.xlsx or .csv) and import it into one union organization."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--org", required=True, help="code of the union organization")
        parser.add_argument("--dry-run", action="store_true", help="validate and report only; write nothing")
        parser.add_argument(
            "--user", help="username recorded as uploader; needed to turn conflicts into transfer requests"
        )

    def handle(self, *args, file, org, dry_run, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}", returncode=2)
        organization = Organization.objects.filter(code=org).first()
        if organization is None:
            raise CommandError(f"No union organization with code {org!r}.", returncode=2)
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"No user {user!r}.", returncode=2)

        started = time.monotonic()
        with path.open("rb") as handle:
            try:
                job = create_import_job(
                    kind="roster", organization=organization, uploaded_by=actor,
                    uploaded_file=File(handle, name=path.name), enqueue=False,
                )
            except ImportRefused as exc:
                raise CommandError(f"Refused: {exc}", returncode=1) from None
        job = run_validation(job_id=job.pk)
        self.stdout.write(f"validated {job.rows_total} rows in {time.monotonic() - started:.2f}s")
        self._report(job)
        if job.status != ImportJob.Status.VALIDATED:
            raise CommandError("Refused: nothing was written.", returncode=1)
        if dry_run:
            job.file.delete(save=False)
            job.delete()
            self.stdout.write("Dry run: nothing was written.")
            return
        if not job.would_change:
            # Every row is on the roll already: the file is in, and there is nothing to write.
            self.stdout.write(job.nothing_to_commit)
            return
        committed = time.monotonic()
        try:
            job = commit_import(job=job, actor=actor)
        except ImportRefused as exc:
            raise CommandError(f"Refused: {exc}", returncode=1) from None
        result = job.summary.get("result", {})
        self.stdout.write(
            "committed in {:.2f}s: {} created, {} updated, {} transfer requests, {} conflicts not requested".format(
                time.monotonic() - committed, result.get("created", 0), result.get("updated", 0),
                result.get("transfers_requested", 0), result.get("transfers_not_requested", 0),
            )
        )

    def _report(self, job: ImportJob) -> None:
        summary = job.summary
        if summary.get("error"):
            self.stdout.write(f"file refused: {summary['error']}")
        counts = summary.get("counts", {})
        if counts:
            self.stdout.write(", ".join(f"{label}: {counts.get(value, 0)}" for value, label in ImportRow.Outcome.choices))
        if summary.get("unknown_columns"):
            self.stdout.write("ignored columns: " + ", ".join(summary["unknown_columns"]))
        errors = job.rows.filter(outcome=ImportRow.Outcome.ERROR).order_by("row_number")
        for row in errors.values_list("row_number", "messages").iterator(chunk_size=2000):
            number, messages = row
            for column, message in messages:
                self.stdout.write(f"row {number}, column {column}: {message}")
