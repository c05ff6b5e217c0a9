// A runnable environment for the `up` benchmark: N busybox apps (default 20), each with its own code
// repo and an http forwarding through nginx, plus one service, in one bundle. Deterministic; the shape
// startTestEnvironment() (test/up-example.ts) takes. `{HTTP_PORT}` is filled in with a free port there.
import { BUSYBOX_IMAGE } from "../platform/test-images.ts";

/** Spec files, code repos by URL, and the bundle to activate. */
export interface GeneratedEnvironment {
  specFiles: Record<string, string>;
  repos: Record<string, Record<string, string>>;
  bundles: string[];
}

/** `count` apps named app01…, each serving its repo's index.html with busybox httpd. */
export function generateEnvironment(count = 20): GeneratedEnvironment {
  const pad = (n: number) => String(n).padStart(2, "0");
  const specFiles: Record<string, string> = {
    "services/queue.yml": `image: ${BUSYBOX_IMAGE}\ncommand: sh -c 'while true; do echo ok | nc -l -p 7000; done'\ninit: true\n`,
  };
  const repos: Record<string, Record<string, string>> = {};
  const apps: string[] = [];
  for (let i = 1; i <= count; i++) {
    const name = `app${pad(i)}`;
    apps.push(name);
    const url = `/srv/dusty-bench/${name}`;
    repos[url] = { "public/index.html": `<h1>${name}</h1>\n`, "README.md": `The code of ${name}.\n` };
    specFiles[`apps/${name}.yml`] = [
      `repo: ${url}`,
      `mount: /srv/${name}`,
      `image: ${BUSYBOX_IMAGE}`,
      // Every third app depends on the service, so compose starts things in a real order.
      ...(i % 3 === 0 ? ["depends:", "  services:", "    - queue"] : []),
      "host_forwarding:",
      `  - host_name: ${name}.bench.local`,
      "    host_port: {HTTP_PORT}",
      "    container_port: 8000",
      "commands:",
      "  once:",
      `    - echo first start of ${name}`,
      "  always:",
      `    - httpd -f -p 8000 -h /srv/${name}/public`,
      "",
    ].join("\n");
  }
  specFiles["bundles/all.yml"] = `description: ${count} busybox apps and a service\napps:\n${apps.map((a) => `  - ${a}\n`).join("")}`;
  return { specFiles, repos, bundles: ["all"] };
}
