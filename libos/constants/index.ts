// libos/constants/index.ts — node:constants (deprecated since Node 6, still used by older packages such as
// graceful-fs and fs-extra): one frozen object merging os.constants.dlopen, errno, priority and signals with
// fs.constants and crypto.constants, in Node's order. Layer: libos. Depends on the constants tables only (no fs
// or crypto code comes with it).

import { dlopen, errno, priority, signals } from "../os/constants.ts";
import { constants as fsConstants } from "../fs/node/constants.ts";
import { constants as cryptoConstants } from "../crypto/constants.ts";

/** Node's merged constants object (frozen, as Node's is). */
const constants: Record<string, number | string> = Object.freeze(
  Object.assign({}, dlopen, errno, priority, signals, fsConstants, cryptoConstants) as Record<string, number | string>,
);

export default constants;
