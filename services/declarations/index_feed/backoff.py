"""How long the relay waits before trying a failed entry again."""

from __future__ import annotations

MAX_BACKOFF_SECONDS = 300.0


def backoff_seconds(attempts: int) -> float:
    """Wait after ``attempts`` failures: 1, 2, 4 ... seconds, at most five minutes."""
    return float(min(2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS))
