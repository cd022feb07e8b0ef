"""Posting on the bot's own schedule (digests, alerts), where no interaction can show an error:
each way Discord refuses a post becomes one line the moderators see in `/clamor status` or
`/clamor-mod alerts`."""

from __future__ import annotations

from typing import Any

import aiohttp
import discord


class PostError(Exception):
    """Why a scheduled post could not be made, in words for a moderator."""


async def post_to(
    channel: discord.TextChannel, error: type[PostError], **options: Any
) -> discord.Message:
    """`channel.send(**options)`; a refusal or a network failure raises `error` with the
    reason in words."""
    try:
        return await channel.send(**options)
    except discord.Forbidden:
        raise error(
            f"no permission to post in #{channel.name} (needs Send Messages and Embed Links)"
        ) from None
    except discord.NotFound:
        raise error(f"#{channel.name} no longer exists") from None
    except discord.HTTPException as exc:
        raise error(f"Discord refused the post ({exc.status})") from None
    except (OSError, TimeoutError, aiohttp.ClientError) as exc:
        raise error(f"could not reach Discord ({exc.__class__.__name__})") from None
