import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { quoteNginxString } from "./nginx-pages.ts";
import { compileNginx } from "./nginx.ts";
import type { PortPlan, PortRoute } from "./ports.ts";

const NGINX = "/usr/sbin/nginx";
const tmp = mkdtempSync(join(tmpdir(), "dusty-nginx-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function route(app: string, hostName: string, hostPort: number, containerPort: number, type: PortRoute["type"] = "http"): PortRoute {
  return { app, hostName, hostPort, containerPort, publishedPort: 65000, type };
}

function planOf(routes: PortRoute[]): PortPlan {
  return { apps: {}, routes, hosts: [] };
}

const RICH = planOf([
  route("web", "local.web.com", 8080, 3000),
  route("api", "local.api.com", 80, 9000),
  route("web", "local.web.com", 80, 3000),
  route("db", "local.api.com", 5432, 5432, "stream"),
  route("api", "local.api.com", 80, 9001), // a duplicate pair: validation reports it, the first one wins
]);

describe("compileNginx()", () => {
  test("compileNginx() emits one server block per host name and port, plus a default server per port", () => {
    const conf = compileNginx(RICH, { resolver: "127.0.0.11" });
    const servers = [...conf.matchAll(/listen (\S+)( default_server)?;\n(?:\s+server_name (\S+);)?/g)].map((m) => `${m[1]}${m[2] ?? ""} ${m[3] ?? ""}`.trim());
    expect(servers).toEqual([
      "80 default_server",
      "80 local.api.com",
      "80 local.web.com",
      "8080 default_server",
      "8080 local.web.com",
      "5432",
    ]);
    expect(conf).toContain("set $dusty_upstream api:9000;\n      proxy_pass http://$dusty_upstream;");
    expect(conf).not.toContain("api:9001");
    expect(conf).toContain("stream {\n  resolver 127.0.0.11 valid=10s ipv6=off;\n\n  server {\n    listen 5432;\n    set $dusty_upstream db:5432;\n    proxy_pass $dusty_upstream;\n  }\n}\n");
  });

  test("compileNginx() keeps the original's proxy headers", () => {
    const conf = compileNginx(RICH);
    for (const line of [
      "proxy_http_version 1.1;",
      "proxy_set_header Upgrade $http_upgrade;",
      'proxy_set_header Connection "upgrade";',
      "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
      "proxy_set_header Host $http_host;",
      "client_max_body_size 500M;",
    ]) {
      expect(conf).toContain(line);
    }
  });

  test("compileNginx() has no stream block without stream routes, and no servers without routes", () => {
    const conf = compileNginx(planOf([]), { resolver: "10.0.0.2" });
    expect(conf).not.toContain("stream {");
    expect(conf).not.toContain("server {");
    expect(conf).toContain("resolver 10.0.0.2 valid=10s ipv6=off;");
    expect(conf.endsWith("}\n")).toBe(true);
  });

  test("compileNginx() is deterministic whatever the route order", () => {
    const reversed = planOf([...RICH.routes].reverse().filter((r) => r.containerPort !== 9001));
    const forward = planOf(RICH.routes.filter((r) => r.containerPort !== 9001));
    expect(compileNginx(reversed)).toBe(compileNginx(forward));
  });

  test.skipIf(!existsSync(NGINX))("compileNginx() output passes `nginx -t`", () => {
    const file = join(tmp, "syntax.conf");
    writeFileSync(file, compileNginx(RICH));
    // stdout to /dev/null: nginx opens /dev/stdout for its access log, which fails on bun's socket pipes.
    const result = Bun.spawnSync([NGINX, "-t", "-e", "stderr", "-c", file], { stdout: "ignore" });
    expect(result.stderr.toString()).toContain("test is successful");
    expect(result.exitCode).toBe(0);
  });

  test.skipIf(!existsSync(NGINX))("compileNginx() output proxies by host name, answers 404 for others and 502 when the app is down", async () => {
    const [port = 0, downPort = 0] = await freePorts(2);
    const backend = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: (req) => new Response(`host=${req.headers.get("host")} xff=${req.headers.get("x-forwarded-for")}`),
    });
    // An IP as the "app" needs no DNS, so the real proxy path runs outside docker.
    const conf = compileNginx(planOf([route("127.0.0.1", "up.local", port, backend.port ?? 0), route("127.0.0.1", "down.local", port, downPort)]))
      .replaceAll(`listen ${port}`, `listen 127.0.0.1:${port}`)
      .replace("pid /tmp/nginx.pid;", `pid ${tmp}/nginx.pid;`)
      .replaceAll("/tmp/nginx_", `${tmp}/nginx_`);
    const file = join(tmp, "run.conf");
    writeFileSync(file, conf);
    const nginx = Bun.spawn([NGINX, "-e", "stderr", "-c", file, "-g", "daemon off;"], { stdout: "ignore", stderr: "pipe" });
    try {
      const get = (host: string, accept = "*/*") => fetchWhenUp(`http://127.0.0.1:${port}/`, host, accept);
      const up = await get("up.local");
      expect(await up.text()).toBe(`host=up.local xff=127.0.0.1`);
      const other = await get("other.local");
      expect(other.status).toBe(404);
      expect(await other.text()).toBe(`dusty: no app is forwarded to this host name on port ${port}\n`);
      const down = await get("down.local");
      expect(down.status).toBe(502);
      expect(down.headers.get("content-type")).toBe("text/plain");
      expect(await down.text()).toBe(`dusty: app 127.0.0.1 is not answering on port ${downPort}: see \`dusty status\` and \`dusty logs 127.0.0.1\`\n`);
      // A browser's Accept header: the HTML page, naming the app, what nginx can tell and the command to see the logs.
      const browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
      const downPage = await get("down.local", browser);
      expect(downPage.status).toBe(502);
      expect(downPage.headers.get("content-type")).toBe("text/html");
      const html = await downPage.text();
      expect(html).toStartWith("<!doctype html>\n");
      expect(html).toContain("<title>dusty: 127.0.0.1 is not answering</title>");
      expect(html).toContain(`to the app <b>127.0.0.1</b>, port ${downPort} of its container, but nothing answers there`);
      expect(html).toContain("<code>dusty logs 127.0.0.1</code>");
      const otherPage = await get("other.local", browser);
      expect(otherPage.status).toBe(404);
      expect(otherPage.headers.get("content-type")).toBe("text/html");
      expect(await otherPage.text()).toContain(`No active app of dusty is forwarded to this host name on port ${port}.`);
      expect(other.headers.get("content-type")).toBe("text/plain");
    } finally {
      nginx.kill();
      await nginx.exited;
      backend.stop(true);
    }
  });
});

