"""The pure side of the privacy commands and the daily purge: the options a member or moderator
types, what the commands answer, and when the purge runs and what it reports (the cog passes
the clock in)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Literal

from bot.digest.headline import plural
from bot.errors import UserFacingError
from bot.store.records import MAX_RETENTION_DAYS, MIN_RETENTION_DAYS, ContentMode, PrivacySettings

# `/clamor forget-me confirm:` — a required choice stands in for a Confirm button, so nobody
# erases their history by a stray Enter.
Confirmation = Literal["yes", "no"]
CONFIRM_CHOICES: dict[Confirmation, str] = {
    "yes": "yes: erase what Clamor logged of me here and stop logging me",
    "no": "no: keep everything as it is",
}


def checked_retention_days(days: int) -> int:
    """`days` if it is an allowed retention period; else a one-line refusal."""
    if not MIN_RETENTION_DAYS <= days <= MAX_RETENTION_DAYS:
        raise UserFacingError(
            f"{days} days is not a retention period I keep: pick {MIN_RETENTION_DAYS} to "
            f"{MAX_RETENTION_DAYS} days (90 is the default)."
        )
    return days


UNDO_FORGET = "`/clamor remember-me` lets me count your messages again"
STORED_PER_MESSAGE = (
    "for each request message: its id, channel and time, a keyed hash of its author (never "
    "the Discord id), its text (unless text is dropped), language, tone scores, reaction, "
    "the targets and alternatives named, and the cues behind the verdict; also hourly message "
    "counts per channel, which channel each thread belongs to (ids only), this server's "
    "settings and terms, and moderators' corrections"
)


def forget_me_answer(erased: int, *, already: bool) -> str:
    head = (
        "You had already opted out; I erased anything left"
        if already
        else "Done: I erased what I had logged of you"
    )
    return (
        f"{head} in this server ({plural(erased, 'message')}) and I will not log you here "
        f"from now on. {UNDO_FORGET} (what was erased stays erased)."
    )


FORGET_ME_DECLINED = (
    "Nothing changed: I keep counting your request messages here. Run `/clamor forget-me "
    "confirm:yes` to erase them and stop."
)


def remember_me_answer(changed: bool) -> str:
    if changed:
        return (
            "I count your request messages in this server again from now on; what was "
            "erased stays erased."
        )
    return (
        "You had not opted out, so nothing changed: `/clamor forget-me` erases what I logged "
        "of you and stops logging you."
    )


def forget_member_answer(mention: str, erased: int, *, already: bool) -> str:
    was = " (they had already opted out)" if already else ""
    return (
        f"Erased {plural(erased, 'logged message')} of {mention} in this server; I will not "
        f"log them here from now on{was}. They can undo the opt-out with `/clamor remember-me`."
    )


def retention_answer(days: int, previous: int) -> str:
    if days == previous:
        return f"The retention period already is {plural(days, 'day')}; nothing changed."
    sooner = " Older text is erased at the next daily purge." if days < previous else ""
    return (
        f"Message text, cues and author hashes are now kept for {plural(days, 'day')} (was "
        f"{previous}), then erased; counts and tone stay in the daily totals.{sooner}"
    )


def content_mode_answer(mode: ContentMode, previous: ContentMode, erased: int) -> str:
    if mode == previous:
        state = "dropped" if mode == "drop" else "kept"
        return f"Message text already is {state} (`{mode}`); nothing changed."
    if mode == "drop":
        return (
            "I no longer store message text here. Warning: the text of "
            f"{plural(erased, 'logged message')} was erased just now and cannot come back; "
            "digests will quote no messages. Counts, tone and reactions are still kept."
        )
    return (
        "I store the text of new request messages again (until the retention period ends); "
        "text erased earlier does not come back."
    )


def grace_phrase(grace_days: int) -> str:
    if grace_days == 0:
        return "at once"
    return f"{plural(grace_days, 'day')} later, unless I am added back before that"


def describe_privacy(settings: PrivacySettings, opted_out: int, grace_days: int) -> str:
    """`/clamor-mod privacy show`: the settings, and what is stored under them."""
    days = plural(settings.retention_days, "day")
    text = (
        "kept (`privacy content mode:drop` stops storing it)"
        if settings.content_mode == "keep"
        else "not stored (`drop`): digests quote no messages"
    )
    return "\n".join(
        [
            f"**Retention:** {days}: text, cues and author hashes older than that are erased "
            "by a daily purge; counts and tone stay in the daily totals.",
            f"**Message text:** {text}.",
            f"**Opted out:** {plural(opted_out, 'member')} (never logged here; "
            "`/clamor forget-me`, or `/clamor-mod forget user:`).",
            f"**Stored:** {STORED_PER_MESSAGE}.",
            f"**If I am removed from this server:** all of its data is erased "
            f"{grace_phrase(grace_days)}.",
        ]
    )


def privacy_status_line(settings: PrivacySettings, opted_out: int) -> str:
    """The line `/clamor status` shows every member."""
    if settings.content_mode == "keep":
        text = f"message text kept {plural(settings.retention_days, 'day')}"
    else:
        text = "message text not stored"
    opted = f" · {plural(opted_out, 'member')} opted out" if opted_out else ""
    return f"**Privacy:** {text}{opted} · `/clamor forget-me` erases what I logged of you"


DAY_SECONDS = 86_400.0


def utc_day(now: float) -> date:
    return datetime.fromtimestamp(now, UTC).date()


def purge_due(last_purge_day: date | None, now: float) -> bool:
    """At start-up (nothing run yet) and then once per UTC day.

    Keyed on the day rather than "24 hours since" so a purge that ran late (the bot was down)
    does not push every later purge late too.
    """
    return last_purge_day is None or utc_day(now) != last_purge_day


def grace_seconds(grace_days: int) -> float:
    return grace_days * DAY_SECONDS


def describe_purge(expired: Mapping[int, int], departed: Sequence[int]) -> str:
    """One log line: rows erased per guild by retention, and guilds erased after leaving."""
    if not expired and not departed:
        return "privacy purge: nothing to erase"
    parts: list[str] = []
    if expired:
        per_guild = ", ".join(f"{guild}: {rows}" for guild, rows in sorted(expired.items()))
        parts.append(
            f"erased text and authors of {plural(sum(expired.values()), 'row')} ({per_guild})"
        )
    if departed:
        guilds = ", ".join(str(guild) for guild in sorted(departed))
        parts.append(f"erased every row of {plural(len(departed), 'departed guild')} ({guilds})")
    return "privacy purge: " + "; ".join(parts)
