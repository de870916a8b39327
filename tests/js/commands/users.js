// Users through the official SDK (issue 15): createUser/updateUser with the API
// key, updateCurrentUserDetails, a users list with every UsersRequestBuilder
// setter, getOnlineUserCount, and blocking: blockUsers, unblockUsers, the
// blocked-users list, history with hideMessagesFromBlockedUsers. See driver.js
// "Feature plug-ins".
"use strict";

module.exports = ({ CometChat, need, messageJson }) => {
  function fullUser(u) {
    return {
      uid: u.getUid(),
      name: u.getName(),
      role: u.getRole() || null,
      status: u.getStatus(),
      statusMessage: u.getStatusMessage() || null,
      tags: u.getTags() || null,
      metadata: u.getMetadata() || null,
      blockedByMe: u.getBlockedByMe(),
      hasBlockedMe: u.getHasBlockedMe(),
    };
  }

  function userFrom(cmd) {
    const user = new CometChat.User(cmd.uid);
    if (cmd.name) user.setName(cmd.name);
    if (cmd.role) user.setRole(cmd.role);
    if (cmd.tags) user.setTags(cmd.tags);
    if (cmd.metadata) user.setMetadata(cmd.metadata);
    if (cmd.statusMessage) user.setStatusMessage(cmd.statusMessage);
    return user;
  }

  return {
    commands: {
      async createUser(cmd) {
        need(cmd, "uid", "apiKey");
        return { user: fullUser(await CometChat.createUser(userFrom(cmd), cmd.apiKey)) };
      },
      async updateUser(cmd) {
        need(cmd, "uid", "apiKey");
        return { user: fullUser(await CometChat.updateUser(userFrom(cmd), cmd.apiKey)) };
      },
      async updateCurrentUserDetails(cmd) {
        const me = await CometChat.getLoggedinUser();
        return { user: fullUser(await CometChat.updateCurrentUserDetails(userFrom({ ...cmd, uid: me.getUid() }))) };
      },
      // every UsersRequestBuilder setter: {"cmd":"fetchUsersWith","status":"ONLINE","roles":["vip"],...}
      async fetchUsersWith(cmd) {
        const b = new CometChat.UsersRequestBuilder().setLimit(cmd.limit || 30);
        if (cmd.search) b.setSearchKeyword(cmd.search);
        if (cmd.searchIn) b.searchIn(cmd.searchIn);
        if (cmd.status) b.setStatus(CometChat.USER_STATUS[cmd.status]);
        if (cmd.hideBlockedUsers) b.hideBlockedUsers(true);
        if (cmd.role) b.setRole(cmd.role);
        if (cmd.roles) b.setRoles(cmd.roles);
        if (cmd.friendsOnly) b.friendsOnly(true);
        if (cmd.tags) b.setTags(cmd.tags);
        if (cmd.withTags) b.withTags(true);
        if (cmd.uids) b.setUIDs(cmd.uids);
        if (cmd.sortBy) b.sortBy(cmd.sortBy);
        if (cmd.sortByOrder) b.sortByOrder(cmd.sortByOrder);
        if (cmd.page) b.setPage(cmd.page);
        return { users: (await b.build().fetchNext()).map(fullUser) };
      },
      async getUserFull(cmd) {
        need(cmd, "uid");
        return { user: fullUser(await CometChat.getUser(cmd.uid)) };
      },
      async getOnlineUserCount() {
        return { value: await CometChat.getOnlineUserCount() };
      },
      async blockUsers(cmd) {
        need(cmd, "uids");
        return { value: await CometChat.blockUsers(cmd.uids) };
      },
      async unblockUsers(cmd) {
        need(cmd, "uids");
        return { value: await CometChat.unblockUsers(cmd.uids) };
      },
      // {"cmd":"fetchBlockedUsers","direction":"BLOCKED_BY_ME"|"HAS_BLOCKED_ME"|"BOTH","search":"x"}
      async fetchBlockedUsers(cmd) {
        const b = new CometChat.BlockedUsersRequestBuilder().setLimit(cmd.limit || 30);
        if (cmd.direction) b.setDirection(CometChat.BlockedUsersRequest.directions[cmd.direction]);
        if (cmd.search) b.setSearchKeyword(cmd.search);
        return { users: (await b.build().fetchNext()).map(fullUser) };
      },
      async fetchPreviousHidingBlocked(cmd) {
        if (!cmd.guid) need(cmd, "uid");
        const b = new CometChat.MessagesRequestBuilder().setLimit(cmd.limit || 30).hideMessagesFromBlockedUsers(true);
        const request = (cmd.guid ? b.setGUID(cmd.guid) : b.setUID(cmd.uid)).build();
        return { messages: (await request.fetchPrevious()).map(messageJson) };
      },
    },
  };
};
