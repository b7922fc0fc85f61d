// Types for cache.mjs (plain JavaScript: it runs at `npm install`, before TypeScript tooling can be trusted).
import type { DebianSource } from "./native/sources.mjs";
export const PACKAGE_ROOT: string;
export function isInstalled(root?: string): boolean;
export function sharedCacheBase(env?: NodeJS.ProcessEnv): string;
export function cacheKey(root?: string): string;
export interface NativeLocations { root: string; build: string; sources: string; shared: boolean }
export function nativeLocations(root?: string, env?: NodeJS.ProcessEnv): NativeLocations;
export function makeVars(loc?: NativeLocations): string[];
export function sourcesAt(sources: DebianSource[], loc?: NativeLocations): DebianSource[];
