"""Write docs/digest.png and docs/trend.png from the sample server `clamor demo` digests.

    .venv/bin/python tools/render_docs.py [--out docs]

digest.png is the daily digest of the sample's last day as a Discord embed (drawn by
`tools/embed_picture.py` from the very dict the bot sends, with the compact chart it attaches);
trend.png is the full trend chart (`/clamor trend`) of the sample's days.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

from bot.charts.render import render_trend
from bot.chat_import import sample_export_paths
from bot.digest.contents import Period, Places
from bot.digest.from_store import CHART_FILE, digest_report
from bot.digest.render import to_embed
from bot.ingest import export_messages, ingest_messages
from bot.store import Store
from bot.trends import trend_from_store
from tools.embed_picture import draw_embed

TIMEZONE = "UTC"
POSTED_AT_HOUR = 9  # the picture pretends to be the 09:00 post of the morning after


async def pictures() -> dict[str, bytes]:
    """{file name: PNG} of the sample server's last day."""
    async with await Store.open(":memory:") as store:
        summary = await ingest_messages(
            store, export_messages(sample_export_paths()), os.urandom(32), timezone=TIMEZONE
        )
        assert summary.first_at is not None
        assert summary.last_at is not None
        probe = Period.day(date(2000, 1, 1), TIMEZONE)  # only its timezone is used
        first, last = probe.local_day(summary.first_at), probe.local_day(summary.last_at)
        [(guild_id, name)] = summary.guilds.items()
        day = Period.day(last, TIMEZONE)
        report = await digest_report(
            store,
            guild_id=guild_id,
            guild_name=name,
            period=day,
            places=Places(names=summary.channels),
            today=last + timedelta(days=1),
        )
        embed = to_embed(report.digest, image=CHART_FILE if report.chart else None)
        now = day.end + POSTED_AT_HOUR * 3600
        digest_png = await asyncio.to_thread(
            draw_embed, embed, chart=report.chart, now=now, author="Clamor"
        )
        series = await trend_from_store(
            store, guild_id=guild_id, period=Period(first, last, TIMEZONE), title=name
        )
        trend_png = await asyncio.to_thread(render_trend, series)
    return {"digest.png": digest_png, "trend.png": trend_png}


def write(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, png in asyncio.run(pictures()).items():
        (out / name).write_bytes(png)
        written.append(out / name)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs"), help="folder (default: docs)")
    args = parser.parse_args()
    for path in write(args.out):
        print(f"{path}: {path.stat().st_size / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
