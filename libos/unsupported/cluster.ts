// libos/unsupported/cluster.ts — `node:cluster`: the one process of a unikernel is the primary and has no workers
// (scale out with more unikernel instances instead). `fork` and `setupPrimary` throw ERR_FEATURE_UNAVAILABLE_ON_PLATFORM;
// `isPrimary` is true, `workers` is empty, as in a Node primary that never forked. Layer: libos.
import { EventEmitter } from "../events/index.ts";
import { unsupportedError, unsupportedFunction } from "./_unsupported.ts";

const WHY = "a unikernel is one process; run more instances of the image to use more CPUs";

export class Worker extends EventEmitter {
  constructor() {
    super();
    throw unsupportedError("new cluster.Worker()", WHY);
  }
}

class Cluster extends EventEmitter {
  readonly isWorker = false;
  readonly isMaster = true;
  readonly isPrimary = true;
  readonly Worker = Worker;
  readonly workers: Record<string, Worker> = {};
  readonly settings: Record<string, unknown> = {};
  readonly SCHED_NONE = 1;
  readonly SCHED_RR = 2;
  schedulingPolicy = 2;
  setupPrimary = unsupportedFunction("cluster.setupPrimary", WHY, 1);
  setupMaster = unsupportedFunction("cluster.setupMaster", WHY, 1);
  fork = unsupportedFunction("cluster.fork", WHY, 1);
  disconnect(cb?: () => void): void {
    if (typeof cb === "function") queueMicrotask(cb);
  }
}

const cluster = new Cluster();
export default cluster;
