"""``cometchat-nb serve``: run the embedded server from a shell.

::

    cometchat-nb serve --port 8080            # REST on 8080, WebSocket on 8081
    cometchat-nb serve --port 0 --tls         # free ports, self-signed TLS

Once both ports listen it prints one line to stdout (flushed) that scripts
can wait for and parse::

    cometchat-nb server ready: url=http://127.0.0.1:8080 ws=ws://127.0.0.1:8081 app_id=… auth_key=… region=eu

(with ``ca_file=…`` appended under TLS), then serves until SIGINT or SIGTERM
and exits 0 after a clean shutdown. Bad arguments exit 2 (argparse); a port
that cannot be bound exits 1 with a one-line error on stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Sequence

from .config import MAX_UPLOAD_BYTES
from .embedded import EmbeddedServer

__all__ = ["build_parser", "main"]

READY_PREFIX = "cometchat-nb server ready:"


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port must be between 0 and 65535, got {value}")
    return value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be positive, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The ``cometchat-nb`` argument parser (one sub-command: ``serve``)."""
    parser = argparse.ArgumentParser(prog="cometchat-nb", description="cometchat_nb command-line tools.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = sub.add_parser(
        "serve",
        help="run the embedded CometChat-compatible server",
        description="Run the embedded CometChat-compatible server (REST v3 + WebSocket) until a signal.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: %(default)s)")
    serve.add_argument(
        "--port", type=_port, default=8080, help="REST port; 0 picks a free one (default: 8080)"
    )
    serve.add_argument(
        "--ws-port",
        type=_port,
        default=None,
        help="WebSocket port (default: PORT+1, or a free one when PORT is 0)",
    )
    serve.add_argument("--app-id", default="cometchat-nb-local", help="app id clients must send")
    serve.add_argument(
        "--auth-key", default="local-auth-key", help="auth key (apiKey) for admin calls and login"
    )
    serve.add_argument("--region", default="eu", help="region reported in the settings (default: eu)")
    serve.add_argument("--db", default=":memory:", help="SQLite file to keep data in (default: in memory)")
    serve.add_argument("--tls", action="store_true", help="serve https/wss (self-signed unless --cert/--key)")
    serve.add_argument("--cert", help="PEM certificate for --tls")
    serve.add_argument("--key", help="PEM private key for --tls")
    serve.add_argument("--public-host", help="host name advertised to clients (default: the bind host)")
    serve.add_argument("--no-seed", action="store_true", help="do not create the superhero users and group")
    serve.add_argument(
        "--max-frame-bytes", type=_positive, default=65536, help="largest WebSocket frame (close 1009 above)"
    )
    serve.add_argument(
        "--max-body-bytes",
        type=_positive,
        default=1_048_576,
        help="largest REST request body (ERR_PAYLOAD_TOO_LARGE above)",
    )
    serve.add_argument(
        "--max-text-chars", type=_positive, default=20_000, help="longest text message (characters)"
    )
    serve.add_argument(
        "--max-upload-bytes",
        type=_positive,
        default=MAX_UPLOAD_BYTES,
        help="largest file of a media message in bytes (default: %(default)s)",
    )
    serve.add_argument(
        "--auth-timeout",
        type=_positive,
        default=10,
        help="seconds a socket may stay unauthenticated (close 4002 after)",
    )
    serve.add_argument(
        "--chat-host-port",
        type=_port,
        help="also serve REST on this port (443 with --tls, else 80): the official JS SDK's online counts "
        "go to https://CHAT_HOST/api/... with no port",
    )
    serve.add_argument(
        "--log-level",
        default="warning",
        choices=("debug", "info", "warning", "error"),
        help="logging level on stderr (default: warning)",
    )
    return parser


def _server_from(args: argparse.Namespace, parser: argparse.ArgumentParser) -> EmbeddedServer:
    if (args.cert is None) != (args.key is None):
        parser.error("--cert and --key go together")
    ws_port = args.ws_port
    if ws_port is None:
        ws_port = 0 if args.port == 0 else args.port + 1
        if ws_port > 65535:
            parser.error("--port 65535 leaves no room for the default --ws-port; give --ws-port")
    return EmbeddedServer(
        host=args.host,
        port=args.port,
        ws_port=ws_port,
        app_id=args.app_id,
        auth_key=args.auth_key,
        region=args.region,
        db=args.db,
        tls=args.tls or args.cert is not None,
        cert=args.cert,
        key=args.key,
        public_host=args.public_host,
        seed=not args.no_seed,
        max_frame_bytes=args.max_frame_bytes,
        max_body_bytes=args.max_body_bytes,
        max_text_chars=args.max_text_chars,
        max_upload_bytes=args.max_upload_bytes,
        auth_timeout=float(args.auth_timeout),
        chat_host_port=args.chat_host_port,
    )


def ready_line(server: EmbeddedServer) -> str:
    """The line printed once the server listens (see the module docstring)."""
    line = (
        f"{READY_PREFIX} url={server.url} ws={server.ws_url} app_id={server.app_id} "
        f"auth_key={server.auth_key} region={server.region}"
    )
    if server.ca_file:
        line += f" ca_file={server.ca_file}"
    return line


async def _serve(server: EmbeddedServer) -> int:
    try:
        await server.start_async()
    except OSError as exc:
        print(f"cometchat-nb: error: {exc.strerror or exc}", file=sys.stderr, flush=True)
        return 1
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # pragma: no cover - not on the main thread / Windows
            signal.signal(sig, lambda *_: loop.call_soon_threadsafe(stop.set))
    print(ready_line(server), flush=True)
    try:
        await stop.wait()
    finally:
        await server.stop_async()
    print("cometchat-nb server stopped", flush=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``cometchat-nb`` console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    server = _server_from(args, parser)
    return asyncio.run(_serve(server))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
