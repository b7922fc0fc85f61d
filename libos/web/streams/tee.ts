// libos/web/streams/tee.ts — ReadableStream#tee (Streams Standard ReadableStreamDefaultTee and
// ReadableByteStreamTee): two branches fed from one reader; cancelling both cancels the source with both reasons.
// Byte streams tee into two byte streams (BYOB reads on a branch read into its own view; the other branch gets a
// copy of the bytes), as Node does.
// Layer: libos (web platform).
import { deferred, queueMicrotaskSafe as queueMicrotask } from "./_util.ts";
import {
  ReadableStream, ReadableStreamDefaultReader, acquireDefaultReader, createReadableStream, defaultControllerClose,
  defaultControllerEnqueue, defaultControllerError, defaultReaderRead, defaultReaderRelease, readableStreamCancel,
  type ReadableStreamDefaultController,
} from "./readable_stream.ts";
import {
  ReadableByteStreamController, ReadableStreamBYOBReader, byobReaderRead, byteControllerByobRequest, byteControllerError,
  byteStreamControllerClose, byteStreamControllerEnqueue, createReadableByteStream,
} from "./byte_stream.ts";

export function readableStreamTee<R>(stream: ReadableStream<R>, cloneForBranch2: boolean): [ReadableStream<R>, ReadableStream<R>] {
  if (stream._controller instanceof ReadableByteStreamController) {
    return readableByteStreamTee(stream as ReadableStream) as [ReadableStream<R>, ReadableStream<R>];
  }
  return defaultTee(stream, cloneForBranch2);
}

function defaultTee<R>(stream: ReadableStream<R>, cloneForBranch2: boolean): [ReadableStream<R>, ReadableStream<R>] {
  const reader = acquireDefaultReader(stream);
  let reading = false, readAgain = false, canceled1 = false, canceled2 = false;
  let reason1: unknown, reason2: unknown;
  let branch1!: ReadableStream<R>, branch2!: ReadableStream<R>;
  const cancelPromise = deferred<void>();
  const c1 = () => branch1._controller as ReadableStreamDefaultController<R>;
  const c2 = () => branch2._controller as ReadableStreamDefaultController<R>;
  const pull = (): Promise<void> => {
    if (reading) {
      readAgain = true;
      return Promise.resolve();
    }
    reading = true;
    defaultReaderRead(reader, {
      chunk: (chunk) => {
        queueMicrotask(() => {
          readAgain = false;
          const chunk1 = chunk;
          let chunk2 = chunk;
          if (!canceled2 && cloneForBranch2) {
            try {
              chunk2 = structuredClone(chunk);
            } catch (e) {
              defaultControllerError(c1(), e);
              defaultControllerError(c2(), e);
              cancelPromise.resolve(readableStreamCancel(stream, e) as unknown as undefined);
              return;
            }
          }
          if (!canceled1) defaultControllerEnqueue(c1(), chunk1);
          if (!canceled2) defaultControllerEnqueue(c2(), chunk2);
          reading = false;
          if (readAgain) pull();
        });
      },
      close: () => {
        reading = false;
        if (!canceled1) defaultControllerClose(c1());
        if (!canceled2) defaultControllerClose(c2());
        if (!canceled1 || !canceled2) cancelPromise.resolve();
      },
      error: () => { reading = false; },
    });
    return Promise.resolve();
  };
  const cancel1 = (reason: unknown): Promise<void> => {
    canceled1 = true;
    reason1 = reason;
    if (canceled2) cancelPromise.resolve(readableStreamCancel(stream, [reason1, reason2]) as unknown as undefined);
    return cancelPromise.promise;
  };
  const cancel2 = (reason: unknown): Promise<void> => {
    canceled2 = true;
    reason2 = reason;
    if (canceled1) cancelPromise.resolve(readableStreamCancel(stream, [reason1, reason2]) as unknown as undefined);
    return cancelPromise.promise;
  };
  branch1 = createReadableStream<R>(() => undefined, pull, cancel1);
  branch2 = createReadableStream<R>(() => undefined, pull, cancel2);
  reader._closed.promise.then(undefined, (r) => {
    defaultControllerError(c1(), r);
    defaultControllerError(c2(), r);
    if (!canceled1 || !canceled2) cancelPromise.resolve();
  });
  return [branch1, branch2];
}

function cloneView(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
}

