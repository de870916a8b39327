#!/usr/bin/env node
// Drives the official CometChat JS SDK (installed from npm, never copied) against
// cometchat_nb's embedded server, for tests/test_js_sdk.py and tests/test_js_interop.py.
//
//   node driver.js <scenario>        scenario: login | restore | interop | bench
//
// Configuration (environment):
//   CC_APP_ID, CC_REGION, CC_HOST      app id, region, REST "host:port" (overrideClientHost/AdminHost)
//   CC_UID, CC_AUTH_KEY                who logs in (scenarios login, interop and bench)
//   CC_STORAGE                         file backing localStorage (a second process restores from it)
//   CC_PLAIN=1                         rewrite https:// -> http:// and wss:// -> ws:// (server without TLS);
//                                      otherwise start Node with NODE_EXTRA_CA_CERTS=<server CA>
//   CC_WATCHDOG_MS                     overall bound (default 60000): exit 124 when it fires
//
// Line protocol: every event is ONE JSON object on ONE stdout line, e.g.
//   {"event":"ready"}    the server accepted the socket's auth frame (onConnected fires earlier,
//                        on open, before the server has registered the socket)
//   {"event":"result","step":"login","ok":true,...}
//   {"event":"onTextMessageReceived","id":"12","text":"hi","sender":"superhero2",...}
//   {"event":"error","step":"sendMessage","code":"...","message":"..."}
// Commands are ONE JSON object per stdin line, e.g.
//   {"cmd":"sendMessage","to":"superhero2","text":"hi"}   {"cmd":"startTyping","to":"superhero2"}
//   {"cmd":"fetchPrevious","uid":"superhero2","limit":30}  {"cmd":"disconnect"}  {"cmd":"exit"}
//   {"cmd":"fetchUsers","status":"ONLINE"}  (a key of CometChat.USER_STATUS)  {"cmd":"getAppSettings"}
// Every command answers exactly one {"event":"result","step":<cmd>,"ok":true|false,...} line.
//
// Feature plug-ins: every tests/js/commands/*.js (loaded in name order) exports
//   module.exports = (ctx) => ({ commands: {...}, messageListener: {...}, userListener: {...},
//                                groupListener: {...} })
// where ctx = { CometChat, emit, need, receiverType, received, uidOf, messageJson, userJson,
// typingJson, receiptJson, errorInfo }. Its commands join the table below (a name may not be
// defined twice), and its listener callbacks join the driver's listeners (same rule), so each
// feature's driver code lives in its own file.
// stdin EOF ends the process (code 0); the watchdog, an uncaught exception or an unhandled
// rejection end it with a non-zero code.
//
// Scenario "bench" (bench/bench_ingest.py, bench/bench_connect.py) logs in like "login" but is
// quiet: its only listeners count onTextMessageReceived and time connections, the shim stops
// parsing a socket's frames once its auth answer is seen, and two commands measure:
//   {"cmd":"benchArm","n":N}      reset the counter; when the N-th text message arrives it prints
//                                 {"event":"benchDone","n":N,"seconds":<first to N-th message>}
//   {"cmd":"benchConnect","runs":R}  R times: connect() -> socket open -> auth OK, then
//                                 disconnect() and wait for the socket to close; answers the two
//                                 latency lists in milliseconds (opened, authed). The SDK fires
//                                 onConnected on open, but only for its first connect(): after a
//                                 disconnect() its status stays "connected" (README), so the open
//                                 event of the socket stands for it
"use strict";

const fs = require("fs");
const path = require("path");
const readline = require("readline");

// ---------------------------------------------------------------------------------------------
// output

function emit(obj) {
  // fs.writeSync: the line is out before any later process.exit().
  fs.writeSync(1, JSON.stringify(obj) + "\n");
}

function errorInfo(err) {
  if (err === null || err === undefined) return { code: null, message: String(err) };
  if (typeof err !== "object") return { code: null, message: String(err) };
  return {
    code: err.code !== undefined ? err.code : null,
    message: err.message !== undefined ? String(err.message) : String(err),
    details: err.details !== undefined ? err.details : undefined,
  };
}

function finish(code) {
  try {
    emit({ event: "exit", code });
  } finally {
    process.exit(code);
  }
}

