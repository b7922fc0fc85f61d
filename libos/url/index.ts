// libos/url/index.ts — `node:url`: the WHATWG URL and URLSearchParams (our own, spec-following, small: no 290 KB
// whatwg-url + tr46), the legacy API (parse, format, resolve, resolveObject, Url), domainToASCII/Unicode,
// fileURLToPath/pathToFileURL and urlToHttpOptions. Layer: libos.

import { fileURLToPath, pathToFileURL, urlToHttpOptions } from "./file_path.ts";
import { formatFields, Url, urlParse } from "./legacy.ts";
import { URLSearchParams } from "./search_params.ts";
import { serializeUrl } from "./url_record.ts";
import { URL, urlDomainToASCII, urlDomainToUnicode } from "./whatwg_url.ts";

export { fileURLToPath, pathToFileURL, URL, URLSearchParams, Url, urlToHttpOptions };
export const parse = urlParse;
export const domainToASCII = urlDomainToASCII;
export const domainToUnicode = urlDomainToUnicode;

/** Options of url.format(URL, options). */
export interface UrlFormatOptions { auth?: boolean; fragment?: boolean; search?: boolean; unicode?: boolean }

/**
 * url.format(urlObject | string | URL[, options]): a legacy Url-like object (or string, parsed first) formatted
 * as Node does; a WHATWG URL formatted with the options (auth, fragment, search, unicode).
 */
export function format(urlObject: unknown, options?: UrlFormatOptions): string {
  if (typeof urlObject === "string") return urlParse(urlObject).format();
  if (typeof urlObject !== "object" || urlObject === null) {
    throw Object.assign(new TypeError(`The "urlObject" argument must be one of type object or string. Received ${urlObject === null ? "null" : typeof urlObject}`), { code: "ERR_INVALID_ARG_TYPE" });
  }
  if (urlObject instanceof URL) {
    const rec = { ...URL._record(urlObject) };
    if (options?.auth === false) { rec.username = ""; rec.password = ""; }
    if (options?.search === false) rec.query = null;
    if (options?.unicode && rec.host) rec.host = urlDomainToUnicode(rec.host);
    return serializeUrl(rec, options?.fragment === false);
  }
  return formatFields(urlObject as Url);
}

/** url.resolve(from, to): resolves like a browser resolves an anchor (the legacy algorithm). */
export function resolve(from: string, to: string): string {
  return urlParse(from, false, true).resolve(to);
}

/** url.resolveObject(source, relative). */
export function resolveObject(source: string | Url, relative: string | Url): Url | string {
  if (!source) return relative;
  return urlParse(source, false, true).resolveObject(relative);
}

export default {
  URL, URLSearchParams, Url, parse, format, resolve, resolveObject, domainToASCII, domainToUnicode, fileURLToPath,
  pathToFileURL, urlToHttpOptions,
};
