import { describe, expect, test } from "bun:test";
import { assembleSpecs } from "./assemble.ts";
import { defaultCompileOptions } from "./compile.ts";
import { mergeEnvironment } from "./compile-env-vars.ts";
import { specsFromRaw, type RawSpecs } from "./compile-test-helpers.ts";
import { compileCompose, NGINX_SERVICE, type ComposeOptions } from "./compose.ts";
import { planPorts } from "./ports.ts";

function composeFor(raw: RawSpecs, bundles: string[], overrides: Partial<ComposeOptions> = {}) {
  const assembled = assembleSpecs(specsFromRaw(raw), bundles);
  const plan = planPorts(assembled, { hostAddress: "127.0.0.1", portBase: 65000 });
  return compileCompose(assembled, plan, { ...defaultCompileOptions(), ...overrides }).services;
}

const RAW: RawSpecs = {
  apps: {
    web: {
      repo: "git@github.com:org/web.git",
      mount: "/web",
      image: "web:1",
      depends: { libs: ["util"], services: ["db"], apps: ["api"] },
      conditional_links: { apps: ["admin"], services: ["mail", "db"] },
      host_forwarding: [
        { host_name: "local.web.com", host_port: 80, container_port: 3000 },
        { host_name: "local.web.com", host_port: 5000, container_port: 5000, type: "stream" },
      ],
      compose: { volumes: ["/host/data:/data"], user: "node", environment: ["A=1", "B"], ports: ["1:1"], working_dir: "/web" },
    },
    api: { repo: "https://github.com/org/api", mount: "/api", build: "docker/../build", host_forwarding: [{ host_name: "local.api.com", host_port: 80, container_port: 9000 }] },
    admin: { image: "admin:1" },
  },
  libs: {
    util: { repo: "https://github.com/org/util.git", mount: "/util", depends: { libs: ["core"] } },
    core: { repo: "/home/me/core", mount: "/core" },
  },
  services: { db: { image: "postgres", environment: { PGUSER: "me", PGPORT: 5432 } }, mail: { image: "mail" } },
  bundles: { site: { apps: ["web"] }, admin: { apps: ["admin"] } },
};

