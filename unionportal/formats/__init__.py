"""FORMAT_MODULE_PATH: one way to write dates and times across the portal, in every language.

Django's Chinese formats would write 2021年3月22日 where the member pages wrote 1995-01-08.
Templates use `|date` (dates) and `|date:"DATETIME_FORMAT"` (times) with no format of
their own, and django-tables2's date columns use the SHORT_ formats, so all of them follow
zh_Hans/formats.py; en/formats.py takes the same.
"""
