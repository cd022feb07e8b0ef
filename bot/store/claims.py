"""Claims that let several processes share one bot (sharding) without doing a job twice.

A claim is one atomic statement that at most one process can win: the daily digest of a guild
for a local day (a digest_runs row, written before the post and completed with the message id by
`record_digest_run`), and a guild's spike-alert check (a lease on its alert_settings row, held
while the cooldown is read, the alert posted and recorded). Each claim names the process and the
time, so a claim left behind by a crashed process can be taken over once it is `stale_after`
seconds old instead of losing the day.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.database import Database

# ?1 guild, ?2 day, ?3 claimer, ?4 now, ?5 stale_before, ?6 timezone. A posted run is never taken;
# an unposted one is when it is this claimer's own (a retry after its failure), has no claim (a
# failure recorded before claims existed) or its claim is older than the stale limit.
_CLAIM_DIGEST = """
    INSERT INTO digest_runs (guild_id, local_day, timezone, claimed_by, claimed_at)
    VALUES (?1, ?2, ?6, ?3, ?4)
    ON CONFLICT (guild_id, local_day, timezone) DO UPDATE SET
        claimed_by = excluded.claimed_by,
        claimed_at = excluded.claimed_at
    WHERE digest_runs.message_id IS NULL
      AND (digest_runs.claimed_at IS NULL
           OR digest_runs.claimed_by = excluded.claimed_by
           OR digest_runs.claimed_at <= ?5)
"""

# ?1 guild, ?2 claimer, ?3 now, ?4 stale_before.
_CLAIM_ALERT_CHECK = """
    UPDATE alert_settings SET claimed_by = ?2, claimed_at = ?3
    WHERE guild_id = ?1 AND (claimed_at IS NULL OR claimed_by = ?2 OR claimed_at <= ?4)
"""


@dataclass(frozen=True, slots=True)
class DigestClaim:
    """Who claimed a guild's digest for a local day, and the message once posted."""

    guild_id: int
    local_day: str
    claimed_by: str | None
    claimed_at: float | None
    message_id: int | None


class ClaimQueries(Database):
    async def claim_digest_run(
        self,
        guild_id: int,
        local_day: str,
        *,
        timezone: str,
        claimer: str,
        now: float,
        stale_after: float,
    ) -> bool:
        """Claim the right to post the guild's digest for `local_day` ("YYYY-MM-DD") in
        `timezone`; True if `claimer` holds it now. False while another process's claim is
        younger than `stale_after` seconds, and always once the digest has been posted."""
        changed = await self._write(
            _CLAIM_DIGEST, (guild_id, local_day, claimer, now, now - stale_after, timezone)
        )
        return changed > 0

    async def release_digest_claim(
        self, guild_id: int, local_day: str, *, timezone: str, claimer: str
    ) -> None:
        """Give up `claimer`'s claim of a digest it could not post, so the day stays open for
        a retry (by any process) instead of waiting for the claim to go stale."""
        await self._write(
            "DELETE FROM digest_runs WHERE guild_id = ? AND local_day = ? AND timezone = ? "
            "AND claimed_by = ? AND message_id IS NULL",
            (guild_id, local_day, timezone, claimer),
        )

    async def digest_claim(self, guild_id: int, local_day: str) -> DigestClaim | None:
        """The claim of `local_day`; after a change of zone, the one claimed last."""
        row = await self._fetch_one(
            "SELECT guild_id, local_day, claimed_by, claimed_at, message_id FROM digest_runs "
            "WHERE guild_id = ? AND local_day = ? "
            "ORDER BY claimed_at IS NULL, claimed_at DESC LIMIT 1",
            (guild_id, local_day),
        )
        if row is None:
            return None
        return DigestClaim(
            guild_id=row["guild_id"],
            local_day=row["local_day"],
            claimed_by=row["claimed_by"],
            claimed_at=row["claimed_at"],
            message_id=row["message_id"],
        )

    async def claim_alert_check(
        self, guild_id: int, *, claimer: str, now: float, stale_after: float
    ) -> bool:
        """Take the guild's spike-alert lease; True if `claimer` holds it now. False while
        another process holds one younger than `stale_after` seconds, or alerts are off."""
        changed = await self._write(_CLAIM_ALERT_CHECK, (guild_id, claimer, now, now - stale_after))
        return changed > 0

    async def release_alert_check(self, guild_id: int, *, claimer: str) -> None:
        await self._write(
            "UPDATE alert_settings SET claimed_by = NULL, claimed_at = NULL "
            "WHERE guild_id = ? AND claimed_by = ?",
            (guild_id, claimer),
        )
