// libos/globals/blob.ts — installs Node's global Blob and File (libos/web/blob.ts). Layer: libos (globals).
import { defineGlobals } from "../web/_util.ts";
import { Blob, File } from "../web/blob.ts";

export function install(): void {
  defineGlobals({ Blob, File });
}
