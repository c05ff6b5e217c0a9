/**
 * The daemon's side of the engine choice (core/docker-engine.ts): turns an EngineChoice into the
 * variables docker and compose (v1 and v2) get, after checking it. The value comes from a client (or the
 * config) and reaches the environment of root processes, so it is checked here, once per use: only
 * unix://, tcp:// and ssh:// endpoints; a unix socket must exist and be a socket; a socket or TLS folder
 * of another user is refused (root could reach it, the caller must not borrow it through dusty).
 */
import { stat } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import { checkEndpointSyntax, describeEngineSource, engineFix, type EngineChoice } from "../core/docker-engine.ts";
import { fileUserFor } from "./as-caller.ts";
import { UserError } from "./errors.ts";
import { canReadAs } from "./local-files.ts";

/** Who asks, as the kernel reports the client (null when the platform cannot tell, or no client). */
export type EngineCaller = { uid: number; gid: number } | null;

/** The files docker reads from a TLS folder (DOCKER_CERT_PATH, a context's). */
const TLS_FILES = ["ca.pem", "cert.pem", "key.pem"];

/** The engine as users read it: "unix:///x.sock (from your Docker context "y" (DOCKER_CONTEXT))". */
export function describeEngineChoice(choice: EngineChoice, daemonEnv: Record<string, string | undefined> = process.env): string {
  const host = choice.host ?? (daemonEnv.DOCKER_HOST || "unix:///var/run/docker.sock");
  return `${host} (from ${describeEngineSource(choice, daemonEnv.DOCKER_HOST)})`;
}

/**
 * The DOCKER_* variables for `choice` ({} for the daemon's default), or a UserError naming the endpoint,
 * where it came from and the fix. A chosen engine sets all three, so nothing of the daemon's own
 * environment mixes in.
 */
export async function engineEnv(choice: EngineChoice, caller: EngineCaller): Promise<Record<string, string>> {
  const from = describeEngineSource(choice);
  if (choice.problem !== undefined) {
    throw new UserError(`Cannot use ${from}: ${choice.problem}. ${capitalize(engineFix(choice).replace(/^start that engine, or /, ""))}`);
  }
  const host = choice.host;
  if (host === undefined) return {};
  const problem = checkEndpointSyntax(host) ?? (await checkLocal(host, choice.certPath, caller));
  if (problem !== undefined) throw new UserError(`Cannot use the Docker Engine at ${JSON.stringify(host)} from ${from}: ${problem}. ${capitalize(engineFix(choice))}`);
  const env: Record<string, string> = { DOCKER_HOST: host, DOCKER_CERT_PATH: choice.certPath ?? "", DOCKER_TLS_VERIFY: choice.tlsVerify ? "1" : "" };
  // A context with TLS material but SkipTLSVerify: TLS without verifying, as `docker --context` does.
  if (choice.certPath !== undefined && !choice.tlsVerify) env.DOCKER_TLS = "1";
  // compose v1 goes through Python's requests, which lets either of these (when set, even to the system's
  // bundle) replace the ca.pem it was given: the engine's certificate then fails as "unable to get local
  // issuer certificate". Empty, requests keeps ca.pem; the Go programs never read them.
  if (choice.certPath !== undefined) Object.assign(env, { REQUESTS_CA_BUNDLE: "", CURL_CA_BUNDLE: "" });
  return env;
}

async function checkLocal(host: string, certPath: string | undefined, caller: EngineCaller): Promise<string | undefined> {
  if (host.startsWith("unix://")) {
    const problem = await checkOwned(host.slice("unix://".length), "socket", caller);
    if (problem !== undefined) return problem;
  }
  if (certPath === undefined) return undefined;
  return (await checkOwned(certPath, "folder", caller)) ?? (await checkTlsFilesReadable(certPath, caller));
}

/**
 * Root's docker reads the key for the caller: a key.pem the caller could not read (a link to another
 * user's or root's key in a folder of their own) would lend them that identity. Only paths reach docker
 * (DOCKER_CERT_PATH); the files are never copied. The common case is answered by stat alone; a file
 * readable only through a group is tried as the caller.
 */
async function checkTlsFilesReadable(certPath: string, caller: EngineCaller): Promise<string | undefined> {
  const user = fileUserFor(caller);
  if (user === null) return undefined;
  for (const name of TLS_FILES) {
    const file = join(certPath, name);
    const info = await stat(file).catch(() => undefined);
    if (info === undefined) continue; // docker names a missing file itself
    const readable = (info.uid === user.uid && (info.mode & 0o400) !== 0) || (info.mode & 0o004) !== 0 || (await canReadAs(user, file));
    if (!readable) return `you (uid ${user.uid}) cannot read "${file}", and dusty's docker must not read it for you`;
  }
  return undefined;
}

/** Why `path` cannot serve as the caller's socket or TLS folder. Links are followed: Docker Desktop's /var/run/docker.sock is one. */
async function checkOwned(path: string, kind: "socket" | "folder", caller: EngineCaller): Promise<string | undefined> {
  const what = kind === "socket" ? "socket" : "TLS folder";
  if (!isAbsolute(path)) return `the ${what} "${path}" is not an absolute path`;
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => error.code ?? "unreadable");
  if (typeof info === "string") return info === "ENOENT" ? `no such ${what} "${path}" (is the engine running?)` : `the ${what} "${path}" cannot be read (${info})`;
  if (kind === "socket" ? !info.isSocket() : !info.isDirectory()) return `"${path}" is not a ${kind}`;
  if (caller !== null && caller.uid !== 0 && info.uid !== 0 && info.uid !== caller.uid) {
    return `the ${what} "${path}" belongs to uid ${info.uid}, not to you (uid ${caller.uid}) or root`;
  }
  return undefined;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
