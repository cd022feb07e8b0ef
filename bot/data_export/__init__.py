"""Logged request messages out of Clamor: CSV or JSON Lines, compressed or split to fit Discord.

Pure apart from writing the files it is asked to write: no discord import, no database access
(the caller passes the Store's pages in).
"""

from bot.data_export.build import pack_export, write_export
from bot.data_export.columns import (
    COLUMNS,
    EXPORT_FORMATS,
    ExportContext,
    ExportFormat,
    export_record,
)
from bot.data_export.formats import CsvEncoder, JsonLinesEncoder, encoder_for, neutralised
from bot.data_export.packing import ExportFile, ExportPacker, ExportTooLargeError, PackedExport
from bot.data_export.summary import (
    DEFAULT_EXPORT_DAYS,
    MAX_EXPORT_DAYS,
    MIN_EXPORT_DAYS,
    TextNote,
    checked_export_days,
    export_period,
    export_stem,
    export_summary,
)

__all__ = [
    "COLUMNS",
    "DEFAULT_EXPORT_DAYS",
    "EXPORT_FORMATS",
    "MAX_EXPORT_DAYS",
    "MIN_EXPORT_DAYS",
    "CsvEncoder",
    "ExportContext",
    "ExportFile",
    "ExportFormat",
    "ExportPacker",
    "ExportTooLargeError",
    "JsonLinesEncoder",
    "PackedExport",
    "TextNote",
    "checked_export_days",
    "encoder_for",
    "export_period",
    "export_record",
    "export_stem",
    "export_summary",
    "neutralised",
    "pack_export",
    "write_export",
]