const env = process.env;
const scenario = process.argv[2];
const watchdogMs = Number(env.CC_WATCHDOG_MS || 60000);
const watchdog = setTimeout(() => {
  emit({ event: "error", step: "watchdog", code: "WATCHDOG", message: `no exit after ${watchdogMs} ms` });
  finish(124);
}, watchdogMs);
watchdog.unref();

process.on("uncaughtException", (err) => {
  emit({ event: "error", step: "uncaughtException", ...errorInfo(err), stack: err && err.stack });
  finish(70);
});
process.on("unhandledRejection", (err) => {
  emit({ event: "error", step: "unhandledRejection", ...errorInfo(err), stack: err && err.stack });
  finish(71);
});

for (const name of ["CC_APP_ID", "CC_HOST", "CC_STORAGE"]) {
  if (!env[name]) {
    emit({ event: "error", step: "config", code: "CONFIG", message: `${name} is not set` });
    finish(64);
  }
}
if (!["login", "restore", "interop", "bench"].includes(scenario)) {
  emit({ event: "error", step: "config", code: "CONFIG", message: `unknown scenario ${JSON.stringify(scenario)}` });
  finish(64);
}

// ---------------------------------------------------------------------------------------------
// browser globals (protocol.md §8.1), installed BEFORE the SDK is required

class MemoryStorage {
  constructor() {
    this._map = new Map();
  }
  get length() {
    return this._map.size;
  }
  key(i) {
    const keys = Array.from(this._map.keys());
    return i >= 0 && i < keys.length ? keys[i] : null;
  }
  getItem(k) {
    k = String(k);
    return this._map.has(k) ? this._map.get(k) : null;
  }
  setItem(k, v) {
    this._map.set(String(k), String(v));
    this._changed();
  }
  removeItem(k) {
    this._map.delete(String(k));
    this._changed();
  }
  clear() {
    this._map.clear();
    this._changed();
  }
  _changed() {}
}

// localStorage persisted to a JSON file after every change (so a second process can restore).
class FileStorage extends MemoryStorage {
  constructor(file) {
    super();
    this._file = file;
    if (fs.existsSync(file)) {
      const text = fs.readFileSync(file, "utf8");
      if (text.trim()) {
        for (const [k, v] of Object.entries(JSON.parse(text))) this._map.set(k, String(v));
      }
    }
  }
  _changed() {
    const tmp = this._file + ".tmp";
    fs.writeFileSync(tmp, JSON.stringify(Object.fromEntries(this._map), null, 1));
    fs.renameSync(tmp, this._file);
  }
}

const plain = env.CC_PLAIN === "1";
const bench = scenario === "bench";
let openSockets = 0; // sockets created and not yet closed (the bench scenario's connect loop)
// One-shot waiters of the bench scenario: name -> resolve (see waitFor()).
const waiters = new Map();

function signal(name, value) {
  const resolve = waiters.get(name);
  if (resolve) {
    waiters.delete(name);
    resolve(value);
  }
}

