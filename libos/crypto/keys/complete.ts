// libos/crypto/keys/complete.ts — the native half of reading a key: derives the public part a private key came
// without (EC point from the scalar, Ed25519/X25519 public key from the private key), checks EC points lie on their
// curve (re-encoding compressed ones uncompressed) and private scalars are in range. Throws a RangeError from the
// glue on bad material; callers turn it into Node's error for the input format. Layer: libos (private to libos/crypto).
import { CurveId, native, u8 } from "../_native.ts";
import { ensureSeeded } from "../random.ts";
import type { KeyData } from "./key_data.ts";

export function completeKey(k: KeyData): KeyData {
  const n = native();
  switch (k.type) {
    case "ec": {
      ensureSeeded();
      if (k.d && k.q.length === 0) return { ...k, q: u8(n.cryptoEcPublic(k.curve.id, k.d)) };
      const q = u8(n.cryptoEcPoint(k.curve.id, k.q, false));
      if (k.d) n.cryptoEcPublic(k.curve.id, k.d);           // checks the scalar is in range
      return { ...k, q };
    }
    case "ed25519":
      return k.d ? { ...k, x: u8(n.cryptoEd25519Public(k.d)) } : k;
    case "x25519":
      if (!k.d) return k;
      ensureSeeded();
      return { ...k, x: u8(n.cryptoEcPublic(CurveId.X25519, k.d)) };
    default:
      return k;
  }
}
