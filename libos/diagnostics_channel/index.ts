// libos/diagnostics_channel/index.ts — node:diagnostics_channel (Node 20): channel, hasSubscribers, subscribe,
// unsubscribe, Channel (publish, subscribe/unsubscribe, bindStore/unbindStore, runStores) and tracingChannel
// (traceSync, tracePromise, traceCallback over start/end/asyncStart/asyncEnd/error). Nothing in the runtime
// publishes Node's built-in channels (http.server.request.start, net.client.socket, ...) yet: apps and packages
// publish and subscribe to their own. Layer: libos. Depends on the files beside it.

import { Channel, channel, hasSubscribers, subscribe, unsubscribe } from "./channel.ts";
import { TracingChannel, tracingChannel } from "./tracing_channel.ts";

export { Channel, channel, hasSubscribers, subscribe, unsubscribe, tracingChannel };
export type { TracingChannel };

export default { channel, hasSubscribers, subscribe, tracingChannel, unsubscribe, Channel };
