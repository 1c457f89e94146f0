"""Child process of the import benchmark: one roster import, its peak memory, as JSON.

    python -m bench.child FILE ORG_CODE

Prints {"status", "seconds", "written", "baseline_mib", "peak_mib"} on its last line.
`baseline_mib` is the resident size after Django's start; `peak_mib` the highest resident size.
"""

import json
import os
import sys


def main(path: str, org_code: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")
    import django

    django.setup()
    from pathlib import Path

    from apps.members.models import Member
    from bench.imports import import_roster_once
    from bench.stats import memory_mib

    Member.objects.exists()  # open the connection before the baseline
    baseline, _peak = memory_mib()
    result = import_roster_once(Path(path), org_code)
    result["baseline_mib"] = round(baseline, 1)
    result["peak_mib"] = round(memory_mib()[1], 1)
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main(*sys.argv[1:3])
