"""Gateway v10 over a websocket: HELLO, IDENTIFY/READY, heartbeats, RESUME with replay, shards.

A bot may IDENTIFY several shards (`shard: [id, count]`, from one process or several): each
shard's session gets the events of its guilds, `(guild_id >> 22) % count`, and shard 0 the
events outside guilds, as on Discord. Without `shard` a session is shard 0 of 1 (everything).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from .gateway_rules import (
    PRIVILEGED_INTENTS,
    is_for_shard,
    ready_payload,
    shard_of,
    valid_shard,
    visible_to,
)
from .notify import ChangeNotifier
from .world import World

Payload = dict[str, Any]


@dataclass
class GatewaySession:
    id: str
    token: str
    intents: int
    shard: tuple[int, int] = (0, 1)
    seq: int = 0
    # Every dispatch with its sequence number, so a RESUME can replay what was missed.
    sent: list[tuple[int, str, Payload]] = field(default_factory=list)
    connection: GatewayConnection | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


@dataclass
class GatewayConnection:
    ws: web.WebSocketResponse
    path: str
    query: dict[str, str]
    session: GatewaySession | None = None

    async def send(self, frame: Payload) -> None:
        # The client may go away mid-send; a resume replays dispatches from `sent`.
        with contextlib.suppress(ConnectionError, RuntimeError):
            await self.ws.send_str(json.dumps(frame))


class Gateway:
    """One bot's gateway: a new IDENTIFY replaces every earlier session of the same shard."""

    def __init__(
        self,
        world: World,
        token: str,
        notifier: ChangeNotifier,
        *,
        heartbeat_interval_ms: int,
        allowed_intents: int,
    ) -> None:
        self.world = world
        self.token = token
        self.resume_url = ""  # set once the server knows its port
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.allowed_intents = allowed_intents
        self.sessions: dict[str, GatewaySession] = {}  # resumable ones, by id
        self.shards: dict[tuple[int, int], GatewaySession] = {}  # [id, count] -> its session
        # The session identified last (the only one for an unsharded bot).
        self.current: GatewaySession | None = None
        self.identified_shards: list[tuple[int, int]] = []  # every IDENTIFY's shard, in order
        self.connections: list[GatewayConnection] = []
        self.received: list[Payload] = []  # every frame from the client, in order
        self.replayed: list[int] = []  # sequence numbers re-sent by RESUMEs
        self.identify_count = 0
        self.resume_count = 0
        self.heartbeat_count = 0
        self._notifier = notifier
        self._open: set[web.WebSocketResponse] = set()
        self._accepting = asyncio.Event()
        self._accepting.set()

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        connection = GatewayConnection(ws, request.path, dict(request.query))
        self.connections.append(connection)
        self._open.add(ws)
        self._notifier.changed()
        try:
            await self._accepting.wait()  # a held reconnect waits here, before HELLO
            await connection.send(
                {"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms}}
            )
            async for message in ws:
                if message.type is not WSMsgType.TEXT:
                    await ws.close(code=4002, message=b"Error while decoding payload")
                    break
                await self._on_frame(connection, json.loads(message.data))
        finally:
            if connection.session is not None and connection.session.connection is connection:
                connection.session.connection = None
            self._open.discard(ws)
            self._notifier.changed()
        return ws

    async def dispatch(self, event: str, data: Payload) -> int | None:
        """Send (or, while disconnected, queue for replay) one event to the shard it belongs
        to; returns its sequence there (None if no shard gets it or intents filter it out)."""
        if self.current is None:
            raise RuntimeError(f"cannot dispatch {event}: no bot has identified with the fake")
        sequence: int | None = None
        for session in list(self.shards.values()):
            if not is_for_shard(event, data, session.shard):
                continue
            # A privileged intent switched off in the Developer Portal (`allowed_intents`)
            # stops applying to a live session too; the next IDENTIFY asking for it gets 4014.
            granted = session.intents & ~(PRIVILEGED_INTENTS & ~self.allowed_intents)
            visible = visible_to(granted, event, data, self.world.bot.id)
            if visible is None:
                continue
            async with session.lock:
                sent = await self._send_dispatch(session, event, visible)
            sequence = sent if sequence is None else sequence
        return sequence

    def session_of(self, shard_id: int | None = None) -> GatewaySession | None:
        """The live session of shard `shard_id` (None: the one identified last)."""
        if shard_id is None:
            return self.current
        return next((s for key, s in self.shards.items() if key[0] == shard_id), None)

    async def drop(self, code: int, shard_id: int | None = None) -> None:
        session = self.session_of(shard_id)
        connection = None if session is None else session.connection
        if session is None or connection is None:
            raise RuntimeError("no live gateway connection to drop")
        async with session.lock:
            # Detach first, so dispatches from here on are queued for the resume.
            session.connection = None
        await connection.ws.close(code=code, message=b"fake Discord dropped the connection")

    def hold_reconnects(self) -> None:
        self._accepting.clear()

    def release_reconnects(self) -> None:
        self._accepting.set()

    async def invalidate(self, *, resumable: bool, shard_id: int | None = None) -> None:
        """Send op 9; with resumable=False the client must IDENTIFY again."""
        session = self.session_of(shard_id)
        connection = None if session is None else session.connection
        if session is None or connection is None:
            raise RuntimeError("no live gateway connection to invalidate")
        if not resumable:
            self.sessions.pop(session.id, None)
        await connection.send({"op": 9, "d": resumable})

    async def close_all(self) -> None:
        self._accepting.set()
        for ws in list(self._open):
            await ws.close(code=1001, message=b"fake Discord is shutting down")

    async def _on_frame(self, connection: GatewayConnection, frame: Payload) -> None:
        self.received.append(frame)
        op, data = frame.get("op"), frame.get("d")
        if op == 1:
            self.heartbeat_count += 1
            await connection.send({"op": 11})
        elif op == 2:
            await self._identify(connection, data or {})
        elif op == 6:
            await self._resume(connection, data or {})
        elif op == 8 and connection.session is not None:
            await self._send_member_chunk(connection.session, data or {})
        elif op not in (3, 4):  # presence and voice updates are recorded in `received` only
            await connection.ws.close(code=4001, message=b"Unknown opcode")
        self._notifier.changed()

    async def _identify(self, connection: GatewayConnection, data: Payload) -> None:
        if connection.session is not None:
            await connection.ws.close(code=4005, message=b"Already authenticated")
            return
        if data.get("token") != self.token:
            await connection.ws.close(code=4004, message=b"Authentication failed")
            return
        intents = int(data.get("intents", 0))
        if intents & PRIVILEGED_INTENTS & ~self.allowed_intents:
            await connection.ws.close(code=4014, message=b"Disallowed intent(s)")
            return
        shard = valid_shard(data.get("shard", [0, 1]))
        if shard is None:
            await connection.ws.close(code=4010, message=b"Invalid shard")
            return
        session = GatewaySession(uuid.uuid4().hex, self.token, intents, shard)
        self.sessions = {key: s for key, s in self.sessions.items() if s.shard != shard}
        self.sessions[session.id] = session
        self.shards[shard] = session
        self.current = session
        self.identify_count += 1
        self.identified_shards.append(shard)
        async with session.lock:
            session.connection, connection.session = connection, session
            ready = ready_payload(self.world, session.id, self.resume_url, shard)
            await self._send_dispatch(session, "READY", ready)
            for guild in self.world.guilds.values():
                if shard_of(guild.id, shard[1]) == shard[0]:
                    await self._send_dispatch(session, "GUILD_CREATE", guild.gateway_payload())

    async def _resume(self, connection: GatewayConnection, data: Payload) -> None:
        session = self.sessions.get(str(data.get("session_id")))
        if session is None or data.get("token") != session.token:
            await connection.send({"op": 9, "d": False})
            return
        last_seen = int(data.get("seq") or 0)
        async with session.lock:
            for seq, event, payload in session.sent:
                if seq > last_seen:
                    await connection.send({"op": 0, "t": event, "s": seq, "d": payload})
                    self.replayed.append(seq)
            await connection.send({"op": 0, "t": "RESUMED", "s": session.seq, "d": {}})
            session.connection, connection.session = connection, session
        self.resume_count += 1

    async def _send_dispatch(self, session: GatewaySession, event: str, data: Payload) -> int:
        session.seq += 1
        session.sent.append((session.seq, event, data))
        if session.connection is not None:
            await session.connection.send({"op": 0, "t": event, "s": session.seq, "d": data})
        self._notifier.changed()
        return session.seq

    async def _send_member_chunk(self, session: GatewaySession, data: Payload) -> None:
        guild = self.world.guilds.get(int(data.get("guild_id", 0)))
        if guild is None:
            return
        chunk: Payload = {
            "guild_id": str(guild.id),
            "members": [member.payload() for member in guild.members.values()],
            "chunk_index": 0,
            "chunk_count": 1,
        }
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        async with session.lock:
            await self._send_dispatch(session, "GUILD_MEMBERS_CHUNK", chunk)
