# English writes dates and times as Chinese does: one format across the portal.
from unionportal.formats.zh_Hans.formats import *  # noqa: F403
