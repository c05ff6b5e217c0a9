// The native driver on a tcp:// engine with --tlsverify: a dockerd in a namespace of its own (test/remote-host.ts)
// listens on tcp://<its address>:2376 with certificates made here by openssl. The client reaches it by
// DOCKER_HOST + DOCKER_TLS_VERIFY + DOCKER_CERT_PATH, and by a context that the real `docker context create`
// made with its TLS material. The engine is on another address than this machine's, so its containers
// publish there: dusty says so, points the host names at it, and the site answers through it. A wrong CA
// fails naming the engine and changes nothing. Under compose v2 and v1 (whose Python requests would take a
// REQUESTS_CA_BUNDLE of the daemon's over the client's ca.pem).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { COMPOSE_PROJECT_LABEL } from "../platform/docker.ts";
import { run, runChecked } from "../platform/run.ts";
import { BUSYBOX_IMAGE, NGINX_IMAGE, ensureTestImages } from "../platform/test-images.ts";
import { makeTempDir } from "./git-fixtures.ts";
import { startRemoteHost, type RemoteHost } from "./remote-host.ts";
import { makeCertificateAuthority } from "./tls-certs.ts";
import { projectContainers, startExampleEnvironment, type ComposeCommand, type ExampleEnvironment } from "./up-example.ts";

let host: RemoteHost;
let tls: NonNullable<RemoteHost["tls"]>;
const temp = makeTempDir("dusty-tls-client-");
const dockerConfig = join(temp.path, "docker-config");
/** The client's certificate and key, with a CA that did not sign the engine's certificate. */
const wrongCaDir = join(temp.path, "wrong-ca");

beforeAll(async () => {
  await ensureTestImages();
  host = await startRemoteHost({ dockerTls: true });
  tls = host.tls!;
  for (const image of [BUSYBOX_IMAGE, NGINX_IMAGE]) await host.loadImage(image);
  const ca = await makeCertificateAuthority(join(temp.path, "other-ca"), "not the engine's CA");
  cpSync(tls.clientDir, wrongCaDir, { recursive: true });
  cpSync(ca.cert, join(wrongCaDir, "ca.pem"));
  // The user's own docker CLI makes the context and copies the TLS material into it.
  const asUser = { env: { DOCKER_CONFIG: dockerConfig, DOCKER_HOST: "", DOCKER_CONTEXT: "", DOCKER_TLS_VERIFY: "", DOCKER_CERT_PATH: "" } };
  const material = ["ca", "cert", "key"].map((name) => `${name}=${join(tls.clientDir, `${name}.pem`)}`).join(",");
  await runChecked(["docker", "context", "create", "tls-box", "--docker", `host=${tls.endpoint},${material}`], asUser);
}, 180_000);
afterAll(async () => {
  await host?.stop();
  temp.remove();
});

/** The client's environment: DOCKER_HOST with TLS, unless the test says otherwise. */
function viaDockerHost(certPath = tls.clientDir): Record<string, string> {
  return { DOCKER_CONFIG: dockerConfig, DOCKER_HOST: tls.endpoint, DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: certPath, DOCKER_CONTEXT: "" };
}