describe("compileCompose()", () => {
  test("compileCompose() always has dusty's nginx, with the forwarded ports and every host name as an alias", () => {
    const services = composeFor(RAW, ["site"], { bindAddress: "127.0.0.5", nginxImage: "nginx:test" });
    expect(services[NGINX_SERVICE]).toEqual({
      image: "nginx:test",
      command: ["nginx", "-g", "daemon off;", "-c", "/etc/dusty-nginx/nginx.conf"],
      volumes: ["/var/lib/dusty/nginx:/etc/dusty-nginx:ro"],
      ports: ["127.0.0.5:80:80", "127.0.0.5:5000:5000"],
      networks: { default: { aliases: ["local.api.com", "local.web.com"] } },
    });
    expect(composeFor(RAW, [])).toEqual({
      [NGINX_SERVICE]: {
        image: "nginx:1.27-alpine",
        command: ["nginx", "-g", "daemon off;", "-c", "/etc/dusty-nginx/nginx.conf"],
        volumes: ["/var/lib/dusty/nginx:/etc/dusty-nginx:ro"],
      },
    });
  });

  test("compileCompose() lets dusty's keys win over an app's compose map and keeps the rest", () => {
    const web = composeFor(RAW, ["site"]).web ?? {};
    expect(web.image).toBe("web:1");
    expect(web.entrypoint).toEqual([]);
    expect(web.init).toBe(true);
    expect(web.command).toEqual(["sh", "/command_files/dusty_command_file_web.sh"]);
    expect(web.user).toBe("node");
    expect(composeFor({ apps: { e: { image: "e", compose: { entrypoint: ["/init.sh"] } } }, bundles: { b: { apps: ["e"] } } }, ["b"]).e?.entrypoint).toEqual([]);
    expect(web.working_dir).toBe("/web");
    expect(web.ports).toEqual(["127.0.0.1:65001:3000", "127.0.0.1:65002:5000"]);
    expect(web.environment).toEqual({ A: "1", B: null });
  });

  test("compileCompose() mounts cp, command files, assets, the repo and the libs in dependency order, without colons in host paths", () => {
    const web = composeFor(RAW, ["site"], { paths: { ...defaultCompileOptions().paths, reposDir: "/r", cpDir: "/cp" } }).web ?? {};
    expect(web.volumes).toEqual([
      "/host/data:/data",
      "/cp/web:/cp",
      "/etc/dusty/commands/web:/command_files",
      "/var/lib/dusty/assets:/dusty_assets:ro",
      "/r/github.com/org/web:/web",
      "/r/home/me/core:/core",
      "/r/github.com/org/util:/util",
    ]);
    for (const volume of web.volumes as string[]) expect(volume.split(":").length).toBeLessThanOrEqual(3);
  });

  test("compileCompose() depends on services, apps and active conditional links only", () => {
    expect(composeFor(RAW, ["site"]).web?.depends_on).toEqual(["api", "db"]);
    expect(composeFor(RAW, ["site", "admin"]).web?.depends_on).toEqual(["admin", "api", "db"]);
    expect(composeFor(RAW, ["site"]).api?.depends_on).toBeUndefined();
  });

  test("compileCompose() keeps a spec's own links to services that run, aliases and all, and drops the rest", () => {
    const raw: RawSpecs = {
      apps: { a: { image: "a", compose: { links: ["db:database", "ghost", "b"] } }, b: { image: "b", compose: { links: ["ghost"] } } },
      services: { db: { image: "postgres", links: ["a", "ghost:g"] }, ghost: { image: "ghost" } },
      bundles: { all: { apps: ["a", "b"], services: ["db"] } },
    };
    const services = composeFor(raw, ["all"]);
    expect(services.a?.links).toEqual(["db:database", "b"]);
    expect(services.b).not.toHaveProperty("links");
    expect(services.db?.links).toEqual(["a"]);
  });

  test("compileCompose() resolves a relative build against the repo's checkout, else the managed clone", () => {
    expect(composeFor(RAW, ["site"]).api?.build).toBe("/etc/dusty/repos/github.com/org/api/build");
    const overridden = composeFor(RAW, ["site"], { repoPaths: { "https://github.com/org/api": "/home/me/api" } });
    expect(overridden.api?.build).toBe("/home/me/api/build");
    expect(overridden.api?.image).toBeUndefined();
    const absolute = composeFor({ apps: { t: { build: "/opt/t" } }, bundles: { b: { apps: ["t"] } } }, ["b"]);
    expect(absolute.t?.build).toBe("/opt/t");
    expect(absolute.t?.user).toBe("root");
  });

  test("compileCompose() passes services through with a /cp volume and env overrides", () => {
    const services = composeFor(RAW, ["site"], { envOverrides: { db: { PGUSER: "you", PGPORT: null, NEW: "1" }, web: { A: null, B: null } } });
    expect(services.db).toEqual({
      image: "postgres",
      environment: { PGUSER: "you", NEW: "1" },
      volumes: ["/var/lib/dusty/cp/db:/cp"],
    });
    // Every variable unset: no environment key at all.
    expect(services.web?.environment).toBeUndefined();
    expect(services.mail).toBeUndefined();
  });

  test("compileCompose() keeps a user's ports when the app forwards nothing, and brackets an IPv6 bind address", () => {
    const raw: RawSpecs = {
      apps: { a: { image: "a", compose: { ports: ["22:22"] } }, b: { image: "b", host_forwarding: [{ host_name: "b.local", host_port: 80, container_port: 80 }] } },
      bundles: { all: { apps: ["a", "b"] } },
    };
    const services = composeFor(raw, ["all"], { bindAddress: "::1" });
    expect(services.a?.ports).toEqual(["22:22"]);
    expect(services.b?.ports).toEqual(["[::1]:65000:80"]);
  });
});

describe("mergeEnvironment()", () => {
  test("mergeEnvironment() turns the list form into a map and values into strings", () => {
    expect(mergeEnvironment(["A=1", "B=x=y", "C=", "D"], undefined)).toEqual({ A: "1", B: "x=y", C: "", D: null });
    expect(mergeEnvironment({ A: 1, B: true, C: null, D: "s" }, undefined)).toEqual({ A: "1", B: "true", C: null, D: "s" });
  });

  test("mergeEnvironment() applies overrides, null unsetting, and gives undefined when empty", () => {
    expect(mergeEnvironment({ A: "1", B: "2" }, { A: "9", B: null, C: "3" })).toEqual({ A: "9", C: "3" });
    expect(mergeEnvironment(undefined, { A: null })).toBeUndefined();
    expect(mergeEnvironment(undefined, undefined)).toBeUndefined();
  });
});
