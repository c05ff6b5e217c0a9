// The native driver on an ssh:// engine: DOCKER_HOST=ssh://USER@<namespace address>, the namespace's sshd and
// dockerd (test/remote-host.ts), the client's own ssh-agent holding the key and the client's own known_hosts.
// The daemon (root) opens the connection with those alone (platform/vm/_native-ssh.ts), never root's keys or
// ssh config, and forwards the engine's socket: so compose v1, which reaches ssh:// only through Python's
// paramiko, works too. An unknown host key and an agent without the key fail naming the fix, changing nothing.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Subprocess } from "bun";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { COMPOSE_PROJECT_LABEL } from "../platform/docker.ts";
import { run, runChecked } from "../platform/run.ts";
import { BUSYBOX_IMAGE, NGINX_IMAGE, ensureTestImages } from "../platform/test-images.ts";
import { makeTempDir } from "./git-fixtures.ts";
import { startRemoteHost, type RemoteHost } from "./remote-host.ts";
import { projectContainers, startExampleEnvironment, type ComposeCommand, type ExampleEnvironment } from "./up-example.ts";

const USER = "dusty-ssh";
let host: RemoteHost;
let agent: Subprocess;
const temp = makeTempDir("dusty-ssh-client-");
const home = join(temp.path, "home");
const agentSocket = join(temp.path, "agent.sock");
const emptyAgentSocket = join(temp.path, "empty-agent.sock");
let emptyAgent: Subprocess;

beforeAll(async () => {
  await ensureTestImages();
  host = await startRemoteHost({ user: USER });
  for (const image of [BUSYBOX_IMAGE, NGINX_IMAGE]) await host.loadImage(image);
  mkdirSync(join(home, ".ssh"), { recursive: true, mode: 0o700 });
  writeFileSync(join(home, ".ssh", "known_hosts"), `${host.address} ${host.hostKeyLine}\n`);
  // The client's agents: one holding the key the host accepts, one holding nothing.
  agent = Bun.spawn(["ssh-agent", "-D", "-a", agentSocket], { stdio: ["ignore", "ignore", "ignore"] });
  emptyAgent = Bun.spawn(["ssh-agent", "-D", "-a", emptyAgentSocket], { stdio: ["ignore", "ignore", "ignore"] });
  while (!existsSync(agentSocket) || !existsSync(emptyAgentSocket)) await Bun.sleep(50);
  await runChecked(["ssh-add", host.keyPath], { env: { SSH_AUTH_SOCK: agentSocket } });
}, 180_000);
afterAll(async () => {
  for (const child of [agent, emptyAgent]) child?.kill();
  await host?.stop();
  temp.remove();
});

/** The client's environment: DOCKER_HOST=ssh://…, its HOME (known_hosts) and its agent, unless told otherwise. */
function client(extra: Record<string, string> = {}): Record<string, string> {
  return { HOME: home, DOCKER_CONFIG: join(home, ".docker"), DOCKER_HOST: `ssh://${USER}@${host.address}`, DOCKER_CONTEXT: "", SSH_AUTH_SOCK: agentSocket, ...extra };
}

/** Service → running, of the project's containers on the ssh engine. */
async function onSshEngine(project: string): Promise<Record<string, boolean>> {
  const result = await host.docker(["ps", "-a", "--filter", `label=${COMPOSE_PROJECT_LABEL}=${project}`, "--format", '{{.Label "com.docker.compose.service"}}\t{{.State}}']);
  return Object.fromEntries(result.stdout.split("\n").filter(Boolean).map((line) => [line.split("\t")[0], line.split("\t")[1] === "running"]));
}

