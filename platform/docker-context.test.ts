// resolveClientEngine() reads the files the docker CLI itself writes: each case makes them with a real
// `docker context create` / `docker context use` in a test-owned DOCKER_CONFIG, and compares with what
// the CLI says it would use (`docker context inspect`).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "../test/git-fixtures.ts";
import { resolveClientEngine } from "./docker-context.ts";
import { runChecked } from "./run.ts";

const temp = makeTempDir("dusty-docker-context-");
const config = join(temp.path, "docker");
const certs = join(temp.path, "certs");
const base = { DOCKER_CONFIG: config, HOME: temp.path };
const docker = (args: string[]) => runChecked(["docker", ...args], { env: { ...base, DOCKER_HOST: "", DOCKER_CONTEXT: "" } });

beforeAll(async () => {
  mkdirSync(certs);
  // The CLI checks that the files parse: a throwaway self-signed pair (its own CA).
  await runChecked(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=dusty-test", "-keyout", join(certs, "key.pem"), "-out", join(certs, "cert.pem")]);
  writeFileSync(join(certs, "ca.pem"), readFileSync(join(certs, "cert.pem")));
  await docker(["context", "create", "colima", "--docker", "host=unix:///home/al/.colima/default/docker.sock"]);
  await docker(["context", "create", "remote", "--docker", `host=tcp://10.1.2.3:2376,ca=${certs}/ca.pem,cert=${certs}/cert.pem,key=${certs}/key.pem`]);
  await docker(["context", "create", "lax", "--docker", `host=tcp://10.1.2.3:2376,ca=${certs}/ca.pem,skip-tls-verify=true`]);
});
afterAll(() => temp.remove());

async function tlsPathOf(name: string): Promise<string> {
  const [inspected] = JSON.parse((await docker(["context", "inspect", name])).stdout) as [{ Storage: { TLSPath: string } }];
  return join(inspected.Storage.TLSPath, "docker");
}

test("resolveClientEngine() is undefined without DOCKER_HOST, DOCKER_CONTEXT or a current context (the docker CLI's default)", () => {
  expect(resolveClientEngine({ ...base })).toBeUndefined();
  expect(resolveClientEngine({ HOME: join(temp.path, "nobody") })).toBeUndefined();
  expect(resolveClientEngine({})).toBeUndefined();
  expect(resolveClientEngine({ DOCKER_CONTEXT: "colima" })).toEqual({ source: "DOCKER_CONTEXT", context: "colima", problem: "neither DOCKER_CONFIG nor HOME is set, so there is no contexts folder" });
});

test("resolveClientEngine() reads `docker context use`'s currentContext and the context's endpoint", async () => {
  await docker(["context", "use", "colima"]);
  try {
    expect(resolveClientEngine({ ...base })).toEqual({ source: "currentContext", context: "colima", host: "unix:///home/al/.colima/default/docker.sock" });
  } finally {
    await docker(["context", "use", "default"]);
  }
  // `docker context use default` writes no currentContext (or an empty one): the default again.
  expect(resolveClientEngine({ ...base })).toBeUndefined();
});

test("resolveClientEngine(): DOCKER_HOST over DOCKER_CONTEXT over currentContext, as the docker CLI", async () => {
  await docker(["context", "use", "colima"]);
  try {
    expect(resolveClientEngine({ ...base, DOCKER_CONTEXT: "remote" })).toEqual({
      source: "DOCKER_CONTEXT",
      context: "remote",
      host: "tcp://10.1.2.3:2376",
      certPath: await tlsPathOf("remote"),
      tlsVerify: true,
    });
    expect(resolveClientEngine({ ...base, DOCKER_CONTEXT: "remote", DOCKER_HOST: "unix:///run/user/1000/docker.sock" })).toEqual({
      source: "DOCKER_HOST",
      host: "unix:///run/user/1000/docker.sock",
    });
    expect(resolveClientEngine({ ...base, DOCKER_CONTEXT: "default" })).toEqual({ source: "DOCKER_CONTEXT", context: "default" });
  } finally {
    await docker(["context", "use", "default"]);
  }
});

test("resolveClientEngine() takes DOCKER_TLS_VERIFY with DOCKER_CERT_PATH, else the config folder, as the docker CLI", () => {
  expect(resolveClientEngine({ ...base, DOCKER_HOST: "tcp://10.0.0.9:2376", DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: certs })).toEqual({
    source: "DOCKER_HOST",
    host: "tcp://10.0.0.9:2376",
    certPath: certs,
    tlsVerify: true,
  });
  expect(resolveClientEngine({ ...base, DOCKER_HOST: "tcp://10.0.0.9:2376", DOCKER_TLS_VERIFY: "1" })).toMatchObject({ certPath: config, tlsVerify: true });
});

test("resolveClientEngine(): a context with skip-tls-verify has its TLS folder and no verification", async () => {
  expect(resolveClientEngine({ ...base, DOCKER_CONTEXT: "lax" })).toEqual({ source: "DOCKER_CONTEXT", context: "lax", host: "tcp://10.1.2.3:2376", certPath: await tlsPathOf("lax"), tlsVerify: false });
});

test("resolveClientEngine() says why a named context cannot be used instead of falling back to the default engine", async () => {
  expect(resolveClientEngine({ ...base, DOCKER_CONTEXT: "nosuch" })).toEqual({ source: "DOCKER_CONTEXT", context: "nosuch", problem: `no such context in ${join(config, "contexts")}` });
  const other = join(temp.path, "broken");
  mkdirSync(other);
  writeFileSync(join(other, "config.json"), '{"currentContext": "gone"}');
  expect(resolveClientEngine({ DOCKER_CONFIG: other })).toEqual({ source: "currentContext", context: "gone", problem: `no such context in ${join(other, "contexts")}` });
  // A config.json that is not JSON: the docker CLI warns and uses its default, and so does dusty.
  writeFileSync(join(other, "config.json"), "{ not json");
  expect(resolveClientEngine({ DOCKER_CONFIG: other })).toBeUndefined();
});

test("resolveClientEngine() sends the user's ~/.ssh/known_hosts with an ssh:// endpoint only", () => {
  const home = "/home/al";
  expect(resolveClientEngine({ HOME: home, DOCKER_HOST: "ssh://al@build-box" })).toEqual({ source: "DOCKER_HOST", host: "ssh://al@build-box", knownHostsFile: "/home/al/.ssh/known_hosts" });
  expect(resolveClientEngine({ HOME: home, DOCKER_HOST: "tcp://10.0.0.9:2375" })).toEqual({ source: "DOCKER_HOST", host: "tcp://10.0.0.9:2375" });
  expect(resolveClientEngine({ DOCKER_HOST: "ssh://al@build-box" })).toEqual({ source: "DOCKER_HOST", host: "ssh://al@build-box" });
});
