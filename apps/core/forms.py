"""Form plumbing shared by every app."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render


def add_service_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: each field's messages on that field where
    the form has it, everything else on the form itself."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def form_page(request, form, *, save, message: str, detail_url: str, template: str, context: dict | None = None):
    """The create/edit page of every app: a valid form goes to the service (`save(form)` returns
    the saved row); the service's ValidationError comes back onto the form; on success the
    message and a redirect to the row's page (`detail_url`, a URL name taking pk)."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect(detail_url, pk=saved.pk)
    return render(request, template, {"form": form, **(context or {})})
