"""Store -> Digest: the queries a digest needs, then the pure build.

Rows come with moderators' label corrections applied: a message relabelled `not-a-request` is left
out, a relabelled category replaces the logged one.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from bot.digest.build import build_digest
from bot.digest.model import Digest, Period
from bot.store import Store


async def digest_from_store(
    store: Store,
    *,
    guild_id: int,
    guild_name: str,
    period: Period,
    channel_names: Mapping[int, str] | None = None,
    channel_id: int | None = None,
    quotable_channels: Collection[int] | None = None,
) -> Digest:
    before = period.previous()
    rows = await store.corrected_requests_between(guild_id, period.start, period.end, channel_id)
    hours = await store.volume_hours(guild_id, period.start, period.end, channel_id)
    previous_rows = await store.corrected_requests_between(
        guild_id, before.start, before.end, channel_id
    )
    previous_seen = await store.volume_between(guild_id, before.start, before.end, channel_id)
    return build_digest(
        guild_id=guild_id,
        guild_name=guild_name,
        period=period,
        rows=rows,
        volume_hours=hours,
        previous_rows=previous_rows,
        previous_seen=previous_seen,
        channel_names=channel_names,
        quotable_channels=quotable_channels,
    )
