"""Media messages: upload (``sendMediaMessage``) and download of attachments."""

from __future__ import annotations

from urllib.parse import urlsplit

from ...errors import ErrorCode, InvalidArgumentError
from ...models import Attachment, BaseMessage, MediaMessage
from .base import ApiBase

__all__ = ["MediaApi"]


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


class MediaApi(ApiBase):
    """``sendMediaMessage`` and ``download_attachment``."""

    async def send_media_message(self, message: MediaMessage) -> BaseMessage:
        """Upload a :class:`MediaMessage`'s files (``multipart/form-data``, as the JS
        SDK sends it) and return the stored message with its ``attachments``
        (url, name, extension, size, MIME type). A message with only a
        ``url`` (a file stored elsewhere) is sent as JSON.

        Errors are the server's: ``ERR_FILE_SIZE_EXCEEDED`` (a file over the
        upload limit), ``ERR_FILE_COUNT_EXCEEDED``, ``ERR_BAD_REQUEST`` (a file
        whose MIME type is not of the message's kind, e.g. a PDF as ``image``).
        """
        if not isinstance(message, MediaMessage):
            raise InvalidArgumentError("sendMediaMessage expects a MediaMessage")
        if not message.files and not message.url and not message.attachments:
            raise InvalidArgumentError(
                "the media message has no file (pass a path, bytes or a file object)",
                code=ErrorCode.MISSING_PARAMETERS,
            )
        sent: BaseMessage = await self.send_message(message)
        return sent

    async def download_attachment(self, attachment: Attachment | MediaMessage | str) -> bytes:
        """The bytes of an attachment (an :class:`Attachment`, the first one of a
        media message, or a URL), for the logged-in user.

        The chat server serves files only to users who may read their message:
        the user's auth token goes with the request (``authToken`` header) when
        the URL is on the chat's REST host, and nowhere else. A user who may
        not read the message gets ``ERR_PERMISSION_DENIED``.
        """
        self._bind()
        if isinstance(attachment, MediaMessage):
            first = attachment.get_attachment()
            url = first.url if first is not None else attachment.url
        elif isinstance(attachment, Attachment):
            url = attachment.url
        else:
            url = attachment
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise InvalidArgumentError(
                f"an attachment URL is http(s), got {url!r}", code=ErrorCode.INVALID_PARAMETER
            )
        session = self._need_session("downloadAttachment")
        token = session.auth_token if _origin(url) == _origin(self._hosts.client) else None
        content, _ = await self._rest.download(url, token)
        return content

    # camelCase aliases -------------------------------------------------------------
    sendMediaMessage = send_media_message
    downloadAttachment = download_attachment
