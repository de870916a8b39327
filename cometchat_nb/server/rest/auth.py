"""Routes of credentials and the session: auth tokens (admin), ``me``, logout,
settings, and the SDK's telemetry calls."""

from __future__ import annotations

import hashlib
from typing import Final

from ..service import Service, auth, users
from .routing import Call, Reply, Route, route
from .users import profile_changes

__all__ = ["ROUTES"]


def issue_auth_token(svc: Service, call: Call) -> Reply:
    """``POST users/{uid}/auth_tokens`` (admin): the user with a new ``authToken``."""
    uid = call.params["uid"]
    user = svc.user_or_fail(uid)
    return {**user, "authToken": auth.issue_auth_token(svc, uid)}, None


def get_me(svc: Service, call: Call) -> Reply:
    """``GET me``: the caller, a fresh JWT and the settings."""
    return auth.me(svc, call.uid, call.token), None


def put_me(svc: Service, call: Call) -> Reply:
    """``PUT me``: as ``GET me``; profile fields in the body (what
    ``updateCurrentUserDetails`` sends: name, avatar, link, statusMessage,
    metadata, tags; not the role) change the caller first. Login's own ``PUT
    me`` (platform, deviceId, appInfo) changes nothing."""
    users.update_me(svc, call.uid, profile_changes(call.body))
    return auth.me(svc, call.uid, call.token), None


def logout(svc: Service, call: Call) -> Reply:
    """``DELETE me``: revoke the caller's token."""
    auth.logout(svc, call.uid, call.token_hash)
    return {"success": True}, None


def get_settings(svc: Service, call: Call) -> Reply:
    return auth.settings(svc), None


def record_user_session(svc: Service, call: Call) -> Reply:
    """``POST user_sessions`` (SDK telemetry): acknowledged with an id derived from the body."""
    return {"sessionId": hashlib.sha256(call.raw_body).hexdigest()}, None


def analytics_ping(svc: Service, call: Call) -> Reply:
    """``POST v1/ping`` (SDK analytics): acknowledged, nothing kept."""
    return {}, None


ROUTES: Final[tuple[Route, ...]] = (
    route("POST", "users/{uid}/auth_tokens", issue_auth_token, auth="admin"),
    route("PUT", "me", put_me),
    route("GET", "me", get_me),
    route("DELETE", "me", logout),
    route("GET", "settings", get_settings),
    route("POST", "user_sessions", record_user_session),
    route("POST", "v1/ping", analytics_ping, auth="none"),
)
