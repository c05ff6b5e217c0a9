import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TEST_CONTAINER_LABEL, TestContainers } from "../test/docker/containers.ts";
import {
  containerIds,
  copyFromContainer,
  copyToContainer,
  danglingImageIds,
  dockerAvailable,
  dockerDiskUsage,
  dockerLogsArgv,
  dockerServerVersion,
  execInContainer,
  imageExists,
  inspectContainers,
  listContainers,
  networkGateway,
  removeContainers,
  restartContainer,
} from "./docker.ts";
import { CommandFailedError, run } from "./run.ts";
import { BUSYBOX_IMAGE, ensureTestImages } from "./test-images.ts";

// One value per run, so parallel runs of this file never see each other's containers.
const OWNER = `docker-test-${process.pid}-${Date.now()}`;
const containers = new TestContainers(OWNER);
let running = "";
let exited = "";
/** Two more, for the removal test. */
let doomed: string[] = [];

beforeAll(async () => {
  await ensureTestImages();
  // Started together: each `docker run` takes a few hundred milliseconds.
  [running, exited, ...doomed] = await Promise.all([
    containers.start({ flags: ["--label", "dusty.role=running", "-p", "127.0.0.1::8080"] }),
    containers.start({ flags: ["--label", "dusty.role=exited"], command: ["sh", "-c", "echo bye; exit 7"] }),
    containers.start({ flags: ["--label", "dusty.role=doomed"] }),
    containers.start({ flags: ["--label", "dusty.role=doomed"], command: ["true"] }),
  ]);
  await run(["docker", "wait", exited]);
});

afterAll(() => containers.removeAll());

test("dockerAvailable() is true and dockerServerVersion() names the engine", async () => {
  expect(await dockerAvailable()).toBe(true);
  expect(await dockerServerVersion()).toMatch(/^\d+\.\d+\.\d+/);
});

test("dockerAvailable() is false when no engine answers", async () => {
  const saved = process.env.DOCKER_HOST;
  process.env.DOCKER_HOST = `unix://${join(tmpdir(), "dusty-no-docker.sock")}`;
  try {
    expect(await dockerAvailable()).toBe(false);
    expect(await dockerServerVersion().catch((e) => e)).toBeInstanceOf(CommandFailedError);
  } finally {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
  }
});

test("imageExists() tells a local image from a missing one", async () => {
  expect(await imageExists(BUSYBOX_IMAGE)).toBe(true);
  expect(await imageExists("dusty-test/no-such-image:never")).toBe(false);
});

test("containerIds() filters by label and includes stopped containers only with all", async () => {
  const mine = { [TEST_CONTAINER_LABEL]: OWNER };
  const role = (name: string) => ({ ...mine, "dusty.role": name });
  expect(await containerIds({ labels: role("running") })).toEqual([running]);
  expect(await containerIds({ labels: role("exited") })).toEqual([]);
  expect((await containerIds({ all: true, labels: mine })).sort()).toEqual([running, exited, ...doomed].sort());
  expect(await containerIds({ all: true, labels: role("exited") })).toEqual([exited]);
  expect(await containerIds({ all: true, labels: { ...mine, "dusty.no-such-label": true } })).toEqual([]);
});

test("inspectContainers() reports name, state, exit code, labels and published ports", async () => {
  const [up, down] = await inspectContainers([running, exited]);
  expect(up).toMatchObject({ id: running, image: BUSYBOX_IMAGE, state: "running", running: true, composeService: undefined });
  expect(up!.labels[TEST_CONTAINER_LABEL]).toBe(OWNER);
  expect(up!.name).not.toStartWith("/");
  expect(up!.ports).toEqual([{ containerPort: "8080/tcp", hostIp: "127.0.0.1", hostPort: expect.any(Number) }]);
  expect(down).toMatchObject({ id: exited, state: "exited", running: false, exitCode: 7, ports: [] });
});

test("inspectContainers() leaves out ids that no longer exist", async () => {
  const gone = "0".repeat(64);
  expect((await inspectContainers([running, gone])).map((c) => c.id)).toEqual([running]);
  expect(await inspectContainers([gone])).toEqual([]);
  expect(await inspectContainers([])).toEqual([]);
});

test("listContainers() finds a container by name", async () => {
  const [info] = await inspectContainers([running]);
  const found = await listContainers({ name: info!.name });
  expect(found.map((c) => c.id)).toEqual([running]);
});

test("execInContainer() runs a program inside and passes input", async () => {
  const result = await execInContainer(running, ["sh", "-c", "cat; echo err >&2; exit 4"], { input: "in\n" });
  expect(result).toMatchObject({ exitCode: 4, stdout: "in\n", stderr: "err\n" });
});

test("copyToContainer() and copyFromContainer() move a file both ways", async () => {
  const dir = mkdtempSync(join(tmpdir(), "dusty-docker-"));
  writeFileSync(join(dir, "in.txt"), "to the container\n");
  await copyToContainer(join(dir, "in.txt"), running, "/tmp/in.txt");
  expect((await execInContainer(running, ["cat", "/tmp/in.txt"])).stdout).toBe("to the container\n");
  await execInContainer(running, ["sh", "-c", "echo from the container > /tmp/out.txt"]);
  await copyFromContainer(running, "/tmp/out.txt", join(dir, "out.txt"));
  expect(readFileSync(join(dir, "out.txt"), "utf8")).toBe("from the container\n");
});

test("dockerLogsArgv() builds a `docker logs` that shows the container's output", async () => {
  expect(dockerLogsArgv("abc", { follow: true, timestamps: true, tail: 5 })).toEqual(["docker", "logs", "--follow", "--timestamps", "--tail=5", "abc"]);
  expect(dockerLogsArgv("abc", { since: "10m" })).toEqual(["docker", "logs", "--since=10m", "abc"]);
  expect((await run(dockerLogsArgv(exited, { tail: 1 }))).stdout).toBe("bye\n");
});

test("restartContainer() starts a stopped container again", async () => {
  await restartContainer(exited);
  await run(["docker", "wait", exited]);
  expect((await run(dockerLogsArgv(exited))).stdout).toBe("bye\nbye\n");
});

test("networkGateway() gives the address containers route to the host through", async () => {
  const gateway = await networkGateway();
  expect(gateway).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  const routes = await execInContainer(running, ["ip", "route"]);
  expect(routes.stdout).toContain(`default via ${gateway} `);
});

test("dockerDiskUsage() lists images, containers, volumes and build cache", async () => {
  const rows = await dockerDiskUsage();
  expect(rows.map((r) => r.type)).toEqual(["Images", "Containers", "Local Volumes", "Build Cache"]);
  expect(rows[0]!.total).toBeGreaterThanOrEqual(1);
  expect(rows[1]!.total).toBeGreaterThanOrEqual(2);
});

test("danglingImageIds() lists only untagged images", async () => {
  const ids = await danglingImageIds();
  const busybox = (await run(["docker", "image", "inspect", "--format", "{{.Id}}", BUSYBOX_IMAGE])).stdout.trim();
  expect(ids).not.toContain(busybox);
  for (const id of ids) expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
});

test("removeContainers() removes running and stopped containers by id", async () => {
  expect(await inspectContainers(doomed)).toHaveLength(2);
  await removeContainers(doomed);
  expect(await inspectContainers(doomed)).toEqual([]);
});
