"""Who is on a team named by `--team-role`: role ids and names, as exports write them."""

from __future__ import annotations

from bot.chat_import.records import ExportRole
from bot.chat_import.team import NO_TEAM, Team, roles_nobody_has

MAINTAINERS = ExportRole(1150000000000000001, "Maintainers")
YEAR = ExportRole(1150000000000000007, "2024")  # a name that looks like an id


def test_a_role_is_named_by_id_or_by_name_in_any_case() -> None:
    assert Team.named(["maintainers"]).wrote([MAINTAINERS])
    assert Team.named(["1150000000000000001"]).wrote([MAINTAINERS])
    assert Team.named(["2024"]).wrote([YEAR])  # a number is tried as a name too
    assert not Team.named(["Maintainer"]).wrote([MAINTAINERS])


def test_unknown_roles_are_nobodys_team() -> None:
    team = Team.named(["Maintainers"])
    assert not team.wrote(None)  # an export without roles
    assert not team.wrote(())
    assert not NO_TEAM
    assert not NO_TEAM.wrote([MAINTAINERS])


def test_a_stored_team_joins_by_id() -> None:
    team = NO_TEAM.joined([YEAR.role_id])
    assert team
    assert team.wrote([MAINTAINERS, YEAR])
    assert not team.wrote([MAINTAINERS])


def test_roles_nobody_has_keep_their_order() -> None:
    seen = {MAINTAINERS, YEAR}
    given = ["Maintaners", "MAINTAINERS", "1150000000000000007", "42", "Staff"]
    assert roles_nobody_has(given, seen) == ["Maintaners", "42", "Staff"]
