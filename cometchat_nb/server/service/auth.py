"""Credentials and identity: auth tokens, ``me`` with its JWT, the app settings,
logout and revocation, and the check of a socket's JWT."""

from __future__ import annotations

from ...errors import ApiError, ErrorCode
from ..tokens import JwtError, new_auth_token, sign_jwt, token_hash, verify_jwt
from .core import JSON, Service
from .media import file_access_token

__all__ = ["issue_auth_token", "logout", "me", "revoke_tokens", "settings", "socket_identity"]


def issue_auth_token(svc: Service, uid: str) -> str:
    """A new auth token for an existing user (``ERR_UID_NOT_FOUND`` otherwise)."""
    svc.user_or_fail(uid)
    token = new_auth_token()
    svc.store.add_token(uid, token_hash(token), svc.now())
    return token


def settings(svc: Service) -> JSON:
    """The app settings object (``PUT me`` → ``data.settings``, ``GET settings``)."""
    return {**svc.settings_base, "settingsHash": svc.settings_hash, "settingsHashReceivedAt": svc.now()}


def me(svc: Service, uid: str, token: str) -> JSON:
    """``PUT``/``GET me``: the user, their token, a fresh JWT and the settings."""
    user = svc.user_or_fail(uid)
    jwt = sign_jwt(
        uid=uid,
        app_id=svc.config.app_id,
        tid=token_hash(token),
        secret=svc.secret,
        now=svc.now(),
        ttl=svc.config.jwt_ttl,
    )
    current = settings(svc)
    return {
        **user,
        "authToken": token,
        "jwt": jwt,
        "fat": file_access_token(svc, uid, token_hash(token)),
        "wsChannel": {
            "identity": f"{svc.config.app_id}.{uid}",
            "host": current["CHAT_HOST"],
            "port": svc.ws_port,
            "service": "websocket",
        },
        "settings": current,
    }


def logout(svc: Service, uid: str, hashed: str) -> None:
    """``DELETE me``: revoke one token and close the sockets that used it (4003)."""
    svc.store.revoke_token(hashed, svc.now())
    svc.notifier.end_sessions(uid, hashed, "logged out")


def revoke_tokens(svc: Service, uid: str) -> int:
    """Revoke every auth token of ``uid``; close their sockets with 4003. Returns tokens revoked."""
    hashes = svc.store.revoke_user_tokens(uid, svc.now())
    svc.notifier.end_sessions(uid, None, "auth token revoked")
    return len(hashes)


def socket_identity(svc: Service, jwt: str) -> tuple[str, str]:
    """``(uid, token hash)`` of a socket's JWT: signed by this server for this app,
    not expired, its auth token not revoked. Refusals: ``WS_AUTH_FAIL`` (why, in
    the message) and ``AUTH_ERR_AUTH_TOKEN_NOT_FOUND``."""
    try:
        claims = verify_jwt(jwt, secret=svc.secret, app_id=svc.config.app_id, now=svc.now())
    except JwtError as exc:
        raise ApiError(str(exc), code=ErrorCode.WS_AUTH_FAIL) from None
    uid, tid = claims["uid"], claims["tid"]
    if svc.store.token_uid(tid) != uid:
        raise ApiError("The auth token of this JWT was revoked.", code=ErrorCode.AUTH_TOKEN_NOT_FOUND)
    return uid, tid
