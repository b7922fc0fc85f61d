// libos/globals/message_channel.ts — installs MessageChannel, MessagePort, BroadcastChannel and MessageEvent
// (libos/web/message_channel.ts: within one image). Layer: libos (globals).
import { defineGlobals } from "../web/_util.ts";
import { BroadcastChannel, MessageChannel, MessageEvent, MessagePort } from "../web/message_channel.ts";

export function install(): void {
  defineGlobals({ MessageChannel, MessagePort, BroadcastChannel, MessageEvent });
}
