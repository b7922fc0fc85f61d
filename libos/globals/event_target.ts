// libos/globals/event_target.ts — installs Node's global EventTarget, Event and CustomEvent (libos/web) into
// images whose code names them. Layer: libos (globals).
import { defineGlobals } from "../web/_util.ts";
import { CustomEvent, Event } from "../web/event.ts";
import { EventTarget } from "../web/event_target.ts";

export function install(): void {
  defineGlobals({ EventTarget, Event, CustomEvent });
}
