// Message features of the official SDK (issue 14): media messages, thread replies, mentions,
// reactions, the history filters. See driver.js "Feature plug-ins".
//
//   {"cmd":"sendMedia","to":UID,"type":"image","name":"a.png","mime":"image/png","b64":"...",
//    "caption"?,"metadata"?,"tags"?,"parent"?}                 -> {message: <rich>}
//   {"cmd":"sendReply","to":UID,"parent":ID,"text":"..."}      -> {message: <rich>}
//   {"cmd":"details","id":ID}                                  -> getMessageDetails, rich
//   {"cmd":"receivedDetails","id":ID}                          -> a message a listener received, rich
//   {"cmd":"addReaction"|"removeReaction","id":ID,"reaction":R} -> {message: <rich>}
//   {"cmd":"fetchReactions","id":ID,"reaction"?,"limit"?,"pages"?,"previous"?} -> {pages:[[reaction]]}
//   {"cmd":"fetchThread","parent":ID,"limit"?,"withParent"?}   -> {messages:[rich]}
//   {"cmd":"fetchFiltered","uid"|"guid", ...builder options}   -> {messages:[rich]}
//   {"cmd":"applyReaction","id":ID,"event":N}                  -> CometChatHelper.updateMessageWithReactionInfo
//   {"cmd":"fetchUrl","url":URL,"headers"?}                    -> {status, contentType, b64}
// Listener events: onMediaMessageReceived (rich), onMessageReactionAdded / Removed (reaction event).
"use strict";

