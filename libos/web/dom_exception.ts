// libos/web/dom_exception.ts — Node 20's DOMException: `new DOMException(message = "", options = "Error")` where
// options is a name or `{ name, cause }`; `name`, `message` and `code` are getters on the prototype (code from the
// legacy table, 0 for other names), the 25 legacy constants on the class and its prototype, instances inherit
// from Error.prototype and carry an own `stack`, but the class itself is not a subclass of Error (as in Node).
// Layer: libos (web). Depends on libos/util/errors.ts.
import { nodeError } from "../util/errors.ts";

const LEGACY: readonly [string, string][] = [
  ["IndexSizeError", "INDEX_SIZE_ERR"], ["DOMStringSizeError", "DOMSTRING_SIZE_ERR"],
  ["HierarchyRequestError", "HIERARCHY_REQUEST_ERR"], ["WrongDocumentError", "WRONG_DOCUMENT_ERR"],
  ["InvalidCharacterError", "INVALID_CHARACTER_ERR"], ["NoDataAllowedError", "NO_DATA_ALLOWED_ERR"],
  ["NoModificationAllowedError", "NO_MODIFICATION_ALLOWED_ERR"], ["NotFoundError", "NOT_FOUND_ERR"],
  ["NotSupportedError", "NOT_SUPPORTED_ERR"], ["InUseAttributeError", "INUSE_ATTRIBUTE_ERR"],
  ["InvalidStateError", "INVALID_STATE_ERR"], ["SyntaxError", "SYNTAX_ERR"],
  ["InvalidModificationError", "INVALID_MODIFICATION_ERR"], ["NamespaceError", "NAMESPACE_ERR"],
  ["InvalidAccessError", "INVALID_ACCESS_ERR"], ["ValidationError", "VALIDATION_ERR"],
  ["TypeMismatchError", "TYPE_MISMATCH_ERR"], ["SecurityError", "SECURITY_ERR"], ["NetworkError", "NETWORK_ERR"],
  ["AbortError", "ABORT_ERR"], ["URLMismatchError", "URL_MISMATCH_ERR"], ["QuotaExceededError", "QUOTA_EXCEEDED_ERR"],
  ["TimeoutError", "TIMEOUT_ERR"], ["InvalidNodeTypeError", "INVALID_NODE_TYPE_ERR"], ["DataCloneError", "DATA_CLONE_ERR"],
];
const CODES = new Map(LEGACY.map(([name], i) => [name, i + 1]));

interface State { name: string; message: string }
const states = new WeakMap<object, State>();

function state(self: unknown): State {
  const s = states.get(self as object);
  // Node's domexception.js words this one without "type".
  if (!s) throw nodeError(TypeError, "ERR_INVALID_THIS", 'Value of "this" must be of DOMException');
  return s;
}

/** A DOMException as Node's: `new DOMException("gone", "AbortError").code === 20`. */
export class DOMException {
  declare readonly name: string;
  declare readonly message: string;
  declare readonly code: number;
  declare readonly stack: string;
  declare readonly cause: unknown;

  constructor(message: unknown = "", options: unknown = "Error") {
    let name: string;
    if (options !== null && typeof options === "object") {
      name = `${(options as { name: unknown }).name}`;    // Node: "undefined" when the object has no name
      if ("cause" in options) {
        Object.defineProperty(this, "cause", { value: (options as { cause: unknown }).cause, writable: true, enumerable: false, configurable: true });
      }
    } else {
      name = `${options as string}`;
    }
    states.set(this, { name, message: `${message as string}` });
    const frames = (new Error().stack ?? "").split("\n").filter((l) => /^\s+at /.test(l));
    // The first frame is this constructor, as in Node ("at new DOMException (...)").
    Object.defineProperty(this, "stack", {
      value: [`${name}: ${states.get(this)!.message}`, ...frames].join("\n"),
      writable: true, enumerable: false, configurable: true,
    });
  }
}

Object.setPrototypeOf(DOMException.prototype, Error.prototype);
Object.defineProperties(DOMException.prototype, {
  name: { get() { return state(this).name; }, enumerable: true, configurable: true },
  message: { get() { return state(this).message; }, enumerable: true, configurable: true },
  code: { get() { return CODES.get(state(this).name) ?? 0; }, enumerable: true, configurable: true },
  [Symbol.toStringTag]: { value: "DOMException", configurable: true },
});
LEGACY.forEach(([, constant], i) => {
  const d = { value: i + 1, enumerable: true, writable: false, configurable: false };
  Object.defineProperty(DOMException, constant, d);
  Object.defineProperty(DOMException.prototype, constant, d);
});

/** `new DOMException(message, name)` (for the modules that throw them). */
export function domException(message: string, name: string): DOMException {
  return new DOMException(message, name);
}
