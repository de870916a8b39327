"""Users and groups: ``User``, ``GroupMember``, ``Group``."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

from ._wire import JSON, as_object, lenient_dict, lenient_int, lenient_list, lenient_str, put, required_str

__all__ = ["Group", "GroupMember", "User", "entity_from_wire"]


@dataclass(slots=True, eq=True)
class User:
    """A CometChat user (``CometChat.User``)."""

    uid: str
    name: str | None = None
    avatar: str | None = None
    link: str | None = None
    role: str | None = None
    status: str | None = None
    status_message: str | None = None
    metadata: JSON | None = None
    last_active_at: int | None = None
    tags: list[str] | None = None
    #: whether the logged-in user blocked this user / this user blocked them (as the server sees it)
    blocked_by_me: bool = False
    has_blocked_me: bool = False

    STATUS_ONLINE: ClassVar[str] = "online"
    STATUS_OFFLINE: ClassVar[str] = "offline"

    @classmethod
    def from_wire(cls, obj: Any) -> User:
        o = as_object(obj, "user")
        status = lenient_str(o, "status")
        if status is not None and status != "offline":
            status = "online"  # as the JS SDK: anything but "offline" is online
        return cls(
            uid=required_str(o, "uid", "user"),
            name=lenient_str(o, "name"),
            avatar=lenient_str(o, "avatar"),
            link=lenient_str(o, "link"),
            role=lenient_str(o, "role"),
            status=status,
            status_message=lenient_str(o, "statusMessage"),
            metadata=lenient_dict(o, "metadata"),
            last_active_at=lenient_int(o, "lastActiveAt"),
            tags=lenient_list(o, "tags"),
            blocked_by_me=o.get("blockedByMe") is True,
            has_blocked_me=o.get("hasBlockedMe") is True,
        )

    def to_wire(self) -> JSON:
        out: JSON = {"uid": self.uid}
        put(out, "name", self.name)
        put(out, "avatar", self.avatar)
        put(out, "link", self.link)
        put(out, "role", self.role)
        put(out, "status", self.status)
        put(out, "statusMessage", self.status_message)
        put(out, "metadata", self.metadata)
        put(out, "lastActiveAt", self.last_active_at)
        put(out, "tags", self.tags)
        if self.blocked_by_me:
            out["blockedByMe"] = True
        if self.has_blocked_me:
            out["hasBlockedMe"] = True
        return out

    # the JS SDK's getters and setters (camelCase aliases at the end) ---------
    def get_uid(self) -> str:
        return self.uid

    def get_name(self) -> str | None:
        return self.name

    def get_avatar(self) -> str | None:
        return self.avatar

    def get_link(self) -> str | None:
        return self.link

    def get_role(self) -> str | None:
        return self.role

    def get_status(self) -> str | None:
        return self.status

    def get_status_message(self) -> str | None:
        return self.status_message

    def get_metadata(self) -> JSON | None:
        return self.metadata

    def get_last_active_at(self) -> int | None:
        return self.last_active_at

    def get_tags(self) -> list[str] | None:
        return self.tags

    def get_blocked_by_me(self) -> bool:
        return self.blocked_by_me

    def get_has_blocked_me(self) -> bool:
        return self.has_blocked_me

    def set_name(self, name: str) -> None:
        self.name = name

    def set_avatar(self, avatar: str) -> None:
        self.avatar = avatar

    def set_link(self, link: str) -> None:
        self.link = link

    def set_role(self, role: str) -> None:
        self.role = role

    def set_metadata(self, metadata: JSON) -> None:
        self.metadata = metadata

    def set_status_message(self, message: str) -> None:
        self.status_message = message

    def set_tags(self, tags: list[str]) -> None:
        self.tags = list(tags)

    # camelCase aliases -------------------------------------------------------------
    getUid = get_uid
    getName = get_name
    getAvatar = get_avatar
    getLink = get_link
    getRole = get_role
    getStatus = get_status
    getStatusMessage = get_status_message
    getMetadata = get_metadata
    getLastActiveAt = get_last_active_at
    getTags = get_tags
    getBlockedByMe = get_blocked_by_me
    getHasBlockedMe = get_has_blocked_me
    setName = set_name
    setAvatar = set_avatar
    setLink = set_link
    setRole = set_role
    setMetadata = set_metadata
    setStatusMessage = set_status_message
    setTags = set_tags


@dataclass(slots=True, eq=True)
class GroupMember(User):
    """A user as a member of a group (``CometChat.GroupMember``)."""

    scope: str | None = None
    joined_at: int | None = None
    guid: str | None = None

    @classmethod
    def from_user(
        cls, user: User, *, scope: str | None = None, joined_at: int | None = None, guid: str | None = None
    ) -> GroupMember:
        """``user`` as a member of ``guid``: every :class:`User` field copied, plus the membership."""
        copied = {f.name: getattr(user, f.name) for f in fields(User)}
        return cls(**copied, scope=scope, joined_at=joined_at, guid=guid)

    @classmethod
    def from_wire(cls, obj: Any) -> GroupMember:
        o = as_object(obj, "group member")
        return cls.from_user(
            User.from_wire(o),
            scope=lenient_str(o, "scope"),
            joined_at=lenient_int(o, "joinedAt"),
            guid=lenient_str(o, "guid"),
        )

    def to_wire(self) -> JSON:
        out = User.to_wire(self)
        put(out, "scope", self.scope)
        put(out, "joinedAt", self.joined_at)
        put(out, "guid", self.guid)
        return out

    def get_scope(self) -> str | None:
        return self.scope

    def get_joined_at(self) -> int | None:
        return self.joined_at

    # camelCase aliases -------------------------------------------------------------
    getScope = get_scope
    getJoinedAt = get_joined_at


@dataclass(slots=True, eq=True)
class Group:
    """A CometChat group (``CometChat.Group(guid, name, type, password)``)."""

    guid: str
    name: str | None = None
    type: str = "public"
    password: str | None = field(default=None, repr=False)
    icon: str | None = None
    description: str | None = None
    owner: str | None = None
    metadata: JSON | None = None
    created_at: int | None = None
    updated_at: int | None = None
    has_joined: bool = False
    joined_at: int | None = None
    members_count: int | None = None
    scope: str | None = None
    tags: list[str] | None = None

    TYPE_PUBLIC: ClassVar[str] = "public"
    TYPE_PRIVATE: ClassVar[str] = "private"
    TYPE_PASSWORD: ClassVar[str] = "password"

    @classmethod
    def from_wire(cls, obj: Any) -> Group:
        o = as_object(obj, "group")
        return cls(
            guid=required_str(o, "guid", "group"),
            name=lenient_str(o, "name"),
            type=lenient_str(o, "type") or "public",
            icon=lenient_str(o, "icon"),
            description=lenient_str(o, "description"),
            owner=lenient_str(o, "owner"),
            metadata=lenient_dict(o, "metadata"),
            created_at=lenient_int(o, "createdAt"),
            updated_at=lenient_int(o, "updatedAt"),
            has_joined=bool(o.get("hasJoined", False)),
            joined_at=lenient_int(o, "joinedAt"),
            members_count=lenient_int(o, "membersCount"),
            scope=lenient_str(o, "scope"),
            tags=lenient_list(o, "tags"),
        )

    def to_wire(self) -> JSON:
        out: JSON = {"guid": self.guid, "type": self.type}
        put(out, "name", self.name)
        put(out, "password", self.password)
        put(out, "icon", self.icon)
        put(out, "description", self.description)
        put(out, "owner", self.owner)
        put(out, "metadata", self.metadata)
        put(out, "tags", self.tags)
        return out

    def get_guid(self) -> str:
        return self.guid

    def get_name(self) -> str | None:
        return self.name

    def get_type(self) -> str:
        return self.type

    def get_description(self) -> str | None:
        return self.description

    def get_owner(self) -> str | None:
        return self.owner

    def get_metadata(self) -> JSON | None:
        return self.metadata

    def get_has_joined(self) -> bool:
        return self.has_joined

    def get_members_count(self) -> int | None:
        return self.members_count

    def get_scope(self) -> str | None:
        return self.scope

    def get_created_at(self) -> int | None:
        return self.created_at

    def set_name(self, name: str) -> None:
        self.name = name

    def set_description(self, description: str) -> None:
        self.description = description

    def set_metadata(self, metadata: JSON) -> None:
        self.metadata = metadata

    def get_icon(self) -> str | None:
        return self.icon

    def set_icon(self, icon: str) -> None:
        self.icon = icon

    def get_tags(self) -> list[str] | None:
        return self.tags

    def set_tags(self, tags: list[str]) -> None:
        self.tags = list(tags)

    # camelCase aliases -------------------------------------------------------------
    getIcon = get_icon
    setIcon = set_icon
    getTags = get_tags
    setTags = set_tags
    getGuid = get_guid
    getName = get_name
    getType = get_type
    getDescription = get_description
    getOwner = get_owner
    getMetadata = get_metadata
    getHasJoined = get_has_joined
    getMembersCount = get_members_count
    getScope = get_scope
    getCreatedAt = get_created_at
    setName = set_name
    setDescription = set_description
    setMetadata = set_metadata


def entity_from_wire(obj: Any) -> User | Group | None:
    """``{"entity": {...}, "entityType": "user"|"group"}`` → model (or None)."""
    if not isinstance(obj, dict):
        return None
    entity = obj.get("entity")
    if not isinstance(entity, dict):
        return None
    if obj.get("entityType") == "group" or ("guid" in entity and "uid" not in entity):
        return Group.from_wire(entity)
    return User.from_wire(entity)
