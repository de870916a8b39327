"""Credentials of the embedded server: auth tokens and the WebSocket JWT.

* An **auth token** is an opaque random string (:func:`new_auth_token`). The
  server stores only its SHA-256 (:func:`token_hash`), so a copied database
  file does not leak live credentials.
* The **JWT** (``data.jwt`` of ``PUT me``; the ``auth`` value of the socket's
  auth frame) is a compact HS256 token, ``header.payload.signature`` in
  base64url, signed with a per-database secret. Its claims are ``uid``,
  ``appId``, ``tid`` (the hash of the auth token it was issued for, so revoking
  that token invalidates the JWT), ``iat`` and ``exp`` (epoch seconds).

Pure functions, no clock: callers pass ``now``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from typing import Any, Final

__all__ = ["JWT_TTL", "JwtError", "new_auth_token", "sign_jwt", "token_hash", "verify_jwt"]

#: Lifetime of a JWT in seconds (7 days): long enough for a notebook session,
#: short enough that a leaked one expires. ``GET me`` issues a fresh one.
JWT_TTL: Final = 7 * 24 * 3600

_HEADER: Final = {"alg": "HS256", "typ": "JWT"}


class JwtError(ValueError):
    """A JWT was refused; ``str(exc)`` says why (safe to show the client)."""


def new_auth_token() -> str:
    """A fresh auth token: 43 url-safe characters (256 random bits)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """The stored form of an auth token (and the JWT ``tid`` claim)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    pad = "=" * (-len(text) % 4)
    try:
        return base64.urlsafe_b64decode(text + pad)
    except (binascii.Error, ValueError):
        raise JwtError("JWT is not base64url") from None


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), sort_keys=True).encode()


def _sign(signing_input: bytes, secret: bytes) -> bytes:
    return hmac.new(secret, signing_input, hashlib.sha256).digest()


def sign_jwt(*, uid: str, app_id: str, tid: str, secret: bytes, now: int, ttl: int = JWT_TTL) -> str:
    """A signed JWT for ``uid`` of ``app_id`` bound to the auth token hash ``tid``."""
    claims = {"uid": uid, "appId": app_id, "tid": tid, "iat": now, "exp": now + ttl}
    signing_input = f"{_b64(_dumps(_HEADER))}.{_b64(_dumps(claims))}".encode("ascii")
    return f"{signing_input.decode('ascii')}.{_b64(_sign(signing_input, secret))}"


def verify_jwt(token: str, *, secret: bytes, app_id: str, now: int) -> dict[str, Any]:
    """The claims of a valid JWT.

    Checks the shape, the HS256 signature (constant time), ``appId`` and
    ``exp``. Raises :class:`JwtError` otherwise. The caller must still check
    that ``tid`` names a live auth token.
    """
    parts = token.split(".")
    if len(parts) != 3 or not all(parts):
        raise JwtError("JWT must have three dot-separated parts")
    signing_input = f"{parts[0]}.{parts[1]}".encode("ascii", "replace")
    # Compare the *text* of the signature: base64 decoding ignores the unused
    # low bits of the last character, so comparing decoded bytes would accept
    # a few altered spellings of a valid signature.
    expected = _b64(_sign(signing_input, secret))
    if not hmac.compare_digest(expected.encode("ascii"), parts[2].encode("ascii", "replace")):
        raise JwtError("JWT signature is invalid")
    try:
        header = json.loads(_unb64(parts[0]))
        claims = json.loads(_unb64(parts[1]))
    except (ValueError, UnicodeDecodeError):
        raise JwtError("JWT is not JSON") from None
    if not isinstance(header, dict) or header.get("alg") != "HS256":
        raise JwtError("JWT algorithm must be HS256")
    if not isinstance(claims, dict):
        raise JwtError("JWT claims are not an object")
    uid, tid, exp = claims.get("uid"), claims.get("tid"), claims.get("exp")
    if not isinstance(uid, str) or not uid or not isinstance(tid, str) or not tid:
        raise JwtError("JWT lacks uid/tid claims")
    if claims.get("appId") != app_id:
        raise JwtError("JWT was issued for another app")
    if not isinstance(exp, int) or isinstance(exp, bool) or exp <= now:
        raise JwtError("JWT has expired")
    return claims
