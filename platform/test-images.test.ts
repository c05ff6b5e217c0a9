import { afterAll, beforeAll, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "node:net";
import { fetchWhenReady, TestContainers } from "../test/docker/containers.ts";
import { execInContainer, inspectContainers } from "./docker.ts";
import { run, runChecked } from "./run.ts";
import { BUILD_TEST_IMAGES_SCRIPT, BUSYBOX_IMAGE, ensureTestImages, NGINX_IMAGE, TEST_IMAGES } from "./test-images.ts";

const containers = new TestContainers(`test-images-${process.pid}`);

beforeAll(() => ensureTestImages());
afterAll(() => containers.removeAll());

test("ensureTestImages() leaves images labelled with the hash of their inputs", async () => {
  await ensureTestImages();
  for (const image of TEST_IMAGES) {
    const label = await runChecked(["docker", "image", "inspect", "--format", '{{ index .Config.Labels "dusty.content-hash" }}', image]);
    expect(label.stdout.trim()).toMatch(/^[0-9a-f]{16}$/);
  }
});

test("the build script skips images that are up to date", async () => {
  await runChecked(["bash", BUILD_TEST_IMAGES_SCRIPT]); // brings them up to date if the script changed
  const before = await runChecked(["docker", "image", "inspect", "--format", "{{.Id}}", ...TEST_IMAGES]);
  const result = await runChecked(["bash", BUILD_TEST_IMAGES_SCRIPT]);
  expect(result.stdout).not.toContain("built");
  const after = await runChecked(["docker", "image", "inspect", "--format", "{{.Id}}", ...TEST_IMAGES]);
  expect(after.stdout).toBe(before.stdout);
});

test(`${BUSYBOX_IMAGE} runs sh and the usual applets as root`, async () => {
  const result = await runChecked(["docker", "run", "--rm", "--label", "dusty.test=test-images", BUSYBOX_IMAGE, "sh", "-c", "echo ok; id -u; which httpd nc wget mkfifo tee ip; test -d /tmp && echo tmp"]);
  expect(result.stdout).toBe("ok\n0\n/usr/sbin/httpd\n/usr/bin/nc\n/usr/bin/wget\n/usr/bin/mkfifo\n/usr/bin/tee\n/sbin/ip\ntmp\n");
});

test(`${NGINX_IMAGE} serves http and stream from a mounted config on ports published on 127.0.0.1 only, and has a shell`, async () => {
  const dir = mkdtempSync(join(tmpdir(), "dusty-nginx-"));
  chmodSync(dir, 0o755);
  writeFileSync(
    join(dir, "nginx.conf"),
    [
      "include /etc/nginx/modules-enabled/*.conf;",
      "events {}",
      'http { server { listen 80; location / { return 200 "hello from dusty-test/nginx\\n"; } } }',
      'stream { server { listen 81; return "stream ok\\n"; } }',
      "",
    ].join("\n"),
  );
  const id = await containers.start({
    image: NGINX_IMAGE,
    flags: ["-p", "127.0.0.1::80", "-p", "127.0.0.1::81", "-v", `${dir}:/etc/dusty-test:ro`],
    command: ["nginx", "-c", "/etc/dusty-test/nginx.conf", "-g", "daemon off;"],
  });
  const [info] = await inspectContainers([id]);
  expect(info!.ports.map((p) => p.hostIp)).toEqual(["127.0.0.1", "127.0.0.1"]);
  const http = info!.ports.find((p) => p.containerPort === "80/tcp")!;
  const stream = info!.ports.find((p) => p.containerPort === "81/tcp")!;

  const response = await fetchWhenReady(`http://127.0.0.1:${http.hostPort}/`);
  expect(await response.text()).toBe("hello from dusty-test/nginx\n");
  expect(await readTcp(stream.hostPort)).toBe("stream ok\n");
  // The access log goes to the container's output, like the official image.
  expect((await run(["docker", "logs", id])).stdout).toContain('"GET / HTTP/1.1" 200');
  // Its default config (used without -c) is valid too, and there is a shell for `dusty shell`.
  const check = await execInContainer(id, ["sh", "-c", "nginx -t 2>&1; ls /etc/nginx/modules-enabled"]);
  expect(check.stdout).toContain("configuration file /etc/nginx/nginx.conf test is successful");
  expect(check.stdout).toContain("50-mod-stream.conf");
});

function readTcp(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const socket = connect(port, "127.0.0.1");
    socket.setEncoding("utf8");
    socket.on("data", (chunk) => (text += chunk));
    socket.on("end", () => resolve(text));
    socket.on("error", reject);
  });
}
