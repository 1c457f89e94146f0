"""Child process of the import benchmark: one roster import, its peak memory, as JSON.

    python -m apps.core.benchmarking.child FILE ORG_CODE

Prints {"status", "seconds", "written", "baseline_mib", "peak_mib"} on its last line.
`baseline_mib` is the resident size after Django's start; `peak_mib` the highest resident size.
"""

import json
import os
import resource
import sys


def memory_mib() -> tuple[float, float]:
    """(current, peak) resident size of this process in MiB.

    VmRSS/VmHWM from /proc: ru_maxrss would not do, as Linux carries the parent's high-water
    mark across fork and exec into the child."""
    values = {}
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    key, amount, _unit = line.split()
                    values[key] = int(amount) / 1024
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return peak, peak
    return values["VmRSS:"], values["VmHWM:"]


def main(path: str, org_code: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")
    import django

    django.setup()
    from pathlib import Path

    from apps.core.benchmarking.imports import import_roster_once
    from apps.members.models import Member

    Member.objects.exists()  # open the connection before the baseline
    baseline, _peak = memory_mib()
    result = import_roster_once(Path(path), org_code)
    result["baseline_mib"] = round(baseline, 1)
    result["peak_mib"] = round(memory_mib()[1], 1)
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main(*sys.argv[1:3])
