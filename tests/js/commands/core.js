// Generic commands any feature test can use (see driver.js "Feature plug-ins").
"use strict";

module.exports = ({ CometChat }) => ({
  commands: {
    // {"cmd":"sdkConstant","path":["USER_STATUS","ONLINE"]} -> the value of CometChat.USER_STATUS.ONLINE
    async sdkConstant(cmd) {
      let value = CometChat;
      for (const key of cmd.path || []) value = value === undefined ? undefined : value[key];
      return { value: value === undefined ? null : value };
    },
  },
});
