"""The world every fake server starts with unless a test brings its own."""

from __future__ import annotations

from .entities import MANAGE_GUILD, MANAGE_MESSAGES, WORLD_CREATED, ChannelType, FakeUser
from .snowflakes import SnowflakeFactory
from .world import World

MAIN_GUILD = "Open Models Fan Club"
OTHER_GUILD = "Quiet Corner"


def default_world() -> World:
    """Two guilds, so tests can check that one server's data never leaks into the other.

    Main guild: owner `ada`, moderator `alice` (Manage Server), members `bob` and `carol`;
    text channels #general, #open-source, #digests, news #announcements, forum #ideas and a
    thread "will they ever release it" under #general. Other guild: owner `dave`, #general.
    """
    ids = SnowflakeFactory()
    bot = FakeUser(ids.at(WORLD_CREATED), "clamor", bot=True, global_name="Clamor")
    world = World(ids=ids, application_id=bot.id, bot=bot, users={bot.id: bot})
    ada, alice, bob, carol, dave = (
        world.add_user(name) for name in ("ada", "alice", "bob", "carol", "dave")
    )

    main = world.add_guild(MAIN_GUILD, owner=ada)
    moderator = world.add_role(main, "Moderator", MANAGE_GUILD | MANAGE_MESSAGES)
    world.add_member(main, alice, moderator)
    world.add_member(main, bob)
    world.add_member(main, carol)
    community = world.add_channel(main, "Community", ChannelType.CATEGORY)
    general = world.add_channel(main, "general", parent=community, topic="Anything goes")
    world.add_channel(main, "open-source", parent=community, topic="Release the weights!")
    world.add_channel(main, "digests", parent=community)
    world.add_channel(main, "announcements", ChannelType.NEWS, parent=community)
    world.add_channel(main, "ideas", ChannelType.FORUM, parent=community)
    world.add_channel(main, "will they ever release it", ChannelType.PUBLIC_THREAD, parent=general)

    other = world.add_guild(OTHER_GUILD, owner=dave)
    world.add_channel(other, "general")
    return world
