// The Docker host's environment (DOCKER_HOST & co. of a VM driver) must reach every docker program these
// functions start. A real `docker` stand-in first on PATH records its argv and DOCKER_* variables, so the
// tests see what the spawned process got, without a VM.
import { afterAll, beforeAll, beforeEach, expect, test } from "bun:test";
import { chmodSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "../test/git-fixtures.ts";
import {
  containerIds,
  copyFromContainer,
  copyToContainer,
  danglingImageIds,
  dockerServerVersion,
  execInContainer,
  localImageId,
  removeContainers,
  removeImage,
  restartContainer,
  type DockerEnv,
} from "./docker.ts";
import { removeTestRun } from "./test-runs.ts";

let temp: ReturnType<typeof makeTempDir>;
let log = "";
let env: DockerEnv = {};

const VM_ENV = {
  DOCKER_HOST: "tcp://192.168.99.101:2376",
  DOCKER_CERT_PATH: "/Users/al/.docker/machine/machines/dusty",
  DOCKER_TLS_VERIFY: "1",
};

beforeAll(() => {
  temp = makeTempDir("dusty-docker-env-");
  log = join(temp.path, "calls.log");
  const script = join(temp.path, "docker");
  // One line per call: the argv, then the DOCKER_* variables it saw, sorted.
  writeFileSync(
    script,
    `#!/bin/sh\n{ printf 'argv:'; printf ' %s' "$@"; printf '\\n'; env | grep '^DOCKER_' | sort; } >> "$FAKE_DOCKER_LOG"\n[ "$1" = version ] && echo 99.0.0-fake\nexit 0\n`,
  );
  chmodSync(script, 0o755);
  env = { ...VM_ENV, PATH: `${temp.path}:${process.env.PATH}`, FAKE_DOCKER_LOG: log };
});
afterAll(() => temp.remove());
beforeEach(() => rmSync(log, { force: true }));

function recorded(): string[] {
  return readFileSync(log, "utf8").trimEnd().split("\n");
}

const SEEN_ENV = ["DOCKER_CERT_PATH=/Users/al/.docker/machine/machines/dusty", "DOCKER_HOST=tcp://192.168.99.101:2376", "DOCKER_TLS_VERIFY=1"];

test("dockerServerVersion() runs docker with the host's DOCKER_HOST, DOCKER_CERT_PATH and DOCKER_TLS_VERIFY", async () => {
  expect(await dockerServerVersion({ env })).toBe("99.0.0-fake");
  expect(recorded()).toEqual(["argv: version --format {{.Server.Version}}", ...SEEN_ENV]);
});

test("containerIds(), removeContainers() and restartContainer() pass the environment to every call", async () => {
  await containerIds({ all: true, labels: { "com.docker.compose.project": "dusty" } }, { env });
  await removeContainers(["c1"], { volumes: true, env });
  await restartContainer("c2", { timeoutSeconds: 1, env });
  expect(recorded()).toEqual([
    "argv: ps --quiet --no-trunc --all --filter label=com.docker.compose.project=dusty",
    ...SEEN_ENV,
    "argv: rm --force --volumes c1",
    ...SEEN_ENV,
    "argv: restart --time 1 c2",
    ...SEEN_ENV,
  ]);
});

test("copyToContainer(), copyFromContainer() and execInContainer() pass the environment to docker", async () => {
  await copyToContainer("/tmp/a", "c1", "/app/a", { env });
  await copyFromContainer("c1", "/app/b", "/tmp/b", { env });
  await execInContainer("c1", ["true"], { env });
  expect(recorded()).toEqual([
    "argv: cp /tmp/a c1:/app/a",
    ...SEEN_ENV,
    "argv: cp c1:/app/b /tmp/b",
    ...SEEN_ENV,
    "argv: exec c1 true",
    ...SEEN_ENV,
  ]);
});

test("danglingImageIds(), removeImage() and the test-run helpers pass the environment to docker", async () => {
  await danglingImageIds({ env });
  await removeImage("img", { env });
  await localImageId("dusty/test_web:abc", { env });
  await removeTestRun("run1", ["dustytest_web"], { env });
  const calls = recorded().filter((line) => line.startsWith("argv:"));
  expect(calls).toEqual([
    "argv: images --quiet --no-trunc --filter dangling=true",
    "argv: rmi img",
    "argv: image inspect --format {{.Id}} dusty/test_web:abc",
    "argv: ps --all --quiet --no-trunc --filter label=dusty.test-run=run1",
    "argv: network ls --quiet --filter label=com.docker.compose.project=dustytest_web",
  ]);
  expect(recorded().filter((line) => line.startsWith("DOCKER_HOST="))).toEqual(Array(5).fill("DOCKER_HOST=tcp://192.168.99.101:2376"));
});

test("without an env, docker sees none of the VM's variables (native: the local engine)", async () => {
  const local = { PATH: env.PATH!, FAKE_DOCKER_LOG: log, DOCKER_HOST: undefined, DOCKER_CERT_PATH: undefined, DOCKER_TLS_VERIFY: undefined };
  // run() merges over process.env: clearing the three keeps a DOCKER_HOST of the test runner out of the check.
  await execInContainer("c1", ["true"], { env: local });
  expect(recorded()).toEqual(["argv: exec c1 true"]);
});