describe.each(["docker compose", "docker-compose"] as ComposeCommand[])("the native driver on an ssh:// engine (%s)", (compose) => {
  let env: ExampleEnvironment;
  const dusty = (args: string[], extra: Record<string, string> = {}) => env.daemon.run(args, { env: client(extra), timeoutMs: 150_000 });
  const endpoint = () => `ssh://${USER}@${host.address}`;

  beforeAll(async () => {
    env = await startExampleEnvironment({ compose, bundles: ["website"] });
  }, 60_000);
  afterAll(async () => {
    await env?.cleanup();
  });

  // First, while no connection is open: an open one answers without a new login (and so without these checks).
  test("a host key not in the client's known_hosts, or an agent without the key, fails naming the fix and changes nothing", async () => {
    const otherHome = join(temp.path, `home-${compose.replace(" ", "-")}`);
    mkdirSync(join(otherHome, ".ssh"), { recursive: true });
    writeFileSync(join(otherHome, ".ssh", "known_hosts"), "");
    const unknown = await dusty(["up", "--no-pull"], { HOME: otherHome });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(
      `Cannot reach the Docker Engine at ${endpoint()} over ssh: the host's key is not in ${join(otherHome, ".ssh", "known_hosts")} and /etc/ssh/ssh_known_hosts, ` +
        `the only host keys dusty's ssh trusts (it never asks). Check the key's fingerprint and record it by connecting once yourself: \`ssh ${USER}@${host.address}\``,
    );
    expect(unknown.stderr).toContain("No container was touched");
    const noKey = await dusty(["up", "--no-pull"], { SSH_AUTH_SOCK: emptyAgentSocket });
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toContain(
      `Cannot reach the Docker Engine at ${endpoint()} over ssh: the host refused the keys of your SSH agent. ` +
        "dusty's ssh logs in with your agent's keys only, never with root's keys or your ~/.ssh/config: add your key with `ssh-add`",
    );
    const noAgent = await dusty(["status"], { SSH_AUTH_SOCK: "" });
    expect(noAgent.code).toBe(1);
    expect(noAgent.stderr).toContain("the host refused the login: your request carried no SSH agent (SSH_AUTH_SOCK)");
    // A host or user that ssh would read as an option never reaches it.
    for (const dashed of ["ssh://-oProxyCommand=touch@x", `ssh://-oProxyCommand=touch@${host.address}`, "ssh://al@-oProxyCommand=touch"]) {
      const refused = await dusty(["status"], { DOCKER_HOST: dashed });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`Cannot use the Docker Engine at "${dashed}" from your DOCKER_HOST: expected tcp://HOST[:PORT] or ssh://[USER@]HOST[:PORT]`);
    }
    expect(await onSshEngine(env.project)).toEqual({});
    expect(readFileSync(env.hostsFile, "utf8")).not.toContain("local.website.com");
  });

  test("dusty up runs the project on the ssh engine with the client's agent and known_hosts", async () => {
    const logins = host.acceptedLogins();
    const result = await dusty(["up", "--no-pull"]);
    expect(result.stderr).toContain(`The Docker Engine answers at ${endpoint()} (from your DOCKER_HOST)\n`);
    expect(result.stderr).toContain(`The Docker Engine at ${endpoint()} runs on another machine (${host.address} is none of this machine's addresses)`);
    expect(result.code).toBe(0);
    expect(await onSshEngine(env.project)).toEqual({ dustyInternalNginx: true, website: true });
    expect(await projectContainers(env.project)).toEqual({});
    expect(readFileSync(env.hostsFile, "utf8")).toContain(`${host.address} local.website.com\n`);
    const page = await run(["curl", "-s", "-m", "20", "--retry", "20", "--retry-all-errors", "--retry-delay", "1", "-H", "Host: local.website.com", `http://${host.address}:${env.httpPort}/`]);
    expect(page.stdout).toContain("<h1>Hello from the Dusty example website</h1>");
    // One connection carried every docker and compose call of this up.
    expect(host.acceptedLogins() - logins).toBeLessThanOrEqual(1);
  });

  test("dusty status names the ssh engine and shows its containers; stop --rm removes them there", async () => {
    const result = await dusty(["status"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(`Docker Engine: ${endpoint()} (from your DOCKER_HOST)\n`);
    expect(result.stdout).toMatch(/\nwebsite +app +running, up /);
    const stop = await dusty(["stop", "--rm"]);
    expect(stop.code).toBe(0);
    expect(await onSshEngine(env.project)).toEqual({});
  });


});
