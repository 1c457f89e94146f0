from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.spreadsheets.reader import limit, size_limit_message

# Above this many organizations in scope (county and city staff) the organization is
# typed by code instead of picked from a list of thousands.
MAX_CHOICES = 300


class ImportUploadForm(forms.Form):
    """Which organization the file goes into, and the file; shared by every upload kind."""

    organization = forms.ModelChoiceField(queryset=None, to_field_name="code", label=_("union organization"))
    file = forms.FileField(
        label=_("file"), help_text=_("An .xlsx or .csv file (UTF-8 or GBK) laid out like the template.")
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        field.queryset = organizations
        if organizations.count() > MAX_CHOICES:
            field.widget = forms.TextInput(attrs={"placeholder": _("organization code")})
            field.label = _("%(label)s (code)") % {"label": field.label}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > limit("IMPORT_MAX_FILE_BYTES"):
            raise forms.ValidationError(size_limit_message())
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload
