// boot/image/oci/layout.ts — an OCI image layout on disk (image-spec v1.0 "image-layout"): the `oci-layout`
// marker, content-addressed blobs under blobs/sha256/, and index.json naming each image by
// `org.opencontainers.image.ref.name`. Writes are atomic per file (a temporary name, then rename), index.json last,
// so a reader never sees an index that names a missing blob; a failed write leaves no temporary file behind.
// Layer: build tools (host only).

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The media types of the documents and layers we write. */
export const MEDIA = {
  index: "application/vnd.oci.image.index.v1+json",
  manifest: "application/vnd.oci.image.manifest.v1+json",
  config: "application/vnd.oci.image.config.v1+json",
  layerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
} as const;

/** The index annotation that names an image in a layout (`oci:DIR:REF`). */
export const REF_NAME = "org.opencontainers.image.ref.name";

/** A content descriptor: what a manifest or index says about a blob. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { architecture: string; os: string };
  annotations?: Record<string, string>;
}

/** "sha256:<hex>" of some bytes: a blob's digest, a layer's diff_id. */
export function sha256(data: Uint8Array): string {
  return "sha256:" + createHash("sha256").update(data).digest("hex");
}

/** Writes `data` to `path` through a temporary file in the same folder; the temporary file never survives. */
function writeAtomic(path: string, data: Uint8Array | string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** An image layout being written. Open it with `OciLayout.open(dir)`. */
export class OciLayout {
  private constructor(readonly dir: string, private manifests: Descriptor[]) {}

  /**
   * Opens `dir` as an image layout: a folder that does not exist or is empty becomes a new layout; an existing
   * layout keeps its blobs and the images its index names. Throws Error for a file, or for a non-empty folder that
   * is not a layout (without touching it).
   */
  static open(dir: string): OciLayout {
    if (existsSync(dir)) {
      if (!statSync(dir).isDirectory()) throw new Error(`${dir} exists and is not a folder`);
      const names = readdirSync(dir);
      if (names.length > 0 && !names.includes("oci-layout")) {
        throw new Error(`${dir} is neither empty nor an OCI image layout (it has no oci-layout file); give an empty or new folder`);
      }
    }
    mkdirSync(join(dir, "blobs", "sha256"), { recursive: true });
    let manifests: Descriptor[] = [];
    const indexPath = join(dir, "index.json");
    if (existsSync(indexPath)) {
      const index = JSON.parse(readFileSync(indexPath, "utf8")) as { manifests?: Descriptor[] };
      manifests = index.manifests ?? [];
    }
    writeAtomic(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
    return new OciLayout(dir, manifests);
  }

  /** Stores a blob (once: an existing blob of the same digest is kept) and returns its descriptor. */
  putBlob(mediaType: string, data: Uint8Array): Descriptor {
    const digest = sha256(data);
    const path = join(this.dir, "blobs", "sha256", digest.slice("sha256:".length));
    if (!existsSync(path) || statSync(path).size !== data.length) writeAtomic(path, data);
    return { mediaType, digest, size: data.length };
  }

  /** Stores a JSON document as a blob (compact, keys in the order given). */
  putJson(mediaType: string, value: unknown): Descriptor {
    return this.putBlob(mediaType, Buffer.from(JSON.stringify(value)));
  }

  /** Names a manifest in the index as `ref`, replacing an earlier image of that name. */
  tag(ref: string, manifest: Descriptor): void {
    this.manifests = this.manifests.filter((m) => m.annotations?.[REF_NAME] !== ref);
    this.manifests.push({ ...manifest, annotations: { ...manifest.annotations, [REF_NAME]: ref } });
  }

  /** Writes index.json: call once every blob is in place. */
  commit(): void {
    writeAtomic(join(this.dir, "index.json"), JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.index, manifests: this.manifests }, null, 2) + "\n");
  }
}
