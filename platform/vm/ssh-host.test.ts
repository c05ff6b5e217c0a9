import { expect, test } from "bun:test";
import { createSshHost } from "./ssh-host.ts";

// Nothing here connects: the driver opens its connection only when used (test/ssh-host.test.ts runs it for real).
const base = { controlDir: "/run/dusty-test-never-made/ssh" };

test("createSshHost() keeps dusty's folders under the remote persist folder, /var/lib/dusty by default", () => {
  expect(createSshHost({ ...base, dockerHost: "ssh://deploy@build.example" }).paths()).toEqual({
    reposDir: "/var/lib/dusty/repos",
    commandFilesDir: "/var/lib/dusty/command_files",
    cpDir: "/var/lib/dusty/cp",
    assetsDir: "/var/lib/dusty/assets",
    nginxDir: "/var/lib/dusty/nginx",
  });
  expect(createSshHost({ ...base, dockerHost: "ssh://deploy@build.example", remotePersistDir: "/srv/dusty/" }).paths().reposDir).toBe("/srv/dusty/repos");
});

test("createSshHost() refuses a remote persist folder that is not a folder of dusty's own", () => {
  for (const dir of ["/", "relative/dusty", "/.."]) {
    expect(() => createSshHost({ ...base, dockerHost: "ssh://deploy@build.example", remotePersistDir: dir })).toThrow("Cannot use");
  }
});

test("hostAddress() is docker_host_address when set, else the host part of docker_host resolved", async () => {
  expect(await createSshHost({ ...base, dockerHost: "ssh://deploy@build.example", hostAddress: "10.1.2.3" }).hostAddress()).toBe("10.1.2.3");
  expect(await createSshHost({ ...base, dockerHost: "ssh://deploy@192.0.2.7:2222" }).hostAddress()).toBe("192.0.2.7");
  // localhost comes from /etc/hosts: no query leaves the machine.
  expect(await createSshHost({ ...base, dockerHost: "ssh://deploy@localhost" }).hostAddress()).toBe("127.0.0.1");
});
