// libos/net/ip.ts — Node's net.isIP / isIPv4 / isIPv6 (what Node accepts: no leading zeros in IPv4, RFC 4291 text
// forms with an embedded IPv4 tail and zone ids for IPv6). Layer: libos/net.
import { isIpv4 } from "./wire/index.ts";

export function isIPv4(input: unknown): boolean {
  return typeof input === "string" && isIpv4(input);
}

export function isIPv6(input: unknown): boolean {
  if (typeof input !== "string" || input.length > 100) return false;
  let s = input;
  const zone = s.indexOf("%");
  if (zone >= 0) {
    if (zone === s.length - 1) return false;
    s = s.slice(0, zone);
  }
  let groupsWanted = 8;
  const lastColon = s.lastIndexOf(":");
  if (lastColon >= 0 && s.indexOf(".", lastColon) > 0) {
    if (!isIpv4(s.slice(lastColon + 1))) return false;
    s = s.slice(0, lastColon + 1) + "0";
    groupsWanted = 7;
  }
  const halves = s.split("::");
  if (halves.length > 2) return false;
  const parse = (part: string) => (part === "" ? [] : part.split(":"));
  const left = parse(halves[0]);
  const right = halves.length === 2 ? parse(halves[1]) : [];
  const groups = [...left, ...right];
  if (!groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? groups.length < groupsWanted : groups.length === groupsWanted;
}

/** 4, 6, or 0. */
export function isIP(input: unknown): 0 | 4 | 6 {
  return isIPv4(input) ? 4 : isIPv6(input) ? 6 : 0;
}
