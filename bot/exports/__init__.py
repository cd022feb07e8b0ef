"""Read DiscordChatExporter JSON exports, streaming, and find the sample export."""

from bot.exports.model import ExportError, ExportMessage
from bot.exports.reader import read_export
from bot.exports.sample import sample_export_paths

__all__ = ["ExportError", "ExportMessage", "read_export", "sample_export_paths"]
