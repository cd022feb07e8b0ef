"""A throwaway PostgreSQL server for the Store tests: `initdb` and `pg_ctl` on a temporary folder,
listening on a free loopback port, run as an unprivileged user when the tests run as root
(PostgreSQL refuses to start as root, and CI runs as root).

Durability is switched off (fsync, full page writes, synchronous commit): the cluster lives for one
test session and is deleted after it, and tests then cost what the queries cost.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from glob import glob
from pathlib import Path

# Where Debian/Ubuntu install the server, PATH as the last resort; CLAMOR_PG_BIN overrides both.
_BIN_GLOB = "/usr/lib/postgresql/*/bin"
SUPERUSER = "clamor"


def find_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl, or None when this machine has no PostgreSQL."""
    if configured := os.environ.get("CLAMOR_PG_BIN"):
        candidates = [configured]  # only where the operator said (a missing folder skips)
    else:
        # Newest major version first, then whatever PATH has.
        candidates = sorted(glob(_BIN_GLOB), key=lambda p: int(Path(p).parent.name), reverse=True)
        if found := shutil.which("initdb"):
            candidates.append(str(Path(found).parent))
    for folder in candidates:
        if (Path(folder) / "initdb").is_file() and (Path(folder) / "pg_ctl").is_file():
            return Path(folder)
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _server_user() -> str | None:
    """The account the server runs as: None (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise RuntimeError("running as root and no unprivileged user (postgres, nobody) exists")


@dataclass
class PgServer:
    bin_dir: Path
    folder: Path
    port: int
    user: str | None

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> None:
        subprocess.run(
            args, check=True, capture_output=True, user=self.user, cwd=self.folder, timeout=60
        )

    @classmethod
    def start(cls, bin_dir: Path) -> PgServer:
        user = _server_user()
        folder = Path(tempfile.mkdtemp(prefix="clamor-pg-"))
        if user is not None:
            entry = pwd.getpwnam(user)
            os.chown(folder, entry.pw_uid, entry.pw_gid)
        server = cls(bin_dir, folder, _free_port(), user)
        data = folder / "data"
        try:
            server._run(
                str(bin_dir / "initdb"),
                "-D", str(data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8",
                "--locale=C", "--no-sync",
            )  # fmt: skip
            server.resume()
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return server

    def pause(self, mode: str = "fast") -> None:
        """Stop the server, keeping its data: connections are refused until `resume`. Only
        "fast" keeps every commit (this server does not wait for the disk)."""
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.folder / "data"), "-m", mode,
                  "-w", "stop")  # fmt: skip

    def resume(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off -c synchronous_commit=off -c max_connections=200"
        )
        self._run(
            str(self.bin_dir / "pg_ctl"), "-D", str(self.folder / "data"), "-o", options,
            "-l", str(self.folder / "server.log"), "-w", "start",
        )  # fmt: skip

    def stop(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self.pause("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)
