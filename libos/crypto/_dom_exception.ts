// libos/crypto/_dom_exception.ts — the DOMException Web Crypto (and crypto.getRandomValues) throws: name, message and
// the legacy numeric code of the WebIDL table; an Error by prototype. The engine has no DOMException of its own;
// the global one is used when the runtime provides it. Private to libos/crypto. Layer: libos.

const CODES: Record<string, number> = {
  IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4, InvalidCharacterError: 5,
  NoModificationAllowedError: 7, NotFoundError: 8, NotSupportedError: 9, InUseAttributeError: 10,
  InvalidStateError: 11, SyntaxError: 12, InvalidModificationError: 13, NamespaceError: 14, InvalidAccessError: 15,
  TypeMismatchError: 17, SecurityError: 18, NetworkError: 19, AbortError: 20, URLMismatchError: 21,
  QuotaExceededError: 22, TimeoutError: 23, InvalidNodeTypeError: 24, DataCloneError: 25,
};

const internals = new WeakMap<object, { name: string; message: string }>();

class DOMExceptionImpl extends Error {
  constructor(message = "", options: string | { name?: string; cause?: unknown } = "Error") {
    super();
    delete (this as { message?: string }).message;
    if (options && typeof options === "object") {
      internals.set(this, { message: `${message}`, name: `${options.name}` });
      if ("cause" in options) {
        Object.defineProperty(this, "cause", { value: options.cause, configurable: true, writable: true, enumerable: false });
      }
    } else {
      internals.set(this, { message: `${message}`, name: `${options}` });
    }
  }

  override get name(): string {
    return internals.get(this)?.name ?? "Error";
  }

  override get message(): string {
    return internals.get(this)?.message ?? "";
  }

  get code(): number {
    return CODES[internals.get(this)?.name ?? ""] ?? 0;
  }
}

Object.defineProperty(DOMExceptionImpl.prototype, Symbol.toStringTag, { value: "DOMException", configurable: true });

export const DOMException: typeof DOMExceptionImpl =
  (globalThis as unknown as { DOMException?: typeof DOMExceptionImpl }).DOMException ?? DOMExceptionImpl;

/** A DOMException named `name` (optionally with a cause). */
export function domException(message: string, name: string, cause?: unknown): Error {
  return cause === undefined ? new DOMException(message, name) : new DOMException(message, { name, cause });
}
