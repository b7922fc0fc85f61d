// libos/web/streams/pipe.ts — ReadableStream#pipeTo (the spec's ReadableStreamPipeTo): reads while the
// destination has no backpressure, writes each chunk, and propagates errors and closing both ways (unless the
// preventClose/preventAbort/preventCancel options say otherwise); an AbortSignal aborts the pipe with its reason.
// Layer: libos (web platform).
import { deferred, invalidState } from "./_util.ts";
import {
  type ReadableStream, type ReadableStreamDefaultReader, acquireDefaultReader, defaultReaderRead, defaultReaderRelease,
  readableStreamCancel,
} from "./readable_stream.ts";
import {
  type WritableStream, type WritableStreamDefaultWriter, acquireWriter, closeQueuedOrInFlight, writableStreamAbort,
  writerCloseWithErrorPropagation, writerRelease, writerWrite,
} from "./writable_stream.ts";

function abortReason(signal: AbortSignal): unknown {
  const r = (signal as { reason?: unknown }).reason;
  if (r !== undefined) return r;
  const DE = (globalThis as { DOMException?: new (m: string, n: string) => Error }).DOMException;
  if (typeof DE === "function") return new DE("The operation was aborted", "AbortError");
  const e = new Error("The operation was aborted");
  e.name = "AbortError";
  return e;
}

export function readableStreamPipeTo<T>(source: ReadableStream<T>, dest: WritableStream<T>, preventClose: boolean,
  preventAbort: boolean, preventCancel: boolean, signal: AbortSignal | undefined): Promise<void> {
  const reader: ReadableStreamDefaultReader<T> = acquireDefaultReader(source);
  const writer: WritableStreamDefaultWriter<T> = acquireWriter(dest);
  source._disturbed = true;
  let shuttingDown = false;
  let currentWrite: Promise<void> = Promise.resolve();
  const result = deferred<void>();
  let abortAlgorithm: (() => void) | undefined;

  const finalize = (isError: boolean, error?: unknown) => {
    writerRelease(writer);
    defaultReaderRelease(reader);
    if (signal !== undefined && abortAlgorithm !== undefined) signal.removeEventListener("abort", abortAlgorithm);
    if (isError) result.reject(error);
    else result.resolve();
  };
  const waitForWritesToFinish = (): Promise<void> => {
    const old = currentWrite;
    return old.then(() => (old !== currentWrite ? waitForWritesToFinish() : undefined));
  };
  const shutdownWithAction = (action: () => Promise<unknown>, originalIsError?: boolean, originalError?: unknown) => {
    if (shuttingDown) return;
    shuttingDown = true;
    const doTheRest = () => {
      action().then(() => finalize(!!originalIsError, originalError), (e) => finalize(true, e));
    };
    if (dest._state === "writable" && !closeQueuedOrInFlight(dest)) waitForWritesToFinish().then(doTheRest);
    else doTheRest();
  };
  const shutdown = (isError?: boolean, error?: unknown) => {
    if (shuttingDown) return;
    shuttingDown = true;
    if (dest._state === "writable" && !closeQueuedOrInFlight(dest)) waitForWritesToFinish().then(() => finalize(!!isError, error));
    else finalize(!!isError, error);
  };

  if (signal !== undefined) {
    abortAlgorithm = () => {
      const error = abortReason(signal);
      const actions: (() => Promise<void>)[] = [];
      if (!preventAbort) {
        actions.push(() => (dest._state === "writable" ? writableStreamAbort(dest, error) : Promise.resolve()));
      }
      if (!preventCancel) {
        actions.push(() => (source._state === "readable" ? readableStreamCancel(source, error) : Promise.resolve()));
      }
      shutdownWithAction(() => Promise.all(actions.map((a) => a())), true, error);
    };
    if (signal.aborted) {
      abortAlgorithm();
      return result.promise;
    }
    signal.addEventListener("abort", abortAlgorithm);
  }

  // Errors must be propagated forward.
  const onSourceErrored = (storedError: unknown) => {
    if (!preventAbort) shutdownWithAction(() => writableStreamAbort(dest, storedError), true, storedError);
    else shutdown(true, storedError);
  };
  // Errors must be propagated backward.
  const onDestErrored = (storedError: unknown) => {
    if (!preventCancel) shutdownWithAction(() => readableStreamCancel(source, storedError), true, storedError);
    else shutdown(true, storedError);
  };
  // Closing must be propagated forward.
  const onSourceClosed = () => {
    if (!preventClose) shutdownWithAction(() => writerCloseWithErrorPropagation(writer));
    else shutdown();
  };
  // Closing must be propagated backward.
  const onDestClosed = () => {
    const destClosed = invalidState("Destination WritableStream is closed");
    if (!preventCancel) shutdownWithAction(() => readableStreamCancel(source, destClosed), true, destClosed);
    else shutdown(true, destClosed);
  };

  const checkStates = (): boolean => {
    if (source._state === "errored") { onSourceErrored(source._storedError); return true; }
    if (dest._state === "errored" || dest._state === "erroring") { onDestErrored(dest._storedError); return true; }
    if (source._state === "closed") { onSourceClosed(); return true; }
    if (closeQueuedOrInFlight(dest) || dest._state === "closed") { onDestClosed(); return true; }
    return false;
  };

  reader._closed.promise.then(() => { if (!shuttingDown) onSourceClosed(); }, (e) => { if (!shuttingDown) onSourceErrored(e); });
  writer._closed.promise.then(undefined, (e) => { if (!shuttingDown) onDestErrored(e); });

  const pipeStep = (): Promise<boolean> => {
    if (shuttingDown) return Promise.resolve(true);
    return writer._ready.promise.then(() => new Promise<boolean>((resolve, reject) => {
      defaultReaderRead(reader, {
        chunk: (chunk) => {
          currentWrite = writerWrite(writer, chunk).then(undefined, () => {});
          resolve(false);
        },
        close: () => resolve(true),
        error: reject,
      });
    }));
  };
  const loop = () => {
    pipeStep().then((done) => {
      if (done) return;
      loop();
    }, () => {
      // The read failed: the reader's closed promise reports the error.
    });
  };

  if (!checkStates()) {
    loop();
  }
  return result.promise;
}
