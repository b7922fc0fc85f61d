// libos/intl/state.ts — whether the image carries the full Intl (libos/globals/intl.ts), so the light en-US
// locale methods (libos/globals/locale_methods.ts) stand aside for it. Layer: libos (no dependencies).

/** Set by libos/globals/intl.ts when it installs Intl. */
export const intlState = { full: false };
