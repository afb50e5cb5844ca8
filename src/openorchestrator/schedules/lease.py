"""The scheduler lease: one process per database schedules the bots and sends notifications.

A row in `leases` names the holder (`machine:pid:tag`, see `core/process.py`) and when its claim runs out. The
holder renews it every few seconds; another process takes it over when it has run out, or at once when the
holder was a process on this machine that no longer exists. The runs a gone holder left `running` are then
stranded, and `gone` tells the engine whose they were.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from openorchestrator.core.clock import Clock
from openorchestrator.core.process import holder_is_gone, machine
from openorchestrator.db.models import Lease

log = logging.getLogger(__name__)

LEASE_NAME = "scheduler"


class SchedulerLease:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        *,
        seconds: float,
        gone: Callable[[str], None],
    ) -> None:
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.seconds = seconds
        self._gone = gone
        """Told the id of a previous holder that is gone (its running runs are stranded)."""
        self.holder = f"{machine()}:{os.getpid()}:{secrets.token_hex(3)}"
        """This process's id."""
        self.leader: str | None = None
        """Who held the lease at the last claim."""

    async def claim(self) -> bool:
        now = self.clock.now()
        expires = now + timedelta(seconds=self.seconds)
        async with self.sessionmaker() as session:
            previous = await session.scalar(select(Lease.holder).where(Lease.name == LEASE_NAME))
            moved = await session.execute(
                update(Lease)
                .where(Lease.name == LEASE_NAME, or_(Lease.holder == self.holder, Lease.expires_at < now))
                .values(holder=self.holder, expires_at=expires)
            )
            if moved.rowcount == 1:  # type: ignore[attr-defined]
                if previous is not None and previous != self.holder:
                    self._gone(previous)  # its lease ran out: its running runs are stranded
                await session.commit()
                self.leader = self.holder
                return True
            self.leader = await session.scalar(select(Lease.holder).where(Lease.name == LEASE_NAME))
            if self.leader is not None and holder_is_gone(self.leader):  # killed on this machine: no need to wait
                taken = await session.execute(
                    update(Lease)
                    .where(Lease.name == LEASE_NAME, Lease.holder == self.leader)
                    .values(holder=self.holder, expires_at=expires)
                )
                await session.commit()
                if taken.rowcount == 1:  # type: ignore[attr-defined]
                    self._gone(self.leader)
                    log.info("lease: the previous scheduling process (%s) is gone; taking over", self.leader)
                    self.leader = self.holder
                    return True
                return False
            if self.leader is not None:
                return False
            session.add(Lease(name=LEASE_NAME, holder=self.holder, expires_at=expires))
            try:
                await session.commit()
            except IntegrityError:  # another process inserted it a moment ago
                await session.rollback()
                self.leader = await session.scalar(select(Lease.holder).where(Lease.name == LEASE_NAME))
                return False
        self.leader = self.holder
        return True

    async def release(self) -> None:
        """Hand over at once on a normal stop: the lease is left expired."""
        try:
            async with self.sessionmaker() as session:
                await session.execute(
                    update(Lease)
                    .where(Lease.name == LEASE_NAME, Lease.holder == self.holder)
                    .values(expires_at=datetime(1970, 1, 1, tzinfo=UTC))
                )
                await session.commit()
        except Exception:  # the database may be gone already; the lease then simply runs out
            log.warning("lease: could not release the lease", exc_info=True)