function readableByteStreamTee(stream: ReadableStream): [ReadableStream, ReadableStream] {
  let reader: ReadableStreamDefaultReader | ReadableStreamBYOBReader = acquireDefaultReader(stream);
  let reading = false, readAgainForBranch1 = false, readAgainForBranch2 = false;
  let canceled1 = false, canceled2 = false;
  let reason1: unknown, reason2: unknown;
  let branch1!: ReadableStream, branch2!: ReadableStream;
  const cancelPromise = deferred<void>();
  const c1 = () => branch1._controller as ReadableByteStreamController;
  const c2 = () => branch2._controller as ReadableByteStreamController;

  const forwardReaderError = (r: ReadableStreamDefaultReader | ReadableStreamBYOBReader) => {
    r._closed.promise.then(undefined, (e) => {
      if (r !== reader) return;
      byteControllerError(c1(), e);
      byteControllerError(c2(), e);
      if (!canceled1 || !canceled2) cancelPromise.resolve();
    });
  };
  const respondClosed = (c: ReadableByteStreamController) => {
    const req = byteControllerByobRequest(c);
    if (req !== null) req.respond(0);
  };

  const pullWithDefaultReader = () => {
    if (reader instanceof ReadableStreamBYOBReader) {
      reader.releaseLock();
      reader = acquireDefaultReader(stream);
      forwardReaderError(reader);
    }
    defaultReaderRead(reader as ReadableStreamDefaultReader, {
      chunk: (chunk: Uint8Array) => {
        queueMicrotask(() => {
          readAgainForBranch1 = readAgainForBranch2 = false;
          const chunk1 = chunk;
          let chunk2 = chunk;
          if (!canceled1 && !canceled2) {
            try {
              chunk2 = cloneView(chunk);
            } catch (e) {
              byteControllerError(c1(), e);
              byteControllerError(c2(), e);
              cancelPromise.resolve(readableStreamCancel(stream, e) as unknown as undefined);
              return;
            }
          }
          if (!canceled1) byteStreamControllerEnqueue(c1(), chunk1);
          if (!canceled2) byteStreamControllerEnqueue(c2(), chunk2);
          reading = false;
          if (readAgainForBranch1) pull1();
          else if (readAgainForBranch2) pull2();
        });
      },
      close: () => {
        reading = false;
        if (!canceled1) byteStreamControllerClose(c1());
        if (!canceled2) byteStreamControllerClose(c2());
        if (c1()._pendingPullIntos.length > 0) respondClosed(c1());
        if (c2()._pendingPullIntos.length > 0) respondClosed(c2());
        if (!canceled1 || !canceled2) cancelPromise.resolve();
      },
      error: () => { reading = false; },
    });
  };

  const pullWithBYOBReader = (view: ArrayBufferView, forBranch2: boolean) => {
    if (reader instanceof ReadableStreamDefaultReader) {
      defaultReaderRelease(reader);
      reader = new ReadableStreamBYOBReader(stream);
      forwardReaderError(reader);
    }
    const byobBranch = forBranch2 ? branch2 : branch1;
    const otherBranch = forBranch2 ? branch1 : branch2;
    byobReaderRead(reader as ReadableStreamBYOBReader, view, 1, {
      chunk: (chunk) => {
        queueMicrotask(() => {
          readAgainForBranch1 = readAgainForBranch2 = false;
          const byobCanceled = forBranch2 ? canceled2 : canceled1;
          const otherCanceled = forBranch2 ? canceled1 : canceled2;
          if (!otherCanceled) {
            let clone: Uint8Array;
            try {
              clone = cloneView(chunk);
            } catch (e) {
              byteControllerError(c1(), e);
              byteControllerError(c2(), e);
              cancelPromise.resolve(readableStreamCancel(stream, e) as unknown as undefined);
              return;
            }
            if (!byobCanceled) byteControllerByobRequest(byobBranch._controller as ReadableByteStreamController)!.respondWithNewView(chunk);
            byteStreamControllerEnqueue(otherBranch._controller as ReadableByteStreamController, clone);
          } else if (!byobCanceled) {
            byteControllerByobRequest(byobBranch._controller as ReadableByteStreamController)!.respondWithNewView(chunk);
          }
          reading = false;
          if (readAgainForBranch1) pull1();
          else if (readAgainForBranch2) pull2();
        });
      },
      close: (chunk) => {
        reading = false;
        const byobCanceled = forBranch2 ? canceled2 : canceled1;
        const otherCanceled = forBranch2 ? canceled1 : canceled2;
        if (!byobCanceled) byteStreamControllerClose(byobBranch._controller as ReadableByteStreamController);
        if (!otherCanceled) byteStreamControllerClose(otherBranch._controller as ReadableByteStreamController);
        if (chunk !== undefined) {
          if (!byobCanceled) byteControllerByobRequest(byobBranch._controller as ReadableByteStreamController)!.respondWithNewView(chunk);
          const oc = otherBranch._controller as ReadableByteStreamController;
          if (!otherCanceled && oc._pendingPullIntos.length > 0) respondClosed(oc);
        }
        if (!byobCanceled || !otherCanceled) cancelPromise.resolve();
      },
      error: () => { reading = false; },
    });
  };

  const pull1 = (): Promise<void> => {
    if (reading) {
      readAgainForBranch1 = true;
      return Promise.resolve();
    }
    reading = true;
    const req = byteControllerByobRequest(c1());
    if (req === null) pullWithDefaultReader();
    else pullWithBYOBReader(req._view!, false);
    return Promise.resolve();
  };
  const pull2 = (): Promise<void> => {
    if (reading) {
      readAgainForBranch2 = true;
      return Promise.resolve();
    }
    reading = true;
    const req = byteControllerByobRequest(c2());
    if (req === null) pullWithDefaultReader();
    else pullWithBYOBReader(req._view!, true);
    return Promise.resolve();
  };
  const cancel1 = (reason: unknown): Promise<void> => {
    canceled1 = true;
    reason1 = reason;
    if (canceled2) cancelPromise.resolve(readableStreamCancel(stream, [reason1, reason2]) as unknown as undefined);
    return cancelPromise.promise;
  };
  const cancel2 = (reason: unknown): Promise<void> => {
    canceled2 = true;
    reason2 = reason;
    if (canceled1) cancelPromise.resolve(readableStreamCancel(stream, [reason1, reason2]) as unknown as undefined);
    return cancelPromise.promise;
  };
  branch1 = createReadableByteStream(() => undefined, pull1, cancel1);
  branch2 = createReadableByteStream(() => undefined, pull2, cancel2);
  forwardReaderError(reader);
  return [branch1, branch2];
}
