// libos/runtime/config.ts: the image configuration is decoded from hal.config() once, typed and frozen (nested
// objects too); process.argv/env are copies the app may change; resetImageConfig() reads the platform again.
import { afterEach, describe, expect, it } from "vitest";
import { setPlatform } from "../../../kernel/platform.ts";
import { Process } from "../../../libos/process/index.ts";
import { imageConfig, resetImageConfig, type ImageConfig } from "../../../libos/runtime/config.ts";
import { SimPlatform } from "../../sim/platform.ts";

afterEach(() => resetImageConfig());

const CONFIG: ImageConfig = {
  argv: ["/unijs", "/app/index.js", "--flag"], env: { NODE_ENV: "test", A: "1" }, name: "app", bundle: "app.bundle.js",
  esm: true, net: { address: 0x0a00020f, prefixLength: 24, gateway: 0x0a000202, dns: [0x0a000203] },
  profile: { intervalMs: 5000 }, mounts: [{ path: "/data", device: "vda", readOnly: true }], tmpBytes: 1 << 20,
};

describe("the image configuration", () => {
  it("is decoded once from hal.config(), with every field the builder writes", () => {
    let reads = 0;
    const sim = new SimPlatform({ config: JSON.stringify(CONFIG) });
    const config = sim.config.bind(sim);
    sim.config = () => { reads++; return config(); };
    setPlatform(sim);
    const c = imageConfig();
    expect(c).toEqual(CONFIG);
    expect(imageConfig()).toBe(c);
    expect(reads).toBe(1);
    resetImageConfig();
    expect(imageConfig()).not.toBe(c);
    expect(reads).toBe(2);
  });

  it("is frozen, nested objects and arrays too", () => {
    setPlatform(new SimPlatform({ config: JSON.stringify(CONFIG) }));
    const c = imageConfig();
    for (const o of [c, c.argv, c.env, c.net, c.net!.dns, c.profile, c.mounts, c.mounts![0]]) expect(Object.isFrozen(o)).toBe(true);
    expect(() => { (c.env as Record<string, string>).B = "2"; }).toThrow(TypeError);
  });

  it("process.argv and process.env are the app's own copies", () => {
    setPlatform(new SimPlatform({ config: JSON.stringify(CONFIG) }));
    const proc = new Process(imageConfig(), (code) => { throw new Error(`exit ${code}`); });
    expect(proc.argv).toEqual(CONFIG.argv);
    expect(proc.env).toEqual(CONFIG.env);
    proc.argv.push("more");
    proc.env.B = "2";
    delete proc.env.A;
    expect(imageConfig().argv).toEqual(CONFIG.argv);
    expect(imageConfig().env).toEqual(CONFIG.env);
  });
});