module.exports = ({ CometChat, emit, need, receiverType, received, uidOf, messageJson, userJson }) => {
  const reactionEvents = []; // every reaction event received, in order (applyReaction reads them)

  function richJson(m) {
    const out = messageJson(m);
    out.parentMessageId = m.getParentMessageId() ? String(m.getParentMessageId()) : null;
    out.replyCount = m.getReplyCount() || 0;
    out.unreadRepliesCount = typeof m.getUnreadRepliesCount === "function" ? m.getUnreadRepliesCount() || 0 : 0;
    out.reactions = (m.getReactions() || []).map((r) => ({
      reaction: r.getReaction(),
      count: r.getCount(),
      reactedByMe: r.getReactedByMe(),
    }));
    out.mentionedUsers = (m.getMentionedUsers() || []).map((u) => {
      const j = userJson(u);
      if (u.getTags && u.getTags()) j.tags = u.getTags();
      if (u.blockedByMe !== undefined) j.blockedByMe = u.blockedByMe;
      if (u.hasBlockedMe !== undefined) j.hasBlockedMe = u.hasBlockedMe;
      return j;
    });
    out.hasMentionedMe = m.hasMentionedMe();
    if (m instanceof CometChat.MediaMessage) {
      out.caption = m.getCaption() || null;
      out.url = m.getURL() || null;
      out.attachments = m.getAttachments().map((a) => ({
        url: a.getUrl(),
        name: a.getName(),
        extension: a.getExtension(),
        size: a.getSize(),
        mimeType: a.getMimeType(),
      }));
    }
    return out;
  }

  function reactionJson(event) {
    const r = event.getReaction();
    return {
      id: r.getReactionId !== undefined && typeof r.getReactionId === "function" ? String(r.getReactionId()) : null,
      messageId: String(r.getMessageId()),
      reaction: r.getReaction(),
      uid: r.getUid(),
      reactedAt: r.getReactedAt(),
      reactedBy: uidOf(r.getReactedBy()),
      receiverId: event.getReceiverId(),
      receiverType: event.getReceiverType(),
      conversationId: event.getConversationId(),
      parentMessageId: event.getParentMessageId() ? String(event.getParentMessageId()) : null,
    };
  }

  function listItem(r) {
    return {
      id: String(r.getReactionId()),
      messageId: String(r.getMessageId()),
      reaction: r.getReaction(),
      uid: r.getUid(),
      reactedAt: r.getReactedAt(),
      reactedBy: uidOf(r.getReactedBy()),
    };
  }

  const builders = {
    // option name -> (builder, value) => builder
    limit: (b, v) => b.setLimit(v),
    searchKeyword: (b, v) => b.setSearchKeyword(v),
    tags: (b, v) => b.setTags(v),
    withTags: (b, v) => b.withTags(v),
    types: (b, v) => b.setTypes(v),
    categories: (b, v) => b.setCategories(v),
    hideReplies: (b, v) => b.hideReplies(v),
    hideDeleted: (b, v) => b.hideDeletedMessages(v),
    hasAttachments: (b, v) => b.hasAttachments(v),
    hasLinks: (b, v) => b.hasLinks(v),
    hasMentions: (b, v) => b.hasMentions(v),
    hasReactions: (b, v) => b.hasReactions(v),
    mentionedUIDs: (b, v) => b.setMentionedUIDs(v),
    attachmentTypes: (b, v) => b.setAttachmentTypes(v),
    updatedAfter: (b, v) => b.setUpdatedAfter(v),
    updatesOnly: (b, v) => b.updatesOnly(v),
    mentionsWithTagInfo: (b, v) => b.mentionsWithTagInfo(v),
    mentionsWithBlockedInfo: (b, v) => b.mentionsWithBlockedInfo(v),
    withParent: (b, v) => b.withParent(v),
    hideQuotedMessages: (b, v) => b.hideQuotedMessages(v),
    hideMessagesFromBlockedUsers: (b, v) => b.hideMessagesFromBlockedUsers(v),
    parent: (b, v) => b.setParentMessageId(Number(v)),
  };

  return {
    commands: {
      async sendMedia(cmd) {
        need(cmd, "to", "type", "name", "b64");
        const file = new File([Buffer.from(cmd.b64, "base64")], cmd.name, { type: cmd.mime || "" });
        const m = new CometChat.MediaMessage(cmd.to, file, cmd.type, receiverType(cmd));
        if (cmd.caption) m.setCaption(cmd.caption);
        if (cmd.metadata) m.setMetadata(cmd.metadata);
        if (cmd.tags) m.setTags(cmd.tags);
        if (cmd.parent) m.setParentMessageId(Number(cmd.parent));
        return { message: richJson(await CometChat.sendMediaMessage(m)) };
      },
      async sendReply(cmd) {
        need(cmd, "to", "parent", "text");
        const m = new CometChat.TextMessage(cmd.to, cmd.text, receiverType(cmd));
        m.setParentMessageId(Number(cmd.parent));
        return { message: richJson(await CometChat.sendMessage(m)) };
      },
      async details(cmd) {
        need(cmd, "id");
        return { message: richJson(await CometChat.getMessageDetails(String(cmd.id))) };
      },
      async receivedDetails(cmd) {
        need(cmd, "id");
        const m = received.get(String(cmd.id));
        if (!m) throw new Error(`no received message with id ${cmd.id}`);
        return { message: richJson(m) };
      },
      async addReaction(cmd) {
        need(cmd, "id", "reaction");
        return { message: richJson(await CometChat.addReaction(String(cmd.id), cmd.reaction)) };
      },
      async removeReaction(cmd) {
        need(cmd, "id", "reaction");
        return { message: richJson(await CometChat.removeReaction(String(cmd.id), cmd.reaction)) };
      },
      async fetchReactions(cmd) {
        need(cmd, "id");
        let b = new CometChat.ReactionsRequestBuilder().setMessageId(Number(cmd.id)).setLimit(cmd.limit || 10);
        if (cmd.reaction) b = b.setReaction(cmd.reaction);
        const request = b.build();
        const pages = [];
        for (let i = 0; i < (cmd.pages || 1); i++) {
          const page = cmd.previous ? await request.fetchPrevious() : await request.fetchNext();
          pages.push(page.map(listItem));
        }
        return { pages };
      },
      async fetchThread(cmd) {
        need(cmd, "parent");
        let b = new CometChat.MessagesRequestBuilder().setParentMessageId(Number(cmd.parent)).setLimit(cmd.limit || 30);
        if (cmd.withParent) b = b.withParent(true);
        return { messages: (await b.build().fetchPrevious()).map(richJson) };
      },
      async fetchFiltered(cmd) {
        let b = new CometChat.MessagesRequestBuilder().setLimit(30);
        if (cmd.guid) b = b.setGUID(cmd.guid);
        else if (cmd.uid) b = b.setUID(cmd.uid);
        for (const [key, value] of Object.entries(cmd.options || {})) {
          if (!builders[key]) throw new Error(`unknown builder option ${key}`);
          b = builders[key](b, value);
        }
        const request = b.build();
        const messages = cmd.next ? await request.fetchNext() : await request.fetchPrevious();
        return { messages: messages.map(richJson) };
      },
      async applyReaction(cmd) {
        need(cmd, "id");
        const event = reactionEvents[Number(cmd.event || 0)];
        if (!event) throw new Error(`no reaction event ${cmd.event}`);
        const message = await CometChat.getMessageDetails(String(cmd.id));
        const before = richJson(message).reactions;
        const updated = CometChat.CometChatHelper.updateMessageWithReactionInfo(
          message,
          event.reaction.getReaction(),
          event.action,
        );
        if (updated instanceof CometChat.CometChatException) throw updated;
        return { before, after: richJson(updated).reactions };
      },
      async fetchUrl(cmd) {
        need(cmd, "url");
        const reply = await fetch(cmd.url, { method: "GET", headers: cmd.headers || {} });
        const body = Buffer.from(await reply.arrayBuffer());
        return { status: reply.status, contentType: reply.headers.get("content-type"), b64: body.toString("base64") };
      },
    },
    messageListener: {
      onMediaMessageReceived: (m) => {
        received.set(String(m.getId()), m);
        emit({ event: "onMediaMessageReceived", ...richJson(m) });
      },
      onMessageReactionAdded: (e) => {
        reactionEvents.push({ reaction: e, action: CometChat.REACTION_ACTION.REACTION_ADDED });
        emit({ event: "onMessageReactionAdded", index: reactionEvents.length - 1, ...reactionJson(e) });
      },
      onMessageReactionRemoved: (e) => {
        reactionEvents.push({ reaction: e, action: CometChat.REACTION_ACTION.REACTION_REMOVED });
        emit({ event: "onMessageReactionRemoved", index: reactionEvents.length - 1, ...reactionJson(e) });
      },
    },
  };
};
