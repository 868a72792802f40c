"""The project's one step timer: wall seconds, CPU seconds and peak memory per named step.

The build reports how long each stage took and the link stage reports each of its steps;
both use :class:`StepTimer`, so a report always means the same thing by "seconds".
"""
from __future__ import annotations

import time

__all__ = ["StepTimer", "peak_mib"]


def peak_mib() -> int:
    """The process's peak resident memory so far, in MiB (0 where the platform cannot say)."""
    try:
        import resource

        return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    except (ImportError, OSError):
        return 0


class StepTimer:
    """Lap a named step: adds the time since the last lap to ``seconds[step]`` (and CPU, memory).

    The dictionaries are the caller's (a report's fields), so the timer holds no results of
    its own; ``cpu`` and ``peak`` are optional.
    """

    def __init__(self, seconds: dict[str, float], cpu: dict[str, float] | None = None,
                 peak: dict[str, int] | None = None) -> None:
        self.seconds, self.cpu, self.peak = seconds, cpu, peak
        self.last, self.last_cpu = time.perf_counter(), time.process_time()

    def lap(self, step: str) -> None:
        """Close ``step`` (accumulating if it was lapped before) and start the next."""
        now, cpu = time.perf_counter(), time.process_time()
        self.seconds[step] = round(self.seconds.get(step, 0.0) + now - self.last, 3)
        if self.cpu is not None:
            self.cpu[step] = round(self.cpu.get(step, 0.0) + cpu - self.last_cpu, 3)
        if self.peak is not None:
            self.peak[step] = peak_mib()
        self.last, self.last_cpu = now, cpu
