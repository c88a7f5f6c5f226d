"""The wait before the next attempt of a delivery that failed: doubling, capped, jittered.

The jitter draws from this module's own generator, never from the global ``random``
module: workers run beside request handling (and beside Hypothesis in the tests,
which treats any change to the global generator's state while it draws a case as a
fault of the test and reports it as a failure it cannot reproduce).
"""

from __future__ import annotations

import random
from datetime import timedelta

_jitter = random.Random()  # noqa: S311 (spreads retries; not a secret)


def backoff(attempts: int, *, base_seconds: float, max_seconds: float) -> timedelta:
    """The wait after the ``attempts``-th failure: ``base * 2**(attempts-1)`` capped at
    ``max_seconds``, then a random half to whole of it (so failed senders spread out)."""
    ceiling = min(max_seconds, base_seconds * 2 ** (attempts - 1))
    return timedelta(seconds=ceiling * _jitter.uniform(0.5, 1.0))