function waitFor(name, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      waiters.delete(name);
      reject(new Error(`no ${name} within ${ms} ms`));
    }, ms);
    waiters.set(name, (value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

const origin = "http://localhost";

globalThis.window = globalThis;
// The SDK writes localStorage on every message it receives; a browser keeps that in memory and
// persists it lazily, so the bench scenario does too (a file write per message would be what
// the benchmark measures).
globalThis.localStorage = bench ? new MemoryStorage() : new FileStorage(path.resolve(env.CC_STORAGE));
globalThis.sessionStorage = new MemoryStorage();
globalThis.navigator = { userAgent: `cometchat-nb-driver node/${process.versions.node}`, language: "en-US" };
globalThis.document = { querySelector: () => null, hasFocus: () => true };
globalThis.location = { hostname: "localhost", origin, href: origin + "/" };
globalThis.matchMedia = () => ({ matches: false });
globalThis.screen = { width: 1280, height: 800 };

const NodeWebSocket = require("ws");

// The SDK hard-codes wss://; in plain mode point it at ws://. In both modes the
// server's auth answer is reported as {"event":"wsAuth"} so the test knows the
// socket is registered on the server (onConnected fires earlier, on open);
// an OK answer is also reported as {"event":"ready"}.
class DriverWebSocket extends NodeWebSocket {
  constructor(url, ...rest) {
    const target = plain ? String(url).replace(/^wss:\/\//, "ws://") : url;
    super(target, ...rest);
    if (!bench) emit({ event: "wsOpen", url: String(target) });
    openSockets += 1;
    if (bench) this.addEventListener("open", () => signal("wsOpen", true));
    const onMessage = (ev) => {
      let frame;
      try {
        frame = JSON.parse(String(ev.data));
      } catch (e) {
        return;
      }
      if (frame && frame.type === "auth") {
        const body = frame.body || {};
        const ok = body.code === "200" && body.status === "OK";
        if (bench) {
          // measured runs must not pay for this shim: stop parsing this socket's frames
          this.removeEventListener("message", onMessage);
          signal("authOk", ok);
          return;
        }
        emit({ event: "wsAuth", code: body.code, status: body.status });
        if (ok) emit({ event: "ready" });
      }
    };
    this.addEventListener("message", onMessage);
    this.addEventListener("close", (ev) => {
      openSockets -= 1;
      signal("wsClose", ev.code);
      if (!bench) emit({ event: "wsClose", code: ev.code, reason: ev.reason });
    });
  }
}
globalThis.WebSocket = DriverWebSocket;

const nodeFetch = globalThis.fetch;
// Node's fetch rejects referrer:"no-referrer" (not a URL): drop it, ask for the policy instead.
// Every call is reported as {"event":"fetch","method","url"} (the SDK's own logger is compiled out).
globalThis.fetch = (input, init) => {
  let url = typeof input === "string" ? input : String(input && input.url ? input.url : input);
  if (plain) url = url.replace(/^https:\/\//, "http://");
  const opts = Object.assign({}, init || {});
  delete opts.referrer;
  opts.referrerPolicy = "no-referrer";
  emit({ event: "fetch", method: opts.method || "GET", url });
  return nodeFetch(url, opts);
};

const { CometChat } = require("@cometchat/chat-sdk-javascript");

// ---------------------------------------------------------------------------------------------
// SDK objects -> plain JSON

function uidOf(x) {
  if (!x) return null;
  if (typeof x === "string") return x;
  return typeof x.getUid === "function" ? x.getUid() : x.uid || null;
}

function messageJson(m) {
  return {
    id: String(m.getId()),
    text: typeof m.getText === "function" ? m.getText() : null,
    sender: uidOf(m.getSender()),
    receiver: m.getReceiverId(),
    receiverType: m.getReceiverType(),
    type: m.getType(),
    category: m.getCategory(),
    sentAt: m.getSentAt(),
    conversationId: m.getConversationId(),
    metadata: m.getMetadata() || null,
    customData: typeof m.getCustomData === "function" ? m.getCustomData() : undefined,
    editedAt: m.getEditedAt() || null,
    deletedAt: m.getDeletedAt() || null,
    deliveredAt: m.getDeliveredAt() || null,
    readAt: m.getReadAt() || null,
    tags: m.tags || null,
  };
}

function typingJson(t) {
  return {
    sender: uidOf(t.getSender()),
    receiver: t.getReceiverId(),
    receiverType: t.getReceiverType(),
    metadata: t.getMetadata() || null,
  };
}

function receiptJson(r) {
  return {
    messageId: String(r.getMessageId()),
    sender: uidOf(r.getSender()),
    receiver: r.getReceiver(),
    receiverType: r.getReceiverType(),
    receiptType: r.getReceiptType(),
    deliveredAt: r.getDeliveredAt() || null,
    readAt: r.getReadAt() || null,
  };
}

function userJson(u) {
  return { uid: uidOf(u), name: u.getName(), status: u.getStatus(), lastActiveAt: u.getLastActiveAt() || null };
}

// ---------------------------------------------------------------------------------------------
// feature plug-ins (tests/js/commands/*.js)

const plugins = { commands: {}, messageListener: {}, userListener: {}, groupListener: {} };

function loadPlugins(ctx) {
  const dir = path.join(__dirname, "commands");
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".js")).sort() : [];
  for (const file of files) {
    const part = require(path.join(dir, file))(ctx);
    for (const kind of Object.keys(plugins)) {
      for (const [name, fn] of Object.entries(part[kind] || {})) {
        if (name in plugins[kind]) throw new Error(`${file}: ${kind}.${name} is defined twice`);
        plugins[kind][name] = fn;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// listeners

const LID = "cometchat-nb-driver";
const received = new Map(); // id -> TextMessage (for markAsDelivered/markAsRead)

function addListeners() {
  CometChat.addConnectionListener(
    LID,
    new CometChat.ConnectionListener({
      onConnected: () => emit({ event: "onConnected" }),
      inConnecting: () => emit({ event: "inConnecting" }),
      onDisconnected: () => emit({ event: "onDisconnected" }),
    }),
  );
  CometChat.addMessageListener(
    LID,
    new CometChat.MessageListener({
      onTextMessageReceived: (m) => {
        received.set(String(m.getId()), m);
        emit({ event: "onTextMessageReceived", ...messageJson(m) });
      },
      onCustomMessageReceived: (m) => emit({ event: "onCustomMessageReceived", ...messageJson(m) }),
      onTypingStarted: (t) => emit({ event: "onTypingStarted", ...typingJson(t) }),
      onTypingEnded: (t) => emit({ event: "onTypingEnded", ...typingJson(t) }),
      onMessageEdited: (m) => emit({ event: "onMessageEdited", ...messageJson(m) }),
      onMessageDeleted: (m) => emit({ event: "onMessageDeleted", ...messageJson(m) }),
      onMessagesDelivered: (r) => emit({ event: "onMessagesDelivered", ...receiptJson(r) }),
      onMessagesRead: (r) => emit({ event: "onMessagesRead", ...receiptJson(r) }),
      ...plugins.messageListener,
    }),
  );
  CometChat.addUserListener(
    LID,
    new CometChat.UserListener({
      onUserOnline: (u) => emit({ event: "onUserOnline", ...userJson(u) }),
      onUserOffline: (u) => emit({ event: "onUserOffline", ...userJson(u) }),
      ...plugins.userListener,
    }),
  );
  CometChat.addGroupListener(
    LID,
    new CometChat.GroupListener({
      onGroupMemberJoined: (action, user, group) =>
        emit({ event: "onGroupMemberJoined", action: action.getAction(), uid: uidOf(user), guid: group.getGuid() }),
      onGroupMemberLeft: (action, user, group) =>
        emit({ event: "onGroupMemberLeft", action: action.getAction(), uid: uidOf(user), guid: group.getGuid() }),
      onGroupMemberScopeChanged: (action, user, newScope, oldScope, group) =>
        emit({
          event: "onGroupMemberScopeChanged",
          id: String(action.getId()),
          action: action.getAction(),
          uid: uidOf(user),
          by: uidOf(action.getActionBy()),
          newScope,
          oldScope,
          guid: group.getGuid(),
        }),
      ...plugins.groupListener,
    }),
  );
  CometChat.addLoginListener(
    LID,
    new CometChat.LoginListener({
      loginSuccess: (u) => emit({ event: "loginSuccess", uid: uidOf(u) }),
      loginFailure: (e) => emit({ event: "loginFailure", ...errorInfo(e) }),
      logoutSuccess: () => emit({ event: "logoutSuccess" }),
      logoutFailure: (e) => emit({ event: "logoutFailure", ...errorInfo(e) }),
    }),
  );
}

// The bench scenario's only listeners: a counter and the connection callbacks, no output per event.
const counter = { n: 0, count: 0, t0: 0 };

function addBenchListeners() {
  CometChat.addConnectionListener(
    LID,
    new CometChat.ConnectionListener({
      onConnected: () => signal("connected", true),
      inConnecting: () => {},
      onDisconnected: () => {},
    }),
  );
  CometChat.addMessageListener(
    LID,
    new CometChat.MessageListener({
      onTextMessageReceived: () => {
        const c = ++counter.count;
        if (c === 1) counter.t0 = performance.now();
        if (c === counter.n) {
          emit({ event: "benchDone", n: c, seconds: (performance.now() - counter.t0) / 1000 });
        }
      },
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// commands

function need(cmd, ...keys) {
  for (const k of keys) {
    if (cmd[k] === undefined || cmd[k] === null || cmd[k] === "") throw new Error(`'${k}' is required`);
  }
}

function receiverType(cmd) {
  return cmd.receiverType || CometChat.RECEIVER_TYPE.USER;
}

async function loggedInUser() {
  const user = await CometChat.getLoggedinUser();
  return user ? { uid: user.getUid(), authToken: user.getAuthToken ? user.getAuthToken() : null } : null;
}

const commands = {
  async sendMessage(cmd) {
    need(cmd, "to", "text");
    const message = new CometChat.TextMessage(cmd.to, cmd.text, receiverType(cmd));
    if (cmd.metadata) message.setMetadata(cmd.metadata);
    if (cmd.tags) message.setTags(cmd.tags);
    const sent = await CometChat.sendMessage(message);
    return { message: messageJson(sent) };
  },
  async sendCustomMessage(cmd) {
    need(cmd, "to", "customType", "data");
    const message = new CometChat.CustomMessage(cmd.to, receiverType(cmd), cmd.customType, cmd.data);
    const sent = await CometChat.sendCustomMessage(message);
    return { message: messageJson(sent) };
  },
  async editMessage(cmd) {
    need(cmd, "to", "id", "text");
    const message = new CometChat.TextMessage(cmd.to, cmd.text, receiverType(cmd));
    message.setId(Number(cmd.id));
    const edited = await CometChat.editMessage(message);
    return { message: messageJson(edited) };
  },
  async deleteMessage(cmd) {
    need(cmd, "id");
    const deleted = await CometChat.deleteMessage(String(cmd.id));
    return { message: messageJson(deleted) };
  },
  async getMessageDetails(cmd) {
    need(cmd, "id");
    return { message: messageJson(await CometChat.getMessageDetails(String(cmd.id))) };
  },
  async joinGroup(cmd) {
    need(cmd, "guid");
    const group = await CometChat.joinGroup(cmd.guid, cmd.type || CometChat.GROUP_TYPE.PUBLIC, cmd.password || "");
    return { group: { guid: group.getGuid(), name: group.getName(), hasJoined: group.getHasJoined() } };
  },
  async leaveGroup(cmd) {
    need(cmd, "guid");
    return { value: await CometChat.leaveGroup(cmd.guid) };
  },
  async getUser(cmd) {
    need(cmd, "uid");
    return { user: userJson(await CometChat.getUser(cmd.uid)) };
  },
  async getLoggedInUser() {
    const user = await CometChat.getLoggedInUser();
    return { user: user ? userJson(user) : null };
  },
  async fetchUsers(cmd) {
    // cmd.status: "ONLINE" | "OFFLINE", a key of the SDK's own CometChat.USER_STATUS
    const builder = new CometChat.UsersRequestBuilder().setLimit(cmd.limit || 30);
    if (cmd.status) builder.setStatus(CometChat.USER_STATUS[cmd.status]);
    return { users: (await builder.build().fetchNext()).map(userJson) };
  },
  async getAppSettings() {
    return { settings: await CometChat.getAppSettings() };
  },
  async startTyping(cmd) {
    need(cmd, "to");
    CometChat.startTyping(new CometChat.TypingIndicator(cmd.to, receiverType(cmd), cmd.metadata));
    return {};
  },
  async endTyping(cmd) {
    need(cmd, "to");
    CometChat.endTyping(new CometChat.TypingIndicator(cmd.to, receiverType(cmd), cmd.metadata));
    return {};
  },
  async markAsDelivered(cmd) {
    need(cmd, "id");
    const m = received.get(String(cmd.id));
    if (!m) throw new Error(`no received message with id ${cmd.id}`);
    await CometChat.markAsDelivered(m);
    return {};
  },
  async markAsRead(cmd) {
    need(cmd, "id");
    const m = received.get(String(cmd.id));
    if (!m) throw new Error(`no received message with id ${cmd.id}`);
    await CometChat.markAsRead(m);
    return {};
  },
  async fetchPrevious(cmd) {
    if (!cmd.guid) need(cmd, "uid");
    const builder = new CometChat.MessagesRequestBuilder().setLimit(cmd.limit || 30);
    const request = (cmd.guid ? builder.setGUID(cmd.guid) : builder.setUID(cmd.uid)).build();
    const messages = await request.fetchPrevious();
    return { messages: messages.map(messageJson) };
  },
  async getLoggedinUser() {
    return { user: await loggedInUser() };
  },
  async status() {
    return { status: CometChat.getConnectionStatus() };
  },
  async connect() {
    CometChat.connect();
    return {};
  },
  async disconnect() {
    CometChat.disconnect();
    return {};
  },
  async logout() {
    const reply = await CometChat.logout();
    return { reply: reply === undefined ? null : reply, user: await loggedInUser() };
  },
  async benchArm(cmd) {
    need(cmd, "n");
    counter.n = Number(cmd.n);
    counter.count = 0;
    return {};
  },
  async benchConnect(cmd) {
    need(cmd, "runs");
    const opened = [];
    const authed = [];
    const limit = Number(cmd.timeoutMs || 5000);
    if (openSockets > 0) {
      const closed = waitFor("wsClose", limit);
      CometChat.disconnect();
      await closed;
    }
    for (let i = 0; i < Number(cmd.runs); i++) {
      const open = waitFor("wsOpen", limit);
      const authOk = waitFor("authOk", limit);
      const t0 = performance.now();
      CometChat.connect();
      await open;
      opened.push(performance.now() - t0);
      if (!(await authOk)) throw new Error("the server refused the socket's auth frame");
      authed.push(performance.now() - t0);
      const closed = waitFor("wsClose", limit);
      CometChat.disconnect();
      await closed;
    }
    return { opened, authed };
  },
  async exit() {
    finish(0);
    return {};
  },
};

loadPlugins({
  CometChat,
  emit,
  need,
  receiverType,
  received,
  uidOf,
  messageJson,
  userJson,
  typingJson,
  receiptJson,
  errorInfo,
});
for (const [name, fn] of Object.entries(plugins.commands)) {
  if (name in commands) throw new Error(`command ${name} is defined twice`);
  commands[name] = fn;
}

// Commands run one at a time, in arrival order.
let chain = Promise.resolve();

function onLine(line) {
  if (!line.trim()) return;
  let cmd;
  try {
    cmd = JSON.parse(line);
  } catch (e) {
    emit({ event: "result", step: "parse", ok: false, code: "BAD_COMMAND", message: `not JSON: ${line}` });
    return;
  }
  chain = chain.then(async () => {
    const handler = commands[cmd.cmd];
    if (!handler) {
      emit({ event: "result", step: String(cmd.cmd), ok: false, code: "BAD_COMMAND", message: "unknown command" });
      return;
    }
    try {
      const out = await handler(cmd);
      emit({ event: "result", step: cmd.cmd, ok: true, ...out });
    } catch (err) {
      emit({ event: "result", step: cmd.cmd, ok: false, ...errorInfo(err) });
    }
  });
}

// ---------------------------------------------------------------------------------------------
// scenarios: the steps before the first command

async function start() {
  const auto = scenario === "interop";
  const builder = new CometChat.AppSettingsBuilder()
    .subscribePresenceForAllUsers()
    .setRegion(env.CC_REGION || "eu")
    .autoEstablishSocketConnection(auto)
    .overrideClientHost(env.CC_HOST)
    .overrideAdminHost(env.CC_HOST);
  const initialized = await CometChat.init(env.CC_APP_ID, builder.build());
  emit({ event: "result", step: "init", ok: initialized === true, value: initialized });
  if (bench) addBenchListeners();
  else addListeners();

  if (scenario === "restore") {
    const user = await loggedInUser();
    emit({ event: "result", step: "restore", ok: user !== null, user });
    if (user === null) return;
  } else {
    need(env, "CC_UID", "CC_AUTH_KEY");
    try {
      const user = await CometChat.login(env.CC_UID, env.CC_AUTH_KEY);
      emit({ event: "result", step: "login", ok: true, uid: user.getUid(), authToken: user.getAuthToken() });
    } catch (err) {
      emit({ event: "result", step: "login", ok: false, ...errorInfo(err) });
      return;
    }
  }
  emit({ event: "result", step: "status", ok: true, status: CometChat.getConnectionStatus() });
  if (bench) {
    const authOk = waitFor("authOk", 10000);
    CometChat.connect();
    if (!(await authOk)) throw new Error("the server refused the socket's auth frame");
  } else if (!auto) {
    CometChat.connect();
  }
  emit({ event: "started" });
}

start()
  .catch((err) => emit({ event: "error", step: "start", ...errorInfo(err) }))
  .finally(() => {
    const rl = readline.createInterface({ input: process.stdin, terminal: false });
    rl.on("line", onLine);
    rl.on("close", () => {
      chain.then(() => finish(0));
    });
  });
