"""The facade's media calls (blocking wrappers of :mod:`..client.api.media`)."""

from __future__ import annotations

from ..models import Attachment, BaseMessage, MediaMessage
from .state import run

__all__ = ["MediaFacade"]


class MediaFacade:
    """``sendMediaMessage`` and ``downloadAttachment``."""

    @staticmethod
    def send_media_message(message: MediaMessage) -> BaseMessage:
        """Upload the message's files; the stored message with its ``attachments``."""
        sent: BaseMessage = run(lambda c: c.send_media_message(message), "CometChat.sendMediaMessage()")
        return sent

    @staticmethod
    def download_attachment(attachment: Attachment | MediaMessage | str) -> bytes:
        """The bytes of an attachment (or of a media message's first one, or a URL)."""
        content: bytes = run(lambda c: c.download_attachment(attachment), "CometChat.downloadAttachment()")
        return content

    # camelCase aliases -------------------------------------------------------------
    sendMediaMessage = send_media_message
    downloadAttachment = download_attachment
