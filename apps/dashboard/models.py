from django.db import models
from django.utils.translation import gettext_lazy as _


class DashboardSnapshot(models.Model):
    """A federation's dashboard for one period, as computed at `computed_at` (issue 19 item 5).

    Why kept, and why here: the city's dashboard reads some 150,000 rows of six apps (events,
    trainings and hazards of two periods, the ledger, the members' months) for every view —
    about 190 ms of the 200 ms goal at city size, growing with the city. Leaders open the
    same few dashboards (the city and each county, this year, last year, this and last
    month) and a meeting-room screen polls one all day, so the beat task
    (tasks.refresh_dashboard_snapshots, every 10 minutes) computes those in advance and the
    page serves them with the time they were computed. A snapshot older than
    snapshots.MAX_AGE is never shown: the page computes live instead, as it does for a custom
    range, a union's dashboard and the xlsx export. In the database rather than in Redis: a
    transaction (and a test) sees its own snapshots only, and a Redis restart loses none.

    `key` names the organization, the period and the language (snapshots.key); `panels` is the pickled list of (panel key, PanelData) that the page
    renders — written only by this application, never from input.
    """

    key = models.CharField(_("key"), max_length=200, unique=True)
    computed_at = models.DateTimeField(_("computed at"))
    panels = models.BinaryField(_("panels"))

    class Meta:
        verbose_name = _("dashboard snapshot")
        verbose_name_plural = _("dashboard snapshots")
        indexes = [models.Index(fields=["computed_at"], name="dashboard_snapshot_age_idx")]

    def __str__(self):
        return self.key
