import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")
application = get_wsgi_application()

# Everything loaded so far (Django, the apps, their models and URLs) lives as long as the
# process: moved out of the collector's reach, a full collection no longer walks it. Without
# this every fifth dashboard view paid ~70 ms for one (the kept dashboard's thousands of small
# objects trigger it; docs/PERFORMANCE.md "Evening run"), and every page paid it now and then.
gc.freeze()
