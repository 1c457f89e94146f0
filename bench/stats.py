"""Percentiles and the timing loop of the benchmark."""

import math
import resource
import time
from dataclasses import asdict, dataclass


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile (p95 of 30 samples is the 29th smallest)."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Timing:
    runs: int
    p50_ms: float
    p95_ms: float
    max_ms: float

    def as_dict(self) -> dict:
        return {k: round(v, 1) if isinstance(v, float) else v for k, v in asdict(self).items()}


def timing_of(samples: list[float]) -> Timing:
    """p50/p95/max of samples in ms."""
    return Timing(runs=len(samples), p50_ms=percentile(samples, 0.5), p95_ms=percentile(samples, 0.95),
                  max_ms=max(samples))


def time_repeatedly(action, *, repeats: int, warmup: int) -> Timing:
    """Run `action` warmup times untimed, then `repeats` times timed (wall clock, ms)."""
    return time_parts([action], repeats=repeats, warmup=warmup)[0]


def time_parts(actions, *, repeats: int, warmup: int) -> tuple[Timing, list[Timing]]:
    """Run the actions one after another (a page, then the partials it loads), warmup times
    untimed, then `repeats` times timed: the timing of the whole sequence and of each part."""
    for _ in range(warmup):
        for action in actions:
            action()
    totals, each = [], [[] for _ in actions]
    for _ in range(repeats):
        total = 0.0
        for samples, action in zip(each, actions, strict=True):
            started = time.perf_counter()
            action()
            elapsed = (time.perf_counter() - started) * 1000
            samples.append(elapsed)
            total += elapsed
        totals.append(total)
    return timing_of(totals), [timing_of(samples) for samples in each]


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
