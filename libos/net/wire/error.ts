// libos/net/wire/error.ts — WireError, the one error every wire-format validator and parser throws.
// Layer: libos/net/wire. No dependencies.

/** What went wrong with a buffer: too short, fields that contradict each other, a bad checksum, or a valid but
 * unhandled variant (an ARP for another hardware type, an ICMP type we do not parse). */
export type WireErrorKind = "truncated" | "malformed" | "checksum" | "unsupported";

/**
 * Thrown by `check()`/`checkLen()` of every view and by every `Repr.parse`/`Repr.emit` on bad input. Its message is a
 * sentence saying what was expected and what was found; `kind` lets a stack count drops by cause.
 *
 * @example
 * try { Ipv4Repr.parse(new Ipv4Packet(bytes)); } catch (e) { if (!(e instanceof WireError)) throw e; drops++; }
 */
export class WireError extends Error {
  /** The class of failure. */
  readonly kind: WireErrorKind;

  /** Makes an error of `kind` with a full-sentence `message`. */
  constructor(kind: WireErrorKind, message: string) {
    super(message);
    this.name = "WireError";
    this.kind = kind;
  }
}
