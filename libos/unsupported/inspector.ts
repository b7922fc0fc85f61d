// libos/unsupported/inspector.ts — `node:inspector`: no V8 inspector protocol in a QuickJS unikernel (use
// `npm run image -- --profile` for a JS profile). open/url/waitForDebugger behave as when no inspector is active
// where Node's do (url() is undefined, close() does nothing); Session#connect throws. Layer: libos.
import { EventEmitter } from "../events/index.ts";
import { unsupportedError, unsupportedFunction } from "./_unsupported.ts";

const WHY = "there is no V8 inspector in a QuickJS unikernel (npm run image -- --profile samples the JS instead)";
export class Session extends EventEmitter {
  connect(): void { throw unsupportedError("inspector.Session#connect()", WHY); }
  connectToMainThread(): void { throw unsupportedError("inspector.Session#connectToMainThread()", WHY); }
  post(): void { throw unsupportedError("inspector.Session#post()", WHY); }
  disconnect(): void {}
}
export const open = unsupportedFunction("inspector.open", WHY, 3);
export function close(): void {}
export function url(): string | undefined {
  return undefined;
}
export const waitForDebugger = unsupportedFunction("inspector.waitForDebugger", WHY);
export const console = globalThis.console;
export const Network = { requestWillBeSent() {}, responseReceived() {}, loadingFinished() {}, loadingFailed() {} };
export default { open, close, url, waitForDebugger, console, Session, Network };
