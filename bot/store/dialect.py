"""The thin layer that lets the Store's SQL, written once for SQLite, run on PostgreSQL.

Most statements need only their placeholders rewritten: SQLite's `?` and `?N` become `$N`. The
few that truly differ (JSON table functions, scalar min/max with SQLite's NULL rules, reserved
words) are kept side by side in their mixin, chosen by `Database.dialect`. Schema DDL differs per
migration and lives in `pg_migrations.py`.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(location: object) -> bool:
    """Whether a CLAMOR_DB / --db value names a PostgreSQL database rather than a SQLite file."""
    return isinstance(location, str) and location.lower().startswith(POSTGRES_SCHEMES)


def redact_url(url: str) -> str:
    """`url` without its password, fit for an error message or a log line."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if ":" in host:  # an IPv6 address goes back in brackets
            host = f"[{host}]"
        port = f":{parts.port}" if parts.port is not None else ""
    except ValueError:  # a malformed port: show the scheme only rather than guess
        return url.split("://", 1)[0] + "://…"
    user = f"{parts.username}@" if parts.username else ""
    # The query may carry a password too (?password=...): it is dropped with the rest.
    return urlunsplit((parts.scheme, f"{user}{host}{port}", parts.path, "", ""))


@lru_cache(maxsize=1024)
def to_postgres(sql: str) -> str:
    """`sql` with SQLite placeholders (`?`, `?N`) as PostgreSQL's `$N`, string literals and
    quoted names untouched. A bare `?` takes the number after the highest seen so far, as in
    SQLite."""
    out: list[str] = []
    highest = 0
    i = 0
    length = len(sql)
    while i < length:
        char = sql[i]
        if char in "'\"":
            end = sql.find(char, i + 1)
            while end != -1 and end + 1 < length and sql[end + 1] == char:  # '' escapes '
                end = sql.find(char, end + 2)
            end = length - 1 if end == -1 else end
            out.append(sql[i : end + 1])
            i = end + 1
            continue
        if char == "?":
            j = i + 1
            while j < length and sql[j].isdigit():
                j += 1
            number = int(sql[i + 1 : j]) if j > i + 1 else highest + 1
            highest = max(highest, number)
            out.append(f"${number}")
            i = j
            continue
        out.append(char)
        i += 1
    return "".join(out)
