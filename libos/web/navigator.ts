// libos/web/navigator.ts — the `navigator` global Node added in 21 (asked for here on Node 20's terms): a Navigator
// that cannot be constructed, with hardwareConcurrency (1: an image runs its JavaScript on one CPU), userAgent
// "Node.js/<major>" from process.version, language/languages from Intl when the image has it ("en-US" otherwise),
// and platform as Node words it for Linux ("Linux x86_64"). Layer: libos (web). Depends on libos/web/_util.ts.
import { illegalConstructor, webidlClass } from "./_util.ts";

const kMake = Symbol("make");

function processInfo(): { version?: string; platform?: string; arch?: string } {
  return (globalThis as { process?: { version?: string; platform?: string; arch?: string } }).process ?? {};
}

export class Navigator {
  constructor(token?: unknown) {
    if (token !== kMake) throw illegalConstructor();
  }

  get hardwareConcurrency(): number { return 1; }

  get userAgent(): string {
    const major = /^v(\d+)/.exec(processInfo().version ?? "")?.[1] ?? "20";
    return `Node.js/${major}`;
  }

  get language(): string {
    const intl = (globalThis as { Intl?: { DateTimeFormat?: new () => { resolvedOptions(): { locale?: string } } } }).Intl;
    try {
      return (intl?.DateTimeFormat && new intl.DateTimeFormat().resolvedOptions().locale) || "en-US";
    } catch {
      return "en-US";
    }
  }

  get languages(): string[] { return [this.language]; }

  get platform(): string {
    const { platform = "linux", arch = "x64" } = processInfo();
    if (platform === "linux") return arch === "x64" ? "Linux x86_64" : arch === "ia32" ? "Linux i686" : `Linux ${arch}`;
    if (platform === "darwin") return "MacIntel";
    if (platform === "win32") return "Win32";
    return `${platform} ${arch}`;
  }
}
webidlClass(Navigator, "Navigator");

/** The one navigator object. */
export const navigator = new Navigator(kMake);
