"""Gateway v10 over a websocket: HELLO, IDENTIFY/READY, heartbeats, RESUME with replay."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from .gateway_rules import PRIVILEGED_INTENTS, ready_payload, visible_to
from .notify import ChangeNotifier
from .world import World

Payload = dict[str, Any]


@dataclass
class GatewaySession:
    id: str
    token: str
    intents: int
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
    """One bot's gateway: a new IDENTIFY replaces every earlier session."""

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
        self.sessions: dict[str, GatewaySession] = {}
        self.current: GatewaySession | None = None
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
        """Send (or, while disconnected, queue for replay) one event; returns its sequence."""
        session = self.current
        if session is None:
            raise RuntimeError(f"cannot dispatch {event}: no bot has identified with the fake")
        visible = visible_to(session.intents, event, data, self.world.bot.id)
        if visible is None:
            return None
        async with session.lock:
            return await self._send_dispatch(session, event, visible)

    async def drop(self, code: int) -> None:
        session = self.current
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

    async def invalidate(self, *, resumable: bool) -> None:
        """Send op 9; with resumable=False the client must IDENTIFY again."""
        session = self.current
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
        session = GatewaySession(uuid.uuid4().hex, self.token, intents)
        self.sessions = {session.id: session}
        self.current = session
        self.identify_count += 1
        async with session.lock:
            session.connection, connection.session = connection, session
            ready = ready_payload(self.world, session.id, self.resume_url, data)
            await self._send_dispatch(session, "READY", ready)
            for guild in self.world.guilds.values():
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