/** The files under `roots` (links not followed) whose text holds `needle`. */
function filesContaining(roots: string[], needle: string): string[] {
  const found: string[] = [];
  const walk = (path: string) => {
    const info = lstatSync(path, { throwIfNoEntry: false });
    if (info?.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
    else if (info?.isFile() && info.size < 10_000_000 && readFileSync(path).includes(needle)) found.push(path);
  };
  for (const root of roots) walk(root);
  return found;
}

/** Service → running, of the project's containers on the TLS engine. */
async function onTlsEngine(project: string): Promise<Record<string, boolean>> {
  const result = await host.docker(["ps", "-a", "--filter", `label=${COMPOSE_PROJECT_LABEL}=${project}`, "--format", '{{.Label "com.docker.compose.service"}}\t{{.State}}']);
  return Object.fromEntries(result.stdout.split("\n").filter(Boolean).map((line) => [line.split("\t")[0], line.split("\t")[1] === "running"]));
}

describe.each(["docker compose", "docker-compose"] as ComposeCommand[])("the native driver on a tcp:// engine with TLS (%s)", (compose) => {
  let env: ExampleEnvironment;
  const dusty = (args: string[], clientEnv: Record<string, string>) => env.daemon.run(args, { env: clientEnv, timeoutMs: 150_000 });

  beforeAll(async () => {
    // A daemon whose environment names a CA bundle for Python's requests (as this machine's does): compose
    // v1 must still verify the engine with the client's ca.pem.
    env = await startExampleEnvironment({ compose, bundles: ["website"], daemonEnv: { REQUESTS_CA_BUNDLE: "/etc/ssl/certs/ca-certificates.crt" } });
  }, 60_000);
  afterAll(async () => {
    await env?.cleanup(); // the default engine: nothing should be there
  });

  test("dusty up with DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH runs the project on that engine, and says it is elsewhere", async () => {
    const result = await dusty(["up", "--no-pull"], viaDockerHost());
    expect(result.stderr).toContain(`The Docker Engine answers at ${tls.endpoint} (from your DOCKER_HOST)\n`);
    expect(result.stderr).toContain(
      `The Docker Engine at ${tls.endpoint} runs on another machine (${host.address} is none of this machine's addresses): ` +
        `its containers publish their ports on ${host.address}, so the host names point there`,
    );
    expect(result.code).toBe(0);
    expect(await onTlsEngine(env.project)).toEqual({ dustyInternalNginx: true, website: true });
    expect(await projectContainers(env.project)).toEqual({});
    // The names point at the engine's machine, where nginx publishes: the site answers from here.
    expect(readFileSync(env.hostsFile, "utf8")).toContain(`${host.address} local.website.com\n`);
    const page = await run(["curl", "-s", "-m", "20", "--retry", "20", "--retry-all-errors", "--retry-delay", "1", "-H", "Host: local.website.com", `http://${host.address}:${env.httpPort}/`]);
    expect(page.stdout).toContain("<h1>Hello from the Dusty example website</h1>");
    // The client's key went to docker and compose as a folder path only: no copy of it in dusty's folders.
    const keyLine = readFileSync(join(tls.clientDir, "key.pem"), "utf8").split("\n")[1]!;
    expect(filesContaining([env.daemon.dir, env.configDir, env.persistDir], keyLine)).toEqual([]);
  });

  test("dusty status and dump name the TLS engine, doctor skips the ports of its machine; a context with TLS material reaches the same one", async () => {
    const status = await dusty(["status"], viaDockerHost());
    expect(status.code).toBe(0);
    expect(status.stderr).toBe(`Docker Engine: ${tls.endpoint} (from your DOCKER_HOST)\n`);
    expect(status.stdout).toMatch(/\nwebsite +app +running, up /);
    const dump = await dusty(["dump"], viaDockerHost());
    expect(dump.stdout).toContain(`COMMAND: Docker Engine\nOUTPUT:\n${tls.endpoint} (from your DOCKER_HOST)\n\n`);
    expect(dump.stdout).toMatch(/COMMAND: docker version\nOUTPUT:\n[^]*Server:/);
    const doctor = await dusty(["doctor"], viaDockerHost());
    expect(doctor.stdout).toContain(`SKIP ports: the Docker Engine runs on another machine (${host.address}), where its containers publish; only docker reaches it, so its ports are not checked\n`);
    expect(doctor.stdout).not.toContain("bind address");
    expect(doctor.code).toBe(0);
    const viaContext = await dusty(["status", "--json"], { DOCKER_CONFIG: dockerConfig, DOCKER_HOST: "", DOCKER_CONTEXT: "tls-box" });
    const json = JSON.parse(viaContext.stdout);
    expect(json.engine).toEqual({ endpoint: tls.endpoint, source: 'your Docker context "tls-box" (DOCKER_CONTEXT)' });
    expect(json.rows.find((row: { name: string }) => row.name === "website").state).toBe("running");
    const again = await dusty(["up", "--no-pull"], { DOCKER_CONFIG: dockerConfig, DOCKER_HOST: "", DOCKER_CONTEXT: "tls-box" });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`The Docker Engine answers at ${tls.endpoint} (from your Docker context "tls-box" (DOCKER_CONTEXT))\n`);
  });

  test("a CA that did not sign the engine's certificate fails naming the engine and the fix, and changes nothing", async () => {
    const hostsBefore = readFileSync(env.hostsFile, "utf8");
    const result = await dusty(["up", "--no-pull"], viaDockerHost(wrongCaDir));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Cannot reach the Docker Engine at ${tls.endpoint} (from your DOCKER_HOST): `);
    expect(result.stderr).toContain("certificate signed by unknown authority");
    expect(result.stderr).toContain(`Check the TLS material in "${wrongCaDir}" (ca.pem, cert.pem, key.pem)`);
    expect(await onTlsEngine(env.project)).toEqual({ dustyInternalNginx: true, website: true });
    expect(readFileSync(env.hostsFile, "utf8")).toBe(hostsBefore);
    const stop = await dusty(["stop", "--rm"], viaDockerHost());
    expect(stop.code).toBe(0);
    expect(await onTlsEngine(env.project)).toEqual({});
  });
});

