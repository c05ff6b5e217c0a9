/**
 * The client's side of the engine choice (core/docker-engine.ts): which engine the user's own `docker`
 * would talk to, read from the user's environment and files as the user, before the request goes to the
 * root daemon (which sees neither). The docker CLI's order: DOCKER_HOST, then DOCKER_CONTEXT, then
 * config.json's `currentContext` (under DOCKER_CONFIG, else ~/.docker). A context's endpoint is in
 * `contexts/meta/<sha256 of its name>/meta.json` (Endpoints.docker.Host), its TLS material in
 * `contexts/tls/<same>/docker/`. Synchronous and small: the client runs it before every engine command
 * (and node:os stays out of the client's start-up: HOME is what the docker CLI reads too).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ClientEngine } from "../core/docker-engine.ts";

/** The context the docker CLI means when none is chosen: DOCKER_HOST, else the default socket. */
const DEFAULT_CONTEXT = "default";

/** The engine the user's docker would use, or undefined for its default (no DOCKER_HOST, no context chosen). */
export function resolveClientEngine(env: Record<string, string | undefined> = process.env): ClientEngine | undefined {
  // Without DOCKER_CONFIG or HOME there is no config folder: only DOCKER_HOST can choose then.
  const configDir = env.DOCKER_CONFIG || (env.HOME ? join(env.HOME, ".docker") : undefined);
  return withKnownHosts(resolveEndpoint(env, configDir), env.HOME);
}

function resolveEndpoint(env: Record<string, string | undefined>, configDir: string | undefined): ClientEngine | undefined {
  if (env.DOCKER_HOST) {
    const tlsVerify = Boolean(env.DOCKER_TLS_VERIFY);
    const certPath = env.DOCKER_CERT_PATH || (tlsVerify ? configDir : undefined);
    return { source: "DOCKER_HOST", host: env.DOCKER_HOST, ...(certPath && { certPath }), ...(tlsVerify && { tlsVerify }) };
  }
  if (env.DOCKER_CONTEXT) {
    if (configDir === undefined) return { source: "DOCKER_CONTEXT", context: env.DOCKER_CONTEXT, problem: "neither DOCKER_CONFIG nor HOME is set, so there is no contexts folder" };
    return readContext(configDir, env.DOCKER_CONTEXT, "DOCKER_CONTEXT");
  }
  if (configDir === undefined) return undefined;
  const current = currentContext(configDir);
  return current === undefined ? undefined : readContext(configDir, current, "currentContext");
}

/** An ssh:// engine is reached with the host keys the user's own ssh trusts: their ~/.ssh/known_hosts. */
function withKnownHosts(engine: ClientEngine | undefined, home: string | undefined): ClientEngine | undefined {
  if (!engine?.host?.startsWith("ssh://") || !home) return engine;
  return { ...engine, knownHostsFile: join(home, ".ssh", "known_hosts") };
}

/** config.json's currentContext; a missing or broken file means none, as the docker CLI (which only warns) reads it. */
function currentContext(configDir: string): string | undefined {
  try {
    const config = JSON.parse(readFileSync(join(configDir, "config.json"), "utf8")) as { currentContext?: unknown };
    return typeof config.currentContext === "string" && config.currentContext !== "" ? config.currentContext : undefined;
  } catch {
    return undefined;
  }
}

function readContext(configDir: string, name: string, source: ClientEngine["source"]): ClientEngine {
  if (name === DEFAULT_CONTEXT) return { source, context: name };
  const id = new Bun.CryptoHasher("sha256").update(name).digest("hex");
  const metaFile = join(configDir, "contexts", "meta", id, "meta.json");
  let meta: { Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } } };
  try {
    meta = JSON.parse(readFileSync(metaFile, "utf8"));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === "ENOENT" ? `no such context in ${join(configDir, "contexts")}` : `cannot read ${metaFile} (${code ?? "not JSON"})`;
    return { source, context: name, problem };
  }
  const docker = meta.Endpoints?.docker;
  if (typeof docker?.Host !== "string" || docker.Host === "") return { source, context: name, problem: `${metaFile} names no docker endpoint (Endpoints.docker.Host)` };
  const tlsDir = join(configDir, "contexts", "tls", id, "docker");
  const hasTls = existsSync(tlsDir);
  return { source, context: name, host: docker.Host, ...(hasTls && { certPath: tlsDir, tlsVerify: docker.SkipTLSVerify !== true }) };
}
