"""Secret checks take turns: a bounded number at once, waiting callers served by address.

An argon2id check costs tens of milliseconds of CPU and 64 MiB by design. Run
without a bound, a flood of token requests takes every core; run under a global
first-come queue, one address's flood puts every other caller behind it. Here at
most ``concurrency`` checks run at once, and a freed slot goes to the next
*address* in turn (round robin), not the next request: a ministry asking for its
token waits behind at most one check per flooding address, however many requests
each floods with. An address with ``per_address_waiting`` requests already waiting
is told to slow down (:class:`GateFull`, answered 429).

Lives on the event loop (anyio); nothing here is shared across threads.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Callable
from typing import TypeVar

import anyio
import anyio.to_thread

T = TypeVar("T")


class GateFull(Exception):
    """This address already has as many checks waiting as it may."""


class CheckGate:
    """Bounded, per-address round-robin admission for CPU-heavy secret checks."""

    def __init__(self, *, concurrency: int, per_address_waiting: int) -> None:
        self.concurrency = concurrency
        self.per_address_waiting = per_address_waiting
        self._running = 0
        # Waiting callers by address, addresses in the order they are served next.
        self._waiting: OrderedDict[str, deque[anyio.Event]] = OrderedDict()
        self._threads = anyio.CapacityLimiter(concurrency)

    @property
    def running(self) -> int:
        """Checks running now."""
        return self._running

    @property
    def waiting(self) -> int:
        """Callers waiting for a turn, all addresses together."""
        return sum(len(queue) for queue in self._waiting.values())

    async def run(self, address: str | None, check: Callable[[], T]) -> T:
        """Run ``check`` in a worker thread when this address's turn comes."""
        await self._acquire(address or "")
        try:
            return await anyio.to_thread.run_sync(check, limiter=self._threads)
        finally:
            self._release()

    async def _acquire(self, address: str) -> None:
        if self._running < self.concurrency and not self._waiting:
            self._running += 1
            return
        queue = self._waiting.setdefault(address, deque())
        if len(queue) >= self.per_address_waiting:
            if not queue:
                del self._waiting[address]
            raise GateFull(address)
        turn = anyio.Event()
        queue.append(turn)
        try:
            await turn.wait()
        except BaseException:
            if turn.is_set():
                # The slot was handed over as this caller was cancelled: pass it on.
                self._release()
            else:
                queue.remove(turn)
                if not queue:
                    self._waiting.pop(address, None)
            raise

    def _release(self) -> None:
        """Hand the slot to the first waiter of the next address, or free it."""
        if not self._waiting:
            self._running -= 1
            return
        address, queue = self._waiting.popitem(last=False)
        turn = queue.popleft()
        if queue:
            self._waiting[address] = queue  # back of the line for this address
        turn.set()
