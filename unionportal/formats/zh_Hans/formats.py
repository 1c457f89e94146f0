# The portal's one date and time format (unionportal/formats/__init__.py says why).
DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
TIME_FORMAT = "H:i"
# What a date field parses, after apps.core.widgets.DateInput turned the clerk's 2023/1/15 or
# 2023年1月15日 into this: so 01/05/2023 means nothing in English either, instead of 5 January.
DATE_INPUT_FORMATS = ["%Y-%m-%d"]
