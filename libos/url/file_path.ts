// libos/url/file_path.ts — file: URLs and paths (POSIX, as on Node for Linux): fileURLToPath, pathToFileURL, and
// urlToHttpOptions (what http.request makes of a URL). Layer: libos. Depends on whatwg_url.ts, libos/path.

import { resolve } from "../path/index.ts";
import { URL } from "./whatwg_url.ts";

const typeError = (code: string, message: string) => Object.assign(new TypeError(message), { code });

/** The path of a file: URL ("file:///a%20b" → "/a b"). Throws for other schemes, hosts, or encoded "/". */
export function fileURLToPath(path: string | URL): string {
  const url = typeof path === "string" ? new URL(path) : path;
  if (!(url instanceof URL)) {
    throw typeError("ERR_INVALID_ARG_TYPE", `The "path" argument must be of type string or an instance of URL. Received ${typeof path}`);
  }
  if (url.protocol !== "file:") throw typeError("ERR_INVALID_URL_SCHEME", "The URL must be of scheme file");
  if (url.hostname !== "") throw typeError("ERR_INVALID_FILE_URL_HOST", 'File URL host must be "localhost" or empty on linux');
  const pathname = url.pathname;
  if (/%2f/i.test(pathname)) throw typeError("ERR_INVALID_FILE_URL_PATH", "File URL path must not include encoded / characters");
  return decodeURIComponent(pathname);
}

/** A file: URL for `filepath` (resolved against the working directory; a trailing "/" is kept). */
export function pathToFileURL(filepath: string): URL {
  let resolved = resolve(filepath);
  if (filepath.charCodeAt(filepath.length - 1) === 47 && resolved[resolved.length - 1] !== "/") resolved += "/";
  const encoded = resolved.replace(/%/g, "%25").replace(/\\/g, "%5C").replace(/\n/g, "%0A").replace(/\r/g, "%0D")
    .replace(/\t/g, "%09").replace(/\?/g, "%3F").replace(/#/g, "%23");
  return new URL("file://" + encoded);
}

/** The options http.request takes from a URL (hostname without brackets, path = pathname + search, auth). */
export function urlToHttpOptions(url: URL): Record<string, unknown> {
  const options: Record<string, unknown> = {
    ...url,
    protocol: url.protocol,
    hostname: url.hostname && url.hostname[0] === "[" ? url.hostname.slice(1, -1) : url.hostname,
    hash: url.hash,
    search: url.search,
    pathname: url.pathname,
    path: `${url.pathname || ""}${url.search || ""}`,
    href: url.href,
  };
  delete options._url;
  delete options._params;
  if (url.port !== "") options.port = Number(url.port);
  if (url.username || url.password) options.auth = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return options;
}
