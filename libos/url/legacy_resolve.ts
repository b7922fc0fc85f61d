// libos/url/legacy_resolve.ts — Url.prototype.resolveObject: resolves a relative legacy Url against a base the way
// Node 20 does (RFC 1808-style, including its handling of non-slashed protocols such as mailto:, where the first
// path segment stands for the host). Layer: libos. Depends on legacy.ts.

import { hostlessProtocol, slashedProtocol, Url, urlParse } from "./legacy.ts";

type Fields = Record<string, unknown>;

function finish(result: Url): Url {
  result.href = result.format();
  return result;
}

/** Splits "user@host" left in a host field (mailto:) back into auth and host. */
function authFromHost(result: Url): void {
  const parts = result.host && result.host.indexOf("@") > 0 ? result.host.split("@") : null;
  if (parts) {
    result.auth = parts.shift() as string;
    result.host = result.hostname = parts.shift() as string;
  }
}

/** Resolves `rel` (a Url or string) against `base`; returns a new Url. */
export function resolveObjectImpl(base: Url, rel: string | Url): Url {
  const relative = typeof rel === "string" ? urlParse(rel, false, true) : rel;
  const result = Object.assign(new Url(), base);
  result.hash = relative.hash;
  if (relative.href === "") return finish(result);

  if (relative.slashes && !relative.protocol) {
    for (const k of Object.keys(relative)) if (k !== "protocol") (result as unknown as Fields)[k] = (relative as unknown as Fields)[k];
    if (slashedProtocol.has(result.protocol as string) && result.hostname && !result.pathname) result.path = result.pathname = "/";
    return finish(result);
  }

  if (relative.protocol && relative.protocol !== result.protocol) {
    if (!slashedProtocol.has(relative.protocol)) {
      for (const k of Object.keys(relative)) (result as unknown as Fields)[k] = (relative as unknown as Fields)[k];
      return finish(result);
    }
    result.protocol = relative.protocol;
    if (!relative.host && !/^file:?$/.test(relative.protocol) && !hostlessProtocol.has(relative.protocol)) {
      const relPath = (relative.pathname || "").split("/");
      while (relPath.length && !(relative.host = relPath.shift() as string));
      if (!relative.host) relative.host = "";
      if (!relative.hostname) relative.hostname = "";
      if (relPath[0] !== "") relPath.unshift("");
      if (relPath.length < 2) relPath.unshift("");
      result.pathname = relPath.join("/");
    } else {
      result.pathname = relative.pathname;
    }
    result.search = relative.search;
    result.query = relative.query;
    result.host = relative.host || "";
    result.auth = relative.auth;
    result.hostname = relative.hostname || relative.host;
    result.port = relative.port;
    if (result.pathname || result.search) result.path = (result.pathname || "") + (result.search || "");
    result.slashes = result.slashes || relative.slashes;
    return finish(result);
  }

  const isSourceAbs = !!result.pathname && result.pathname.charAt(0) === "/";
  const isRelAbs = !!relative.host || (!!relative.pathname && relative.pathname.charAt(0) === "/");
  let mustEndAbs: unknown = isRelAbs || isSourceAbs || (result.host && relative.pathname);
  const removeAllDots = mustEndAbs;
  let srcPath: string[] = (result.pathname && result.pathname.split("/")) || [];
  const relPath: string[] = (relative.pathname && relative.pathname.split("/")) || [];
  const noLeadingSlashes = !!result.protocol && !slashedProtocol.has(result.protocol);

  if (noLeadingSlashes) {
    result.hostname = "";
    result.port = null;
    if (result.host) {
      if (srcPath[0] === "") srcPath[0] = result.host;
      else srcPath.unshift(result.host);
    }
    result.host = "";
    if (relative.protocol) {
      relative.hostname = null;
      relative.port = null;
      if (relative.host) {
        if (relPath[0] === "") relPath[0] = relative.host;
        else relPath.unshift(relative.host);
      }
      relative.host = null;
    }
    mustEndAbs = mustEndAbs && (relPath[0] === "" || srcPath[0] === "");
  }

  if (isRelAbs) {
    if (relative.host || relative.host === "") {
      if (result.host !== relative.host) result.auth = null;
      result.host = relative.host;
      result.port = relative.port;
    }
    if (relative.hostname || relative.hostname === "") {
      if (result.hostname !== relative.hostname) result.auth = null;
      result.hostname = relative.hostname;
    }
    result.search = relative.search;
    result.query = relative.query;
    srcPath = relPath;
  } else if (relPath.length) {
    srcPath.pop();
    srcPath = srcPath.concat(relPath);
    result.search = relative.search;
    result.query = relative.query;
  } else if (relative.search !== null && relative.search !== undefined) {
    if (noLeadingSlashes) {
      result.hostname = result.host = srcPath.shift() as string;
      authFromHost(result);
    }
    result.search = relative.search;
    result.query = relative.query;
    if (result.pathname !== null || result.search !== null) result.path = (result.pathname || "") + (result.search || "");
    return finish(result);
  }

  if (!srcPath.length) {
    result.pathname = null;
    result.path = result.search ? "/" + result.search : null;
    return finish(result);
  }

  let last = srcPath[srcPath.length - 1];
  const hasTrailingSlash = ((result.host || relative.host || srcPath.length > 1) && (last === "." || last === "..")) || last === "";
  let up = 0;
  for (let i = srcPath.length - 1; i >= 0; i--) {
    last = srcPath[i];
    if (last === ".") srcPath.splice(i, 1);
    else if (last === "..") { srcPath.splice(i, 1); up++; }
    else if (up) { srcPath.splice(i, 1); up--; }
  }
  if (!mustEndAbs && !removeAllDots) while (up--) srcPath.unshift("..");
  if (mustEndAbs && srcPath[0] !== "" && (!srcPath[0] || srcPath[0].charAt(0) !== "/")) srcPath.unshift("");
  if (hasTrailingSlash && srcPath.join("/").slice(-1) !== "/") srcPath.push("");
  const isAbsolute = srcPath[0] === "" || (!!srcPath[0] && srcPath[0].charAt(0) === "/");
  if (noLeadingSlashes) {
    result.hostname = result.host = isAbsolute ? "" : srcPath.length ? (srcPath.shift() as string) : "";
    authFromHost(result);
  }
  mustEndAbs = mustEndAbs || (result.host && srcPath.length);
  if (mustEndAbs && !isAbsolute) srcPath.unshift("");
  if (srcPath.length > 0) result.pathname = srcPath.join("/");
  else { result.pathname = null; result.path = null; }
  if (result.pathname !== null || result.search !== null) result.path = (result.pathname || "") + (result.search || "");
  result.auth = relative.auth || result.auth;
  result.slashes = result.slashes || relative.slashes;
  return finish(result);
}
