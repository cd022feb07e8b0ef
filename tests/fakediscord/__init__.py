"""A fake Discord (REST v10 + gateway v10) on loopback, for end-to-end tests of the real client.

async with FakeDiscord() as fake:            # or the `fake_discord` fixture (tests/e2e)
    connect_discord_py(monkeypatch, fake)
    async with running_bot(MyBot(), fake) as bot:
        await fake.send_user_message(fake.channel("general"), fake.user("bob"), "hi")
"""

from .default_world import MAIN_GUILD, OTHER_GUILD, default_world
from .entities import ChannelType, FakeChannel, FakeMember, FakeOverwrite, FakeRole, FakeUser
from .fake import FakeDiscord
from .harness import assert_no_stray_tasks, connect_discord_py, running_bot
from .http_util import RecordedRequest
from .interactions import CallbackRecord, InteractionHandle, UploadedFile
from .messages import EPHEMERAL, LOADING, StoredAttachment, StoredMessage, select_history
from .notify import ChangeNotifier
from .world import FakeGuild, World

__all__ = [
    "EPHEMERAL",
    "LOADING",
    "MAIN_GUILD",
    "OTHER_GUILD",
    "CallbackRecord",
    "ChangeNotifier",
    "ChannelType",
    "FakeChannel",
    "FakeDiscord",
    "FakeGuild",
    "FakeMember",
    "FakeOverwrite",
    "FakeRole",
    "FakeUser",
    "InteractionHandle",
    "RecordedRequest",
    "StoredAttachment",
    "StoredMessage",
    "UploadedFile",
    "World",
    "assert_no_stray_tasks",
    "connect_discord_py",
    "default_world",
    "running_bot",
    "select_history",
]
