// libos/dns/promises.ts — `node:dns/promises`. Layer: libos.
import { promises } from "./index.ts";
export const { lookup, resolve4, resolve, getServers, setServers, Resolver } = promises;
export default promises;
