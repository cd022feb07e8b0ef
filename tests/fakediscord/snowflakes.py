"""Discord-shaped ids and timestamps for the fake server."""

from __future__ import annotations

from datetime import UTC, datetime

DISCORD_EPOCH_MS = 1_420_070_400_000
_WORKER_BITS = 1 << 17  # worker 1, process 0: any constant works, real ids carry one too


def snowflake_time(snowflake: int) -> datetime:
    """The creation time encoded in a snowflake (what discord.py's `created_at` reads)."""
    return datetime.fromtimestamp(((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000, tz=UTC)


def iso(moment: datetime) -> str:
    """ISO-8601 with an explicit offset, the way Discord writes timestamps."""
    return moment.astimezone(UTC).isoformat()


def utcnow() -> datetime:
    return datetime.now(UTC)


class SnowflakeFactory:
    """Hands out unique snowflakes whose embedded time is the time asked for.

    Tests often back-date messages (yesterday's digest, last week's trend), so the id has to
    encode the message's timestamp or discord.py's `created_at` and history paging disagree
    with the message's own `timestamp`.
    """

    def __init__(self) -> None:
        self._issued: set[int] = set()
        self._increment = 0
        self._latest_now = 0

    def at(self, moment: datetime) -> int:
        millis = int(moment.timestamp() * 1000) - DISCORD_EPOCH_MS
        if millis < 0:
            raise ValueError(f"{moment} is before the Discord epoch")
        while True:
            self._increment = (self._increment + 1) % 4096
            candidate = (millis << 22) | _WORKER_BITS | self._increment
            if candidate not in self._issued:
                self._issued.add(candidate)
                return candidate

    def now(self) -> int:
        """A fresh id, greater than every earlier `now()` id: history order = call order."""
        candidate = self.at(utcnow())
        if candidate <= self._latest_now:
            candidate = self._latest_now + 1
            while candidate in self._issued:
                candidate += 1
            self._issued.add(candidate)
        self._latest_now = candidate
        return candidate
