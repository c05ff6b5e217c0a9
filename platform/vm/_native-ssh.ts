/**
 * The native driver on an ssh:// engine (the client's DOCKER_HOST=ssh://USER@HOST or a context's). Left
 * to the docker CLI, root's docker would run root's ssh: root's keys, root's ~/.ssh/config (a ProxyCommand
 * there runs as root) and root's known_hosts, so a caller could borrow root's identity on any host. And
 * compose v1 (docker-compose 1.29) reaches ssh:// only through Python's paramiko. So dusty opens the
 * connection itself (platform/ssh.ts: one ControlMaster, the engine's socket forwarded to a root-only
 * socket, DOCKER_HOST=unix://… for docker and compose v1 and v2) with an ssh_config of its own: the
 * caller's agent only (no identity file), the caller's known_hosts and the system's, host keys always
 * checked, never a prompt. Each caller has a control folder of their own: one user never rides a
 * connection another user's agent opened.
 */
import { lstat } from "node:fs/promises";
import { join } from "node:path";
import type { EngineChoice } from "../../core/docker-engine.ts";
import type { EngineCaller } from "../docker-endpoint.ts";
import { writeFileAtomic } from "../atomic-write.ts";
import { UserError } from "../errors.ts";
import { createSshConnection, HostKeyError, parseSshUrl, prepareControlDir, type SshConnection } from "../ssh.ts";

/** What the native driver gives for an ssh:// engine. */
export interface NativeSshSettings {
  /** A root-only folder; each caller gets `native-<uid>` in it. */
  controlDir: string;
  /** The caller's checked agent socket (undefined: none came with the request). */
  sshAuthSock?: string;
}

const SYSTEM_KNOWN_HOSTS = "/etc/ssh/ssh_known_hosts";
/** A path ssh_config takes inside double quotes as it is: no quote, no %-token, no ~, no control character. */
const PLAIN_PATH = /^\/[^\0-\x1f\x7f"%]*$/;

/** The engine's connection; nothing runs until `dockerEnv()`. */
export function createNativeSshEngine(engine: EngineChoice & { host: string }, settings: NativeSshSettings, caller: EngineCaller): { dockerEnv(): Promise<Record<string, string>> } {
  const uid = caller?.uid ?? process.getuid?.() ?? 0;
  const controlDir = join(settings.controlDir, `native-${uid}`);
  const configFile = join(controlDir, "ssh_config");
  const knownHosts = engine.knownHostsFile;
  // Checked and written once per command (a command asks for dockerEnv() many times); open() each time.
  let prepared: Promise<SshConnection> | undefined;
  const prepare = async (): Promise<SshConnection> => {
    await checkKnownHostsFile(engine, caller);
    await prepareControlDir(settings.controlDir);
    await prepareControlDir(controlDir);
    await writeFileAtomic(configFile, sshConfigText(knownHosts), { mode: 0o600 });
    return createSshConnection({
      target: parseSshUrl(engine.host),
      configFile,
      controlDir,
      env: { SSH_AUTH_SOCK: settings.sshAuthSock },
      describeFailure: (error) => nativeSshError(error, { endpoint: engine.host, knownHosts, agent: settings.sshAuthSock !== undefined }),
    });
  };

  return {
    async dockerEnv() {
      prepared ??= prepare();
      // A failed check must not stick to this host object: the next call checks again.
      const connection = await prepared.catch((error: unknown) => {
        prepared = undefined;
        throw error;
      });
      await connection.open();
      return { DOCKER_HOST: `unix://${connection.dockerSocket}`, DOCKER_CERT_PATH: "", DOCKER_TLS_VERIFY: "" };
    },
  };
}

/** dusty's ssh_config for the caller: their agent alone, their known_hosts and the system's. */
export function sshConfigText(knownHostsFile: string | undefined): string {
  return [
    "Host *",
    // "none": not even root's default ~/.ssh/id_* are offered; the agent's keys still are.
    "  IdentityFile none",
    `  UserKnownHostsFile ${knownHostsFile === undefined ? "none" : `"${knownHostsFile}"`}`,
    `  GlobalKnownHostsFile ${SYSTEM_KNOWN_HOSTS}`,
    "  StrictHostKeyChecking yes",
    "  BatchMode yes",
    "  ConnectTimeout 30",
    "",
  ].join("\n");
}

/** The client's known_hosts reaches root's ssh: a plain path, and (when there) a regular file of the caller's. */
async function checkKnownHostsFile(engine: EngineChoice, caller: EngineCaller): Promise<void> {
  const path = engine.knownHostsFile;
  if (path === undefined) return;
  const refuse = (problem: string) => new UserError(`Cannot use the known_hosts file "${path}" for the Docker Engine at ${engine.host}: ${problem}`);
  if (!PLAIN_PATH.test(path)) throw refuse('expected an absolute path without ", %, or control characters. Set HOME to a plain folder');
  const info = await lstat(path).catch(() => undefined);
  if (info === undefined) return; // ssh then finds no key, and the message says how to record one
  if (!info.isFile()) throw refuse(`it is not a regular file${info.isSymbolicLink() ? " (a symbolic link)" : ""}. Make ~/.ssh/known_hosts a file of your own`);
  if (caller !== null && caller.uid !== 0 && info.uid !== caller.uid) throw refuse(`it belongs to uid ${info.uid}, not to you (uid ${caller.uid})`);
}

/** The ssh driver's wording names docker_host and root's known_hosts; here the caller's own setup is what counts. */
function nativeSshError(error: Error, context: { endpoint: string; knownHosts?: string; agent: boolean }): Error {
  const where = `Cannot reach the Docker Engine at ${context.endpoint} over ssh`;
  const files = `${context.knownHosts ?? "(no known_hosts of yours: HOME is not set)"} and ${SYSTEM_KNOWN_HOSTS}`;
  const destination = context.endpoint.replace(/^ssh:\/\//, "");
  if (error instanceof HostKeyError && error.reason === "unknown") {
    return new UserError(`${where}: the host's key is not in ${files}, the only host keys dusty's ssh trusts (it never asks). Check the key's fingerprint and record it by connecting once yourself: \`ssh ${destination}\``);
  }
  if (error instanceof HostKeyError) {
    return new UserError(`${where}: the host's key has changed since it was recorded in ${files}. If the host was reinstalled, remove the old key with \`ssh-keygen -R HOST\`; otherwise someone may be intercepting the connection`);
  }
  if (/^Cannot log in/.test(error.message)) {
    const agent = context.agent ? "the keys of your SSH agent" : "the login: your request carried no SSH agent (SSH_AUTH_SOCK)";
    return new UserError(`${where}: the host refused ${agent}. dusty's ssh logs in with your agent's keys only, never with root's keys or your ~/.ssh/config: add your key with \`ssh-add\``);
  }
  return new UserError(`${where}: ${error.message.replace(/^Cannot [^:]*: /, "")}`);
}
