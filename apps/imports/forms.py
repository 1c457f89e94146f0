from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.spreadsheets.reader import limit, size_limit_message
from apps.organizations.picker import OrganizationChoiceField


class ImportUploadForm(forms.Form):
    """Which organization the file goes into, and the file; shared by every upload kind.

    The organization is picked by name or code from the user's scope (county and city
    staff have hundreds or thousands), of the kinds the upload kind allows."""

    organization = OrganizationChoiceField(label=_("union organization"))
    file = forms.FileField(
        label=_("file"), help_text=_("An .xlsx or .csv file (UTF-8 or GBK) laid out like the template.")
    )

    def __init__(self, *args, actor, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Any status, as before the picker: which organizations take an upload is the kind's rule.
        self.fields["organization"].limit_to(actor, kinds=kinds, active_only=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > limit("IMPORT_MAX_FILE_BYTES"):
            raise forms.ValidationError(size_limit_message())
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload
