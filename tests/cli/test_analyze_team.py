"""`clamor analyze --team-role`: the server's team answers requests, and is never counted."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.store import LabelCorrection, Store
from tests.cli.test_analyze import GUILD, export_doc

MAINTAINERS_ID = 1150000000000000001
MAINTAINERS = {"id": str(MAINTAINERS_ID), "name": "Maintainers", "color": "#E67E22", "position": 3}
MEMBERS = {"id": "1150000000000000002", "name": "members", "color": None, "position": 1}
# A request when read alone; from the project's maintainers, an answer.
ANSWER = "We plan to open source the weights after the paper is accepted"
REQUEST = "OpenAI should open source Sora"
REACTION = "Olvídense eso jamás va a pasar!"  # alone not a request; answering one, it is
FLOW_REACTION = "same, it's never happening"  # likewise, within minutes of one in the channel


pytestmark = pytest.mark.usefixtures("clean_settings")


def _export(
    tmp_path: Path, messages: list[tuple[str, str, list[Any] | None]], name: str = "export"
) -> Path:
    """An export of (time on 2026-03-14, text, the author's roles or None for no `roles`
    key); each message by an author of its own."""
    doc = export_doc([(f"2026-03-14T{when}:00+00:00", text) for when, text, _ in messages])
    for index, (message, (_, _, roles)) in enumerate(zip(doc["messages"], messages, strict=True)):
        message["author"]["id"] = str(600 + index)
        if roles is not None:
            message["author"]["roles"] = roles
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _reply(path: Path, reply: int, answered: int) -> Path:
    """Mark message `reply` (1-based) of the export at `path` as answering message `answered`."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    message = doc["messages"][reply - 1]
    message["type"] = "Reply"
    message["reference"] = {"messageId": doc["messages"][answered - 1]["id"]}
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _analyze(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[dict[str, Any], str]:
    """`clamor analyze ... --format json`: the digest's totals and the standard error."""
    assert main(["analyze", *argv, "--format", "json", "--tz", "UTC"]) == 0
    out, err = capsys.readouterr()
    totals: dict[str, Any] = json.loads(out)["totals"]
    return totals, err


@pytest.fixture
def maintainer_and_member(tmp_path: Path) -> Path:
    return _export(
        tmp_path,
        [("10:00", ANSWER, [MEMBERS, MAINTAINERS]), ("11:00", REQUEST, [MEMBERS])],
    )


def test_without_a_team_both_count(
    maintainer_and_member: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    totals, err = _analyze(capsys, str(maintainer_and_member))
    assert (totals["seen"], totals["requests"]) == (2, 2)
    assert "by the team" not in err


@pytest.mark.parametrize(
    "role", ["Maintainers", "maintainers", " MAINTAINERS ", str(MAINTAINERS_ID)]
)
def test_the_teams_message_is_seen_but_never_counted(
    maintainer_and_member: Path, capsys: pytest.CaptureFixture[str], role: str
) -> None:
    totals, err = _analyze(capsys, str(maintainer_and_member), "--team-role", role)
    assert (totals["seen"], totals["requests"]) == (2, 1)  # volume as always
    assert "Not counted as requests: 1 message by the team, which answers requests." in err
    assert "warning" not in err


def test_only_the_members_message_is_logged(
    maintainer_and_member: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "bot.db"
    _analyze(capsys, str(maintainer_and_member), "--team-role", "Maintainers", "--db", str(db))
    assert _logged(db) == [1_000_002]


def _logged(db: Path) -> list[int]:
    """The export's message ids (export_doc numbers them from 1,000,001) logged as requests."""

    async def read() -> list[int]:
        async with await Store.open(db) as store:
            ids = range(1_000_001, 1_000_004)
            return [i for i in ids if await store.get_request(GUILD, i) is not None]

    return asyncio.run(read())


@pytest.mark.parametrize("follower", ["reply", "flow"])
def test_a_message_answering_the_team_is_not_answering_a_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], follower: str
) -> None:
    """A reaction to the maintainer's message (a reply, or minutes later in the channel) reads
    it as what answers requests, not as a request to react to."""
    text = REACTION if follower == "reply" else FLOW_REACTION
    path = _export(tmp_path, [("10:00", ANSWER, [MAINTAINERS]), ("10:02", text, [MEMBERS])])
    if follower == "reply":
        _reply(path, 2, 1)
    assert _analyze(capsys, str(path))[0]["requests"] == 2
    assert _analyze(capsys, str(path), "--team-role", "Maintainers")[0]["requests"] == 0


def _store_team(db: Path, *roles: int) -> None:
    async def add() -> None:
        async with await Store.open(db) as store:
            for role in roles:
                await store.add_team_role(GUILD, role)

    asyncio.run(add())


def test_the_team_the_bot_keeps_applies_with_db(
    maintainer_and_member: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "bot.db"
    _store_team(db, MAINTAINERS_ID)
    totals, err = _analyze(capsys, str(maintainer_and_member), "--db", str(db))
    assert (totals["seen"], totals["requests"]) == (2, 1)
    assert "by the team" in err
    assert _logged(db) == [1_000_002]


def test_another_servers_stored_team_does_not_apply(
    maintainer_and_member: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "bot.db"

    async def add() -> None:
        async with await Store.open(db) as store:
            await store.add_team_role(GUILD + 1, MAINTAINERS_ID)

    asyncio.run(add())
    assert _analyze(capsys, str(maintainer_and_member), "--db", str(db))[0]["requests"] == 2


def test_named_and_stored_roles_join(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    staff = {"id": "1150000000000000003", "name": "Staff", "color": None, "position": 2}
    path = _export(
        tmp_path,
        [("10:00", ANSWER, [MAINTAINERS]), ("11:00", ANSWER, [staff]), ("12:00", REQUEST, [])],
    )
    db = tmp_path / "bot.db"
    _store_team(db, MAINTAINERS_ID)
    totals, _ = _analyze(capsys, str(path), "--db", str(db), "--team-role", "staff")
    assert totals["requests"] == 1


def test_a_team_role_nobody_has_is_a_warning(
    maintainer_and_member: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    totals, err = _analyze(
        capsys, str(maintainer_and_member), "--team-role", "Maintaners", "--team-role", "members"
    )
    assert totals["requests"] == 0  # every author has "members": the run went on with it
    warnings = [line for line in err.splitlines() if "warning" in line]
    assert warnings == [
        "clamor analyze: warning: --team-role 'Maintaners': no author in the exports has this "
        "role (check its name or id)"
    ]


def test_an_export_without_roles_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _export(tmp_path, [("10:00", ANSWER, None), ("11:00", REQUEST, None)])
    totals, err = _analyze(capsys, str(path), "--team-role", "Maintainers")
    assert totals["requests"] == 2  # nobody's roles are known: nobody is on the team
    warnings = [line for line in err.splitlines() if "warning" in line]
    assert len(warnings) == 1
    assert "say nothing of their authors' roles" in warnings[0]


def test_an_export_without_roles_is_a_warning_for_a_stored_team_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _export(tmp_path, [("10:00", ANSWER, None), ("11:00", REQUEST, None)])
    db = tmp_path / "bot.db"
    _store_team(db, MAINTAINERS_ID)
    totals, err = _analyze(capsys, str(path), "--db", str(db))
    assert totals["requests"] == 2
    assert "nobody is known to be on the server's team" in err
    # Without a team anywhere, an export without roles is nothing to warn of.
    assert "warning" not in _analyze(capsys, str(path))[1]


@pytest.mark.parametrize(
    ("value", "fragment"),
    [("", "an empty name names no role"), ("x" * 101, "at most 100 characters, not 101")],
)
def test_a_bad_team_role_is_one_line(
    maintainer_and_member: Path, capsys: pytest.CaptureFixture[str], value: str, fragment: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["analyze", str(maintainer_and_member), "--team-role", value])
    assert exited.value.code == 2
    _, err = capsys.readouterr()
    assert err.count("\n") == 1, err
    assert "argument --team-role: " in err
    assert fragment in err


def test_a_malformed_roles_array_is_one_line_with_a_team(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _export(tmp_path, [("10:00", ANSWER, [MAINTAINERS]), ("11:00", REQUEST, [{"id": 5.5}])])
    assert main(["analyze", str(path), "--team-role", "Maintainers"]) == 2
    _, err = capsys.readouterr()
    assert err.count("\n") == 1, err
    assert err.startswith(f"clamor analyze: {path}: message #2 (byte ")
    assert "'author.roles[0].id' is not a Discord id: 5.5" in err
    # No team named: the roles are not read, and the export is digested as before.
    assert _analyze(capsys, str(path))[0]["requests"] == 2


def test_a_run_with_the_team_takes_out_what_an_earlier_run_logged_of_it(
    maintainer_and_member: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "bot.db"
    totals, _ = _analyze(capsys, str(maintainer_and_member), "--db", str(db))
    assert totals["requests"] == 2
    totals, err = _analyze(
        capsys, str(maintainer_and_member), "--db", str(db), "--team-role", "Maintainers"
    )
    assert "Taken out of the log: 1 message logged as requests before" in err, err
    assert _logged(db) == [1_000_002]
    assert totals["requests"] == 1


def test_a_team_reply_an_earlier_run_logged_is_taken_out_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A request before only because it answered the team's message: alone now, it is none.
    path = _reply(
        _export(tmp_path, [("10:00", ANSWER, [MAINTAINERS]), ("10:02", REACTION, [MAINTAINERS])]),
        2,
        1,
    )
    db = tmp_path / "bot.db"
    assert _analyze(capsys, str(path), "--db", str(db))[0]["requests"] == 2
    totals, _ = _analyze(capsys, str(path), "--db", str(db), "--team-role", "Maintainers")
    assert totals["requests"] == 0
    assert _logged(db) == []


def test_a_members_reply_to_the_team_an_earlier_run_logged_is_taken_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _reply(
        _export(tmp_path, [("10:00", ANSWER, [MAINTAINERS]), ("10:02", REACTION, [MEMBERS])]), 2, 1
    )
    db = tmp_path / "bot.db"
    assert _analyze(capsys, str(path), "--db", str(db))[0]["requests"] == 2
    totals, err = _analyze(capsys, str(path), "--db", str(db), "--team-role", "Maintainers")
    assert totals["requests"] == 0
    assert _logged(db) == []
    assert "Taken out of the log: 2 messages" in err, err


def _written(tmp_path: Path, name: str, doc: dict[str, Any]) -> Path:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _both_kept_after(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], full: dict[str, Any], late: dict[str, Any]
) -> None:
    """`analyze --db` of `full` logs its two requests; of `late` (a part of it) after it,
    takes neither out of the log."""
    db = tmp_path / "bot.db"
    totals, _ = _analyze(capsys, str(_written(tmp_path, "full", full)), "--db", str(db))
    assert totals["requests"] == 2
    _, err = _analyze(capsys, str(_written(tmp_path, "late", late)), "--db", str(db))
    assert _logged(db) == [1_000_001, 1_000_002], err


def test_a_later_export_without_the_request_before_keeps_the_flow_reply(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    full = export_doc(
        [("2026-03-14T10:00:00+00:00", REQUEST), ("2026-03-14T10:02:00+00:00", FLOW_REACTION)]
    )
    late = export_doc([("2026-03-14T10:02:00+00:00", FLOW_REACTION)])
    late["messages"][0]["id"] = full["messages"][1]["id"]  # the same message, exported again
    late["messages"][0]["author"] = full["messages"][1]["author"]
    # Read alone now, it is no request; what made it one is not in this export: the row stays.
    _both_kept_after(tmp_path, capsys, full, late)


def test_a_thread_export_without_its_opener_keeps_the_replies_an_earlier_run_logged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    full = export_doc(
        [("2026-03-14T10:00:00+00:00", REQUEST), ("2026-03-14T12:00:00+00:00", REACTION)]
    )
    # A forum post: its opening message has the thread's id.
    full["channel"].update({"id": "1000001", "type": "GuildPublicThread", "name": "Open Sora?"})
    late = json.loads(json.dumps(full))
    late["messages"] = late["messages"][1:]
    late["messageCount"] = 1
    _both_kept_after(tmp_path, capsys, full, late)


def test_a_moderators_relabel_keeps_the_teams_row_through_analyze_db(
    maintainer_and_member: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "bot.db"
    _analyze(capsys, str(maintainer_and_member), "--db", str(db))

    async def relabel() -> None:
        async with await Store.open(db) as store:
            [row] = [r for r in await store.requests_between(GUILD, 0, 2e9) if r.content == ANSWER]
            await store.set_label_correction(
                LabelCorrection(
                    guild_id=GUILD,
                    message_id=row.message_id,
                    channel_id=row.channel_id,
                    label="demand",
                    content=ANSWER,
                    language="en",
                    original_category="demand",
                    corrected_at=1.0,
                    author_hash=None,
                )
            )

    asyncio.run(relabel())
    _, err = _analyze(
        capsys, str(maintainer_and_member), "--db", str(db), "--team-role", "Maintainers"
    )
    assert _logged(db) == [1_000_001, 1_000_002], err  # the moderator's word stands
    assert "Taken out of the log" not in err


def _of_another_guild(path: Path) -> Path:
    """The export at `path` moved to another server (its own channel and message ids)."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["guild"] = {"id": str(OTHER_GUILD), "name": "Elsewhere", "iconUrl": ""}
    doc["channel"]["id"] = str(int(doc["channel"]["id"]) + 1)
    for message in doc["messages"]:
        message["id"] = str(int(message["id"]) + 1000)
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


OTHER_GUILD = GUILD + 1


def _store_team_of(db: Path, guild_id: int, role_id: int) -> None:
    async def add() -> None:
        async with await Store.open(db) as store:
            await store.add_team_role(guild_id, role_id)

    asyncio.run(add())


def test_a_stored_team_of_another_server_leaves_this_exports_roles_unread(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The database keeps a team for one server only: an export of another is read as
    without a team, so a malformed `roles` array in it, never used, stops nothing."""
    path = _export(tmp_path, [("10:00", ANSWER, [MAINTAINERS]), ("11:00", REQUEST, [{"id": 5.5}])])
    db = tmp_path / "bot.db"
    _store_team_of(db, OTHER_GUILD, MAINTAINERS_ID)
    totals, err = _analyze(capsys, str(path), "--db", str(db))
    assert totals["requests"] == 2
    assert "warning" not in err


def test_a_stored_team_reads_the_roles_of_its_own_servers_exports_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ours = _export(tmp_path, [("10:00", ANSWER, [MAINTAINERS]), ("11:00", REQUEST, [MEMBERS])])
    theirs = _of_another_guild(
        _export(tmp_path, [("10:00", ANSWER, "not an array"), ("11:00", REQUEST, None)], "theirs")
    )
    db = tmp_path / "bot.db"
    _store_team(db, MAINTAINERS_ID)
    assert main(["analyze", str(theirs), str(ours), "--db", str(db), "--tz", "UTC"]) == 0
    _, err = capsys.readouterr()
    assert "Not counted as requests: 1 message by the team" in err
    assert "warning" not in err  # the other server's export needs no roles
    assert _logged(db) == [1_000_002]
    # Where the team applies, a malformed roles array is still one line, exit status 2.
    broken = _export(tmp_path, [("10:00", ANSWER, [MAINTAINERS]), ("11:00", REQUEST, "x")], "ours")
    assert main(["analyze", str(broken), "--db", str(db)]) == 2
    _, err = capsys.readouterr()
    assert err.count("\n") == 1, err
    assert err.startswith(f"clamor analyze: {broken}: message #2 (byte ")


def _warnings(err: str) -> list[str]:
    return [line for line in err.splitlines() if "warning" in line]


def test_exports_without_roles_beside_ones_with_are_named_in_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An older DiscordChatExporter's export read with newer ones: its team's messages count
    as members', which only the warning tells."""
    new = _export(tmp_path, [("10:00", ANSWER, [MAINTAINERS]), ("11:00", REQUEST, [MEMBERS])])
    old = _export(tmp_path, [("12:00", ANSWER, None)], "old")
    _renumber(old, 10)
    totals, err = _analyze(capsys, str(new), str(old), "--team-role", "Maintainers")
    assert totals["requests"] == 2  # the member's request, and the old export's answer
    assert _warnings(err) == [
        "clamor analyze: warning: an export says nothing of its authors' roles (made by an older "
        "DiscordChatExporter?), so the team's messages in it count as members': " + str(old)
    ]


def _renumber(path: Path, offset: int) -> Path:
    """The export at `path` with message ids `offset` on, apart from another of its channel."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    for message in doc["messages"]:
        message["id"] = str(int(message["id"]) + offset)
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_many_exports_without_roles_are_named_a_few_then_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "bot.db"
    _store_team(db, MAINTAINERS_ID)
    new = _export(tmp_path, [("10:00", REQUEST, [MEMBERS])])
    old = [
        _renumber(_export(tmp_path, [("11:00", REQUEST, None)], f"old-{n}"), n + 1)
        for n in range(5)
    ]
    _, err = _analyze(capsys, *map(str, [old[0], new, *old[1:]]), "--db", str(db))
    assert _warnings(err) == [
        "clamor analyze: warning: 5 exports say nothing of their authors' roles (made by an "
        "older DiscordChatExporter?), so the team's messages in them count as members': "
        f"{old[0]}, {old[1]}, {old[2]} and 2 more"
    ]


def test_members_without_roles_are_not_an_export_without_roles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """DiscordChatExporter writes `"roles": []` for a member without any (or one who left):
    only an export with no `roles` at all is an older one's."""
    new = _export(tmp_path, [("10:00", ANSWER, [MAINTAINERS])])
    roleless = _renumber(_export(tmp_path, [("11:00", REQUEST, []), ("12:00", ANSWER, [])], "b"), 5)
    totals, err = _analyze(capsys, str(new), str(roleless), "--team-role", "Maintainers")
    assert totals["requests"] == 2
    assert _warnings(err) == []


def test_an_export_without_roles_of_a_server_without_a_team_is_no_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ours = _export(tmp_path, [("10:00", ANSWER, [MAINTAINERS]), ("11:00", REQUEST, [MEMBERS])])
    theirs = _of_another_guild(_export(tmp_path, [("10:00", REQUEST, None)], "theirs"))
    db = tmp_path / "bot.db"
    _store_team(db, MAINTAINERS_ID)
    assert main(["analyze", str(ours), str(theirs), "--db", str(db)]) == 0
    assert _warnings(capsys.readouterr().err) == []
