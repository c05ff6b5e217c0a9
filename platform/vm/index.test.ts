import { expect, test } from "bun:test";
import { UserError } from "../errors.ts";
import { DRIVER_NAMES, selectDriver } from "./index.ts";
import { createRecorder } from "./recorder.ts";

test("selectDriver() returns the driver of each name, with the runner given", async () => {
  const recorder = createRecorder([{ argv: ["boot2docker", "ip"], stdout: "192.168.59.103\n" }]);
  const deps = { persistDir: "/var/lib/dusty", runner: recorder.run, home: "/Users/al", ssh: { dockerHost: "ssh://al@build.example", controlDir: "/run/dusty/ssh" } };
  expect(DRIVER_NAMES.map((name) => selectDriver(name, deps).name)).toEqual(["native", "boot2docker", "docker-machine", "ssh"]);
  expect(await selectDriver("boot2docker", deps).hostAddress()).toBe("192.168.59.103");
  expect(recorder.calls).toEqual([["boot2docker", "ip"]]);
  expect(selectDriver("native", deps).paths().reposDir).toBe("/var/lib/dusty/repos");
  // The ssh driver keeps dusty's folders under its own remote folder; nothing connects until used.
  expect(selectDriver("ssh", { ...deps, ssh: { ...deps.ssh, remotePersistDir: "/srv/dusty" } }).paths().reposDir).toBe("/srv/dusty/repos");
  expect(selectDriver("ssh", deps).paths().reposDir).toBe("/var/lib/dusty/repos");
});

test("selectDriver() needs docker_host for the ssh driver", () => {
  expect(() => selectDriver("ssh", { persistDir: "/x" })).toThrow(
    'Cannot use Docker host driver "ssh": docker_host is not set. Set it with `dusty config set docker_host ssh://USER@HOST`',
  );
});

test("selectDriver() rejects an unknown name with the choices", () => {
  expect(() => selectDriver("hyperkit", { persistDir: "/x" })).toThrow(UserError);
  expect(() => selectDriver("hyperkit", { persistDir: "/x" })).toThrow(
    'Cannot use Docker host driver "hyperkit": unknown. Choose one of native, boot2docker, docker-machine, ssh',
  );
});
