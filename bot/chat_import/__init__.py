"""Read DiscordChatExporter JSON exports, streaming, and find the sample export."""

from bot.chat_import.reader import read_export
from bot.chat_import.records import ExportError, ExportMessage
from bot.chat_import.sample import sample_export_paths

__all__ = ["ExportError", "ExportMessage", "read_export", "sample_export_paths"]
