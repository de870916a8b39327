// Group administration through the official SDK (issue 15): create (with members),
// get, update, delete, add members, kick, ban, unban, change scope, transfer the
// ownership, the members/banned/groups lists with every builder setter, and the
// group listener callbacks driver.js leaves out (kicked, banned, unbanned,
// added). See driver.js "Feature plug-ins".
"use strict";

module.exports = ({ CometChat, emit, need, uidOf }) => {
  function groupJson(g) {
    return {
      guid: g.getGuid(),
      name: g.getName(),
      type: g.getType(),
      owner: g.getOwner() || null,
      scope: g.getScope() || null,
      hasJoined: g.getHasJoined(),
      membersCount: g.getMembersCount(),
      description: g.getDescription() || null,
      tags: g.getTags() || null,
    };
  }

  function memberJson(m) {
    return { uid: m.getUid(), name: m.getName(), scope: m.getScope(), guid: m.getGuid ? m.getGuid() : null,
      status: m.getStatus() };
  }

  function members(list) {
    return (list || []).map((m) => new CometChat.GroupMember(m.uid, m.scope));
  }

  function memberEvent(name) {
    return (action, user, by, group) =>
      emit({ event: name, id: String(action.getId()), action: action.getAction(), uid: uidOf(user),
        by: uidOf(by), guid: group.getGuid() });
  }

  return {
    commands: {
      async createGroup(cmd) {
        need(cmd, "guid");
        const group = new CometChat.Group(cmd.guid, cmd.name || cmd.guid, cmd.type || CometChat.GROUP_TYPE.PUBLIC,
          cmd.password);
        if (cmd.tags) group.setTags(cmd.tags);
        if (cmd.description) group.setDescription(cmd.description);
        return { group: groupJson(await CometChat.createGroup(group)) };
      },
      async createGroupWithMembers(cmd) {
        need(cmd, "guid");
        const group = new CometChat.Group(cmd.guid, cmd.name || cmd.guid, cmd.type || CometChat.GROUP_TYPE.PUBLIC);
        const reply = await CometChat.createGroupWithMembers(group, members(cmd.members), cmd.bans || []);
        return { group: groupJson(reply.group), members: reply.members };
      },
      async getGroup(cmd) {
        need(cmd, "guid");
        return { group: groupJson(await CometChat.getGroup(cmd.guid)) };
      },
      async updateGroup(cmd) {
        need(cmd, "guid");
        const current = await CometChat.getGroup(cmd.guid);
        if (cmd.name) current.setName(cmd.name);
        if (cmd.description) current.setDescription(cmd.description);
        if (cmd.tags) current.setTags(cmd.tags);
        if (cmd.type) current.setType(cmd.type);
        return { group: groupJson(await CometChat.updateGroup(current)) };
      },
      async deleteGroup(cmd) {
        need(cmd, "guid");
        return { value: await CometChat.deleteGroup(cmd.guid) };
      },
      async addMembersToGroup(cmd) {
        need(cmd, "guid");
        return { value: await CometChat.addMembersToGroup(cmd.guid, members(cmd.members), cmd.bans || []) };
      },
      async kickGroupMember(cmd) {
        need(cmd, "guid", "uid");
        return { value: await CometChat.kickGroupMember(cmd.guid, cmd.uid) };
      },
      async banGroupMember(cmd) {
        need(cmd, "guid", "uid");
        return { value: await CometChat.banGroupMember(cmd.guid, cmd.uid) };
      },
      async unbanGroupMember(cmd) {
        need(cmd, "guid", "uid");
        return { value: await CometChat.unbanGroupMember(cmd.guid, cmd.uid) };
      },
      async updateGroupMemberScope(cmd) {
        need(cmd, "guid", "uid", "scope");
        const scope = CometChat.GROUP_MEMBER_SCOPE[cmd.scope.toUpperCase()] || cmd.scope;
        return { value: await CometChat.updateGroupMemberScope(cmd.guid, cmd.uid, scope) };
      },
      async transferGroupOwnership(cmd) {
        need(cmd, "guid", "uid");
        return { value: await CometChat.transferGroupOwnership(cmd.guid, cmd.uid) };
      },
      // {"cmd":"fetchGroupMembers","guid":"g","limit":30,"search":"x","scopes":["admin"],"status":"ONLINE"}
      async fetchGroupMembers(cmd) {
        need(cmd, "guid");
        const b = new CometChat.GroupMembersRequestBuilder(cmd.guid).setLimit(cmd.limit || 30);
        if (cmd.search) b.setSearchKeyword(cmd.search);
        if (cmd.scopes) b.setScopes(cmd.scopes);
        if (cmd.status) b.setStatus(CometChat.USER_STATUS[cmd.status]);
        if (cmd.page) b.setPage(cmd.page);
        return { members: (await b.build().fetchNext()).map(memberJson) };
      },
      async fetchBannedMembers(cmd) {
        need(cmd, "guid");
        const b = new CometChat.BannedMembersRequestBuilder(cmd.guid).setLimit(cmd.limit || 30);
        if (cmd.search) b.setSearchKeyword(cmd.search);
        if (cmd.scopes) b.setScopes(cmd.scopes);
        return { members: (await b.build().fetchNext()).map(memberJson) };
      },
      async fetchGroups(cmd) {
        const b = new CometChat.GroupsRequestBuilder().setLimit(cmd.limit || 30);
        if (cmd.search) b.setSearchKeyword(cmd.search);
        if (cmd.joinedOnly) b.joinedOnly(true);
        if (cmd.tags) b.setTags(cmd.tags);
        if (cmd.withTags) b.withTags(true);
        if (cmd.page) b.setPage(cmd.page);
        return { groups: (await b.build().fetchNext()).map(groupJson) };
      },
      async getOnlineGroupMemberCount(cmd) {
        need(cmd, "guids");
        return { value: await CometChat.getOnlineGroupMemberCount(cmd.guids) };
      },
    },
    groupListener: {
      onGroupMemberKicked: memberEvent("onGroupMemberKicked"),
      onGroupMemberBanned: memberEvent("onGroupMemberBanned"),
      onGroupMemberUnbanned: memberEvent("onGroupMemberUnbanned"),
      // the option is onMemberAddedToGroup; the GroupListener constructor stores it as
      // onGroupMemberAddedToGroup, the name WSHelper.publishActionMessage calls
      onMemberAddedToGroup: memberEvent("onMemberAddedToGroup"),
    },
  };
};