/** Ports nothing listens on right now. */
async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  const ports = await Promise.all(
    servers.map((s) => new Promise<number>((resolve) => s.listen(0, "127.0.0.1", () => resolve((s.address() as { port: number }).port)))),
  );
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/** Fetches once nginx listens: connection refused means it has not bound the port yet. */
async function fetchWhenUp(url: string, host: string, accept: string): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetch(url, { headers: { host, accept } });
    } catch (error) {
      if (attempt > 200) throw error;
      await Bun.sleep(10);
    }
  }
}

test("compileNginx() refuses a host name, app name or resolver that is not a plain token, so nothing becomes a directive", () => {
  expect(() => compileNginx(planOf([route("web", "a; } server { listen 81; } #", 80, 80)]))).toThrow(/^Cannot write nginx.conf: the host name "a; } server/);
  expect(() => compileNginx(planOf([route("web;x", "a.local", 80, 80)]))).toThrow(/the app name "web;x"/);
  expect(() => compileNginx(planOf([route("web", "a.local", 80, 80.5)]))).toThrow(/the port "80.5"/);
  expect(() => compileNginx(planOf([]), { resolver: "1.1.1.1; include /etc/passwd" })).toThrow(/the resolver/);
});

test.skipIf(!existsSync(NGINX))("compileNginx() output passes `nginx -t` with host names of the longest DNS length", () => {
  const longest = ["a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(61)].join(".");
  const file = join(tmp, "long-names.conf");
  writeFileSync(file, compileNginx(planOf([route("web", longest, 8080, 80), route("web", "x.local", 8080, 80), route("api", `${"e".repeat(63)}.local`, 8081, 80)])));
  const result = Bun.spawnSync([NGINX, "-t", "-e", "stderr", "-c", file], { stdout: "ignore" });
  expect(result.stderr.toString()).toContain("test is successful");
  expect(result.exitCode).toBe(0);
});

test("quoteNginxString() escapes quotes, backslashes and newlines, and refuses a $ nginx would expand", () => {
  expect(quoteNginxString('a "b" \\ c\n')).toBe('"a \\"b\\" \\\\ c\\n"');
  expect(() => quoteNginxString("costs $5")).toThrow(/holds "\$"/);
});
