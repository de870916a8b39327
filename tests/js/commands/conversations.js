// Conversations, unread counts and read state (issue 13): the official SDK's calls as an app makes them
// (see driver.js "Feature plug-ins"). Each command answers the SDK's own objects as plain JSON.
//   {"cmd":"fetchConversations","limit":30,"type":"user","unread":true,"tags":["t"],"withTags":true,
//    "userTags":[..],"groupTags":[..],"search":"..","pages":2}      -> {conversations:[...], pages:[n, ...]}
//   {"cmd":"getConversation","with":"superhero2","type":"user"}    -> {conversation}
//   {"cmd":"tagConversation","with":..,"type":..,"tags":[..]}      -> {conversation}
//   {"cmd":"deleteConversation" | "markConversationAsRead" | "markConversationAsDelivered","with":..,"type":..}
//                                                                   -> {value}  (the SDK's resolved string)
//   {"cmd":"markMessageAsUnread","id":"12"}                         -> {conversation}
//   {"cmd":"getUnreadMessageCount","hideBlocked":false}             -> {counts}  (also ...ForAllUsers,
//    ...ForAllGroups; ...ForUser {"uid"}, ...ForGroup {"guid"})
//   {"cmd":"getMessageReceipts","id":"12"}                          -> {receipts:[...]}
//   {"cmd":"getConversationFromMessage","id":"12"}                  -> {conversation}
// Listener events: onMessagesReadByAll / onMessagesDeliveredToAll (receiptJson fields).
"use strict";

module.exports = ({ CometChat, emit, need, uidOf, messageJson, receiptJson }) => {
  function withOf(c) {
    const w = c.getConversationWith();
    if (!w) return { with: null, withName: null };
    const id = typeof w.getGuid === "function" ? w.getGuid() : uidOf(w);
    return { with: id, withName: typeof w.getName === "function" ? w.getName() : null };
  }

  function conversationJson(c) {
    const last = c.getLastMessage();
    return {
      conversationId: c.getConversationId(),
      conversationType: c.getConversationType(),
      unreadMessageCount: c.getUnreadMessageCount(),
      unreadMentionsCount: c.getUnreadMentionsCount(),
      lastReadMessageId: c.getLastReadMessageId(),
      latestMessageId: c.getLatestMessageId(),
      tags: c.getTags() || null,
      ...withOf(c),
      lastMessage: last && typeof last.getId === "function" ? messageJson(last) : null,
    };
  }

  async function message(id) {
    return CometChat.getMessageDetails(String(id));
  }

  function counts(value) {
    // the SDK resolves plain objects: {uid: n} or {users: {...}, groups: {...}}
    return JSON.parse(JSON.stringify(value));
  }

  return {
    commands: {
      async fetchConversations(cmd) {
        const b = new CometChat.ConversationsRequestBuilder().setLimit(cmd.limit || 30);
        if (cmd.type) b.setConversationType(cmd.type);
        if (cmd.unread) b.setUnread(true);
        if (cmd.tags) b.setTags(cmd.tags);
        if (cmd.withTags) b.withTags(true);
        if (cmd.userTags) b.setUserTags(cmd.userTags);
        if (cmd.groupTags) b.setGroupTags(cmd.groupTags);
        if (cmd.search) b.setSearchKeyword(cmd.search);
        if (cmd.withUserAndGroupTags) b.withUserAndGroupTags(true);
        if (cmd.includeBlockedUsers) b.setIncludeBlockedUsers(true);
        if (cmd.withBlockedInfo) b.setWithBlockedInfo(true);
        const request = b.build();
        const all = [];
        const pages = [];
        for (let i = 0; i < (cmd.pages || 1); i++) {
          const page = await request.fetchNext();
          pages.push(page.length);
          all.push(...page.map(conversationJson));
        }
        return { conversations: all, pages };
      },
      async getConversation(cmd) {
        need(cmd, "with", "type");
        return { conversation: conversationJson(await CometChat.getConversation(cmd.with, cmd.type)) };
      },
      async tagConversation(cmd) {
        need(cmd, "with", "type", "tags");
        return { conversation: conversationJson(await CometChat.tagConversation(cmd.with, cmd.type, cmd.tags)) };
      },
      async deleteConversation(cmd) {
        need(cmd, "with", "type");
        return { value: await CometChat.deleteConversation(cmd.with, cmd.type) };
      },
      async markConversationAsRead(cmd) {
        need(cmd, "with", "type");
        return { value: await CometChat.markConversationAsRead(cmd.with, cmd.type) };
      },
      async markConversationAsDelivered(cmd) {
        need(cmd, "with", "type");
        return { value: await CometChat.markConversationAsDelivered(cmd.with, cmd.type) };
      },
      async markMessageAsUnread(cmd) {
        need(cmd, "id");
        return { conversation: conversationJson(await CometChat.markMessageAsUnread(await message(cmd.id))) };
      },
      async markAsReadById(cmd) {
        need(cmd, "id");
        await CometChat.markAsRead(await message(cmd.id));
        return {};
      },
      async getUnreadMessageCount(cmd) {
        return { counts: counts(await CometChat.getUnreadMessageCount(!!cmd.hideBlocked)) };
      },
      async getUnreadMessageCountForAllUsers(cmd) {
        return { counts: counts(await CometChat.getUnreadMessageCountForAllUsers(!!cmd.hideBlocked)) };
      },
      async getUnreadMessageCountForAllGroups(cmd) {
        return { counts: counts(await CometChat.getUnreadMessageCountForAllGroups(!!cmd.hideBlocked)) };
      },
      async getUnreadMessageCountForUser(cmd) {
        need(cmd, "uid");
        return { counts: counts(await CometChat.getUnreadMessageCountForUser(cmd.uid, !!cmd.hideBlocked)) };
      },
      async getUnreadMessageCountForGroup(cmd) {
        need(cmd, "guid");
        return { counts: counts(await CometChat.getUnreadMessageCountForGroup(cmd.guid, !!cmd.hideBlocked)) };
      },
      async getMessageReceipts(cmd) {
        need(cmd, "id");
        const receipts = await CometChat.getMessageReceipts(String(cmd.id));
        return { receipts: receipts.map(receiptJson) };
      },
      async getConversationFromMessage(cmd) {
        need(cmd, "id");
        const c = await CometChat.CometChatHelper.getConversationFromMessage(await message(cmd.id));
        return { conversation: conversationJson(c) };
      },
    },
    messageListener: {
      onMessagesReadByAll: (r) => emit({ event: "onMessagesReadByAll", ...receiptJson(r) }),
      onMessagesDeliveredToAll: (r) => emit({ event: "onMessagesDeliveredToAll", ...receiptJson(r) }),
    },
  };
};
