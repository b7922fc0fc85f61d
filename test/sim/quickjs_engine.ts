// test/sim/quickjs_engine.ts — the hosted engine-faithful tests' QuickJS: Bellard's QuickJS compiled to
// WebAssembly by quickjs-emscripten 0.32 (variant @jitl/quickjs-wasmfile-release-sync, which vendors QuickJS
// 2025-09-13+f1139494). Images run 2025-04-26 (boot/native/sources.mjs); what differs between the two releases
// and where a hosted test must skip is listed in DESIGN.md ("Engine") and below:
// - 2025-09-13 adds what 2025-04-26 lacks (its Changelog): the RegExp v flag and modifiers, RegExp.escape,
//   Float16Array, Promise.try, Error.isError, JSON modules and import attributes, a stricter JSON.parse. A hosted
//   test that passes only because of one of these would hide a failure in images: the known-gaps e2e
//   (test/e2e/engine.test.ts) probes the image itself, and hosted tests must not depend on these features.
// - our own engine patches (boot/native/patches/quickjs) are not in the wasm build: BigInt.asUintN of a negative
//   value past its width is wrong there (checked only in images: test/fixtures/libc).
// - quickjs-emscripten exposes no promise-rejection tracker: unhandled rejections are not reported (runner GAPS).
// Layer: test support (host only).
import variant from "@jitl/quickjs-wasmfile-release-sync";
import { newQuickJSWASMModuleFromVariant, type QuickJSWASMModule } from "quickjs-emscripten-core";

/** The QuickJS release inside the wasm variant (its README: "Version 2025-09-13+f1139494"). */
export const QUICKJS_WASM_VERSION = "2025-09-13";

let loading: Promise<QuickJSWASMModule> | undefined;

/** The QuickJS WebAssembly module, loaded once per test process. */
export function getQuickJS(): Promise<QuickJSWASMModule> {
  return (loading ??= newQuickJSWASMModuleFromVariant(variant));
}
