"""The upload kinds: each app registers its own from its AppConfig.ready().

The pipeline stores a job's kind as a plain string and looks the importer up here, so a
new kind of upload is one registration in the app that owns it — no enum, no migration
and no edit in the pipeline.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class UploadKind:
    """Everything the shared pages need to know about one kind of upload."""

    code: str  # stored in ImportJob.kind, at most 16 characters
    label: str  # what the pages call it, e.g. "roster upload"
    importer: type  # a subclass of apps.imports.importer.BaseImporter (columns, capability)
    url_prefix: str  # the URL names of its pages start so: "members:roster_" + "upload"/"detail"/…
    upload_template: str  # the upload page, explaining its own file
    write_template: Callable[[object], None]  # writes the .xlsx template to a binary file
    template_filename: str  # what the downloaded template is called
    preview_columns: tuple[tuple[str, str], ...] = ()  # (field, label) shown for each row
    # Organization kinds an upload may go into (empty: any in the user's scope).
    organization_kinds: tuple[str, ...] = ()
    # What the job page says, instead of offering a commit, when every row is unchanged.
    nothing_to_commit: str = _("Nothing would change: every row is already recorded.")


_KINDS: dict[str, UploadKind] = {}


def register_upload_kind(kind: UploadKind) -> None:
    registered = _KINDS.get(kind.code)
    if registered is not None and registered != kind:
        raise ValueError(f"upload kind {kind.code!r} is already registered by {registered.importer!r}")
    _KINDS[kind.code] = kind


def upload_kind(code: str) -> UploadKind:
    try:
        return _KINDS[code]
    except KeyError:
        raise LookupError(f"unknown upload kind {code!r}") from None


def upload_kinds() -> list[UploadKind]:
    return list(_KINDS.values())


def validate_kind(value: str) -> None:
    if value not in _KINDS:
        raise ValidationError(_("Unknown upload kind %(kind)s.") % {"kind": value}, code="invalid")
