// libos/globals/webcrypto.ts — Node 20's Web Crypto globals for images whose code names `subtle`, `CryptoKey` or
// `webcrypto`: the global `crypto` becomes node:crypto's webcrypto object (getRandomValues, randomUUID, subtle), and
// Crypto, CryptoKey, SubtleCrypto are global classes. Without them, the runtime's small `crypto` (getRandomValues and
// randomUUID only; libos/runtime/start.ts) is the global and no native crypto library is linked. node:crypto is
// loaded on first use of one of these globals: installers run before the runtime is up (and its streams need it).
// Layer: libos (globals). Depends on libos/crypto.
type WebCryptoModule = typeof import("../crypto/webcrypto/index.ts");

export function install(): void {
  let mod: WebCryptoModule | undefined;
  const load = () => (mod ??= require("../crypto/webcrypto/index.ts") as WebCryptoModule);
  const values: Record<string, () => unknown> = {
    crypto: () => load().webcrypto, Crypto: () => load().Crypto, CryptoKey: () => load().CryptoKey,
    SubtleCrypto: () => load().SubtleCrypto,
  };
  for (const [name, get] of Object.entries(values)) {
    Object.defineProperty(globalThis, name, {
      get() {
        const value = get();
        Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
        return value;
      },
      set(value: unknown) {
        Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
      },
      configurable: true, enumerable: false,
    });
  }
}
