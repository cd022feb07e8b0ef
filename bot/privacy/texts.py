"""What the privacy commands answer: one short ephemeral message each, in plain words."""

from __future__ import annotations

from bot.digest.headline import plural
from bot.store.records import ContentMode, PrivacySettings

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
