"""Drive an export from pages of rows to files, off the event loop.

The pages come from the Store (`Store.export_pages`), one query each; encoding and writing each
page runs in a worker thread, so a year of rows never sits in memory and the bot keeps
answering while the file grows.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, Sequence
from pathlib import Path
from typing import BinaryIO

from bot.data_export.columns import ExportContext, ExportFormat, export_record
from bot.data_export.formats import RowEncoder, encoder_for
from bot.data_export.packing import ExportPacker, PackedExport
from bot.store.export_rows import ExportRow


def _pack_page(
    packer: ExportPacker, encoder: RowEncoder, context: ExportContext, page: Sequence[ExportRow]
) -> None:
    for row in page:
        packer.add(encoder.encode(export_record(row, context)))


async def pack_export(
    pages: AsyncIterable[Sequence[ExportRow]],
    *,
    export_format: ExportFormat,
    context: ExportContext,
    folder: Path,
    limit: int,
    stem: str,
) -> PackedExport:
    """Write the export into `folder` as files strictly under `limit` bytes (see packing)."""
    encoder = encoder_for(export_format)
    packer = await asyncio.to_thread(
        ExportPacker,
        folder,
        header=encoder.header(),
        extension=encoder.extension,
        limit=limit,
        stem=stem,
    )
    try:
        async for page in pages:
            await asyncio.to_thread(_pack_page, packer, encoder, context, page)
        return await asyncio.to_thread(packer.finish)
    except BaseException:
        packer.discard()
        raise


def _write_page(
    sink: BinaryIO, encoder: RowEncoder, context: ExportContext, page: Sequence[ExportRow]
) -> None:
    sink.writelines(encoder.encode(export_record(row, context)) for row in page)


async def write_export(
    pages: AsyncIterable[Sequence[ExportRow]],
    sink: BinaryIO,
    *,
    export_format: ExportFormat,
    context: ExportContext,
) -> int:
    """Write the whole export to `sink` (a file, gzip stream or stdout); how many rows."""
    encoder = encoder_for(export_format)
    await asyncio.to_thread(sink.write, encoder.header())
    rows = 0
    async for page in pages:
        await asyncio.to_thread(_write_page, sink, encoder, context, page)
        rows += len(page)
    return rows
