/**
 * The compose file of one suite run: the suite's services, fresh for this run, and the suite's own
 * container, all in ONE network namespace (the first service's, or the suite container's own when it
 * has no services), so tests reach every service on localhost as in the original. Keys that would make
 * two runs collide (published ports, fixed container names) or that conflict with a shared namespace
 * are dropped, and the plan says which, so the user can be told.
 */
import { ownValue } from "./assemble.ts";
import type { ComposeFile } from "./compose.ts";
import { translateV1Keys } from "./compose-v1.ts";
import type { ServiceSpec, Specs, TestSuite } from "./specs.ts";

/** What `planSuiteCompose()` needs. */
export interface SuiteComposeOptions {
  /** The app or lib under test: the compose service name of the suite's container. */
  name: string;
  suite: TestSuite;
  /** The suite container's command (see `suiteCommand()`). */
  command: readonly string[];
  /** The test image. */
  image: string;
  /** `host:container` mounts of the suite container (see `testMounts()`). */
  mounts: readonly string[];
  /** Labels put on every container of the run, so it can be found and removed whatever happens. */
  labels: Record<string, string>;
}

/** One suite run as compose sees it. */
export interface SuiteComposePlan {
  file: ComposeFile;
  /** The services to start before the suite, in the suite's order (the first one owns the network namespace). */
  services: string[];
  /** The compose service of the suite's container. */
  suiteService: string;
  /** `service "db": ignored ports (…)`, one per service whose keys were dropped. */
  notes: string[];
}

// Keys that tie a container to fixed host resources or networks: two parallel runs would collide on them,
// and the run's containers share one namespace instead.
const RUN_OWNED_KEYS = ["ports", "container_name", "network_mode", "networks", "links", "external_links", "depends_on"];
// Docker refuses these on a container that joins another's network namespace.
const NAMESPACE_KEYS = ["hostname", "domainname", "dns", "dns_search", "dns_opt", "extra_hosts", "mac_address", "expose"];

/** The compose file of one suite run; a service without a spec is an error naming the known ones. */
export function planSuiteCompose(specs: Specs, options: SuiteComposeOptions): SuiteComposePlan | { error: string } {
  const { suite } = options;
  const missing = suite.services.filter((s) => ownValue(specs.services, s) === undefined);
  if (missing.length > 0) {
    const known = Object.keys(specs.services);
    return {
      error: `Suite ${suite.name} of ${options.name} uses ${missing.map((m) => `"${m}"`).join(", ")}, which ${missing.length === 1 ? "has no service spec" : "have no service specs"}. Known services: ${known.length > 0 ? known.join(", ") : "none"}`,
    };
  }
  const services = [...new Set(suite.services)].filter((s) => s !== options.name);
  const owner = services[0];
  const notes: string[] = [];
  const file: ComposeFile = { services: {} };
  services.forEach((name, i) => {
    const joined = i > 0;
    const spec = ownValue(specs.services, name) as ServiceSpec;
    const service = withoutKeys(spec, joined, `service "${name}"`, notes);
    service.network_mode = joined ? `service:${owner}` : "bridge";
    service.labels = withLabels(spec.labels, options.labels);
    file.services[name] = service;
  });
  const test = withoutKeys(suite.compose, owner !== undefined, `suite ${suite.name}'s compose`, notes);
  test.image = options.image;
  test.command = options.command.map(escapeInterpolation);
  test.volumes = [...new Set([...listOf(suite.compose.volumes), ...options.mounts.map(escapeInterpolation)])];
  test.network_mode = owner === undefined ? "bridge" : `service:${owner}`;
  test.labels = withLabels(suite.compose.labels, options.labels);
  // tini as PID 1 passes the stop signal on, so an interrupted run stops in milliseconds, not after 10 s.
  test.init = true;
  file.services[options.name] = test;
  return { file, services, suiteService: options.name, notes };
}

/** Compose reads `$VAR` in every value: text dusty puts there (user args, paths) must reach docker as written. */
export function escapeInterpolation(text: string): string {
  // A function, because in a replacement string "$$" itself means one "$".
  return text.replaceAll("$", () => "$$");
}

function withoutKeys(spec: Record<string, unknown>, joined: boolean, what: string, notes: string[]): Record<string, unknown> {
  const drop = joined ? [...RUN_OWNED_KEYS, ...NAMESPACE_KEYS] : RUN_OWNED_KEYS;
  const service: Record<string, unknown> = {};
  const dropped: string[] = [];
  // In their Compose Specification form first, so a v1 `net:` is dropped as the network_mode it is.
  for (const [key, value] of Object.entries(translateV1Keys(spec, new Set()))) {
    if (drop.includes(key)) dropped.push(key);
    else service[key] = value;
  }
  if (dropped.length > 0) notes.push(`${what}: ignored ${dropped.join(", ")} (a test run reaches its services on localhost)`);
  return service;
}

/** Compose takes labels as a map or as a `key=value` list; the result is a map with ours added. */
function withLabels(labels: unknown, ours: Record<string, string>): Record<string, string> {
  const map: Record<string, string> = {};
  if (Array.isArray(labels)) {
    for (const item of labels) {
      const text = String(item);
      const eq = text.indexOf("=");
      map[eq < 0 ? text : text.slice(0, eq)] = eq < 0 ? "" : text.slice(eq + 1);
    }
  } else if (labels !== null && typeof labels === "object") {
    for (const [key, value] of Object.entries(labels)) map[key] = value === null || value === undefined ? "" : String(value);
  }
  return { ...map, ...ours };
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
