"""How much of one kind of work a process takes on at once."""

from __future__ import annotations

import asyncio
import weakref


class LoopSemaphore:
    """A semaphore of `value` for each running event loop: an asyncio.Semaphore belongs to the loop it
    first waits on, and a process may run more than one loop (the test suite does)."""

    def __init__(self, value: int) -> None:
        self.value = value
        self._semaphores: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )

    def __call__(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        semaphore = self._semaphores.get(loop)
        if semaphore is None:
            semaphore = self._semaphores[loop] = asyncio.Semaphore(self.value)
        return semaphore
