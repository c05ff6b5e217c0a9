/**
 * `dusty test` on the ssh Docker host (test/remote-env.ts), under compose v1 and v2: the repo's code is
 * synced there, the test image is built and cached on the remote engine (nothing built or run on this
 * machine's engine), a passing and a failing suite give their exit codes, and --recreate builds anew.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../platform/run.ts";
import { TEST_NAME_LABEL } from "../platform/test-runs.ts";
import { makeGitRepo } from "./git-fixtures.ts";
import { HAS_COMPOSE_V2, startRemoteEnv, type ComposeChoice, type RemoteEnv } from "./remote-env.ts";

const APP = `trremote${crypto.randomUUID().slice(0, 6)}`;
/** An app whose test base image is built (test.build) from a folder of its repo. */
const BUILT = `${APP}built`;

function specsFor(repoUrl: string): Record<string, string> {
  return {
    "bundles/main.yml": `apps: [${APP}]\n`,
    [`apps/${BUILT}.yml`]: `image: dusty-example/busybox:latest
repo: ${repoUrl}
mount: /web
test:
  build: image
  suites:
    - name: show
      command: ["cat /built.txt"]
`,
    [`apps/${APP}.yml`]: `image: dusty-example/busybox:latest
repo: ${repoUrl}
mount: /web
test:
  image: dusty-example/busybox:latest
  once:
    - cp /web/version.txt /baked-version.txt
  suites:
    - name: pass
      description: Shows the baked and the mounted code
      command: ["echo baked=$(cat /baked-version.txt) mounted=$(cat /web/version.txt)"]
    - name: fail
      description: Fails on purpose
      command: ["echo failing on purpose", "exit 3"]
`,
  };
}

for (const compose of ["docker-compose", "docker compose"] as ComposeChoice[]) {
  describe.skipIf(compose === "docker compose" && !HAS_COMPOSE_V2)(`dusty test on the ssh Docker host with ${compose}`, () => {
    let env: RemoteEnv;
    let local: string;
    let code: ReturnType<typeof makeGitRepo>;
    beforeAll(async () => {
      local = mkdtempSync(join(tmpdir(), "dusty-remote-test-"));
      code = makeGitRepo(join(local, "web"), {
        "version.txt": "v1\n",
        "image/Dockerfile": "FROM dusty-example/busybox:latest\nRUN echo built on $(hostname) > /built.txt\n",
      });
      env = await startRemoteEnv({ specs: specsFor(code.url), bundles: ["main"], compose, hide: [local], config: { repo_overrides: {} } });
      // The specs repo's own override, plus the app's code from the local checkout (edits reach the host on each run).
      env.writeConfig({ repo_overrides: { [`file://${env.specsPath}`]: env.specsPath, [code.url]: code.path } });
    }, 240_000);
    afterAll(async () => {
      await env?.stop();
      if (local) rmSync(local, { recursive: true, force: true });
    }, 120_000);

    const localTestThings = async () => {
      const images = await run(["docker", "images", "-q", "--filter", `label=${TEST_NAME_LABEL}=${APP}`]);
      const containers = await run(["docker", "ps", "-aq", "--filter", `label=${TEST_NAME_LABEL}=${APP}`]);
      return `${images.stdout}${containers.stdout}`.trim();
    };
    const remoteImages = async () => (await env.host.docker(["images", "-q", "--filter", `label=${TEST_NAME_LABEL}=${APP}`])).stdout.trim().split("\n").filter(Boolean);

    test("a passing suite builds the image on the remote engine from the synced code and exits 0", async () => {
      const result = await env.run(["test", "--no-pull", APP, "pass"]);
      expect(result.stderr).toContain(`Creating the test image dusty/test_${APP}:`);
      expect(result.stdout).toContain("baked=v1 mounted=v1");
      expect(result.stdout).toContain("TESTS pass PASSED");
      expect(result.code).toBe(0);
      expect(await remoteImages()).toHaveLength(1);
      expect(await localTestThings()).toBe("");
      // The code is on the host, in dusty's folder there.
      const copies = (await env.host.exec(["find", join(env.remotePersistDir, "repos"), "-name", "version.txt"])).stdout.trim().split("\n").filter(Boolean);
      expect(copies).toHaveLength(1);
      expect((await env.host.exec(["cat", copies[0]!])).stdout).toBe("v1\n");
    });

    test("a failing suite's exit code is dusty's, in the cached image", async () => {
      const result = await env.run(["test", "--no-pull", APP, "fail"]);
      expect(result.stderr).toContain(`Using the test image dusty/test_${APP}:`);
      expect(result.stdout).toContain("failing on purpose");
      expect(result.stdout).toContain("TESTS fail FAILED");
      expect(result.code).toBe(3);
      // Nothing of the run stays on the remote engine but the image.
      expect((await env.host.docker(["ps", "-aq", "--filter", `label=${TEST_NAME_LABEL}=${APP}`])).stdout.trim()).toBe("");
    });

    test("a test.build base image is built on the remote engine from the local checkout", async () => {
      const result = await env.run(["test", "--no-pull", BUILT, "show"]);
      expect(result.stdout).toContain("built on");
      expect(result.code).toBe(0);
      const base = `dusty/test_base_${BUILT}:latest`;
      expect((await env.host.docker(["image", "inspect", base])).exitCode).toBe(0);
      expect((await run(["docker", "image", "inspect", base])).exitCode).not.toBe(0);
    });

    test("a local edit reaches the host, and --recreate builds the image anew there", async () => {
      writeFileSync(join(code.path, "version.txt"), "v2\n");
      const edited = await env.run(["test", "--no-pull", APP, "pass"]);
      expect(edited.stdout).toContain("mounted=v2");
      expect(edited.code).toBe(0);
      const recreated = await env.run(["test", "--no-pull", "--recreate", APP, "pass"]);
      expect(recreated.stderr).toContain(`Recreating the test image dusty/test_${APP}:`);
      expect(recreated.stdout).toContain("baked=v2 mounted=v2");
      expect(recreated.code).toBe(0);
      expect(await remoteImages()).toHaveLength(1);
      expect(await localTestThings()).toBe("");
    });
  });
}
