// `dusty logs`, `shell` and `scripts` end to end: a real daemon, real containers on the Docker Engine,
// the real client running docker on its side.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startContainersEnv, type ContainersEnv } from "./containers-env.ts";
import { dustyArgv } from "./harness.ts";

const SPECS = {
  "apps/app_one.yml": [
    "image: dusty-example/busybox:latest",
    "commands:",
    "  always:",
    "    - echo log-line-1",
    "    - echo log-line-2",
    "    - echo log-line-3",
    "    - exec sleep 3600",
    "scripts:",
    "  - name: show_args",
    "    description: Print each argument in brackets",
    "    command:",
    "      - echo first-line-gets-no-args",
    "      - printf '[%s]\\n'",
    "  - name: fail",
    "    description: Exit with code 7",
    "    command:",
    "      - exit 7",
    "",
  ].join("\n"),
  "apps/app_two.yml": "image: dusty-example/busybox:latest\ncommands:\n  always:\n    - exec sleep 3600\n",
  "apps/idle.yml": [
    "image: dusty-example/busybox:latest",
    "commands:",
    "  always:",
    "    - exec sleep 3600",
    "scripts:",
    "  - name: hello",
    "    command:",
    "      - echo hello",
    "",
  ].join("\n"),
  "bundles/main.yml": "apps:\n  - app_one\n  - app_two\n",
  "bundles/other.yml": "apps:\n  - idle\n",
};

let env: ContainersEnv;
beforeAll(async () => {
  env = await startContainersEnv({ specs: SPECS, bundles: ["main"] });
  // The last log line is written just before `exec sleep`: wait for it, so the logs tests see all three.
  for (let i = 0; i < 100 && !(await env.run(["logs", "app_one"])).stdout.includes("log-line-3"); i++) await Bun.sleep(50);
}, 120_000);
afterAll(() => env?.stop(), 60_000);

describe("dusty logs", () => {
  test("logs NAME prints the container's output, for a name with an underscore", async () => {
    const result = await env.run(["logs", "app_one"]);
    expect(result.stdout).toBe("log-line-1\nlog-line-2\nlog-line-3\n");
    expect(result.code).toBe(0);
  });

  test("logs --tail=N prints only the last N lines", async () => {
    const result = await env.run(["logs", "--tail=1", "app_one"]);
    expect(result.stdout).toBe("log-line-3\n");
    expect(result.code).toBe(0);
  });

  test("logs -t starts every line with a timestamp", async () => {
    const result = await env.run(["logs", "-t", "--tail=2", "app_one"]);
    expect(result.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z log-line-2\n\d{4}-\d\d-\d\dT\S+ log-line-3\n$/);
  });

  test("logs of a name the specs do not know says so and exits 1", async () => {
    const result = await env.run(["logs", "app_three"]);
    expect(result.stderr).toContain("No app or service found named app_three in your specs");
    expect(result.code).toBe(1);
  });

  test("logs of an app without a container says how to start it and exits 1", async () => {
    const result = await env.run(["logs", "idle"]);
    expect(result.stderr).toContain("No container exists which corresponds to idle: start it with `dusty up`");
    expect(result.code).toBe(1);
  });

  test("logs -f follows until dusty gets SIGINT, which it passes on to docker", async () => {
    const child = Bun.spawn(dustyArgv(["logs", "-f", "--tail=1", "app_one"]), {
      env: { ...process.env, ...env.daemon.env },
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    try {
      const reader = child.stdout.getReader();
      let seen = "";
      while (!seen.includes("log-line-3\n")) {
        const chunk = await reader.read();
        if (chunk.done) break;
        seen += new TextDecoder().decode(chunk.value);
      }
      expect(seen).toBe("log-line-3\n");
      expect(child.exitCode).toBeNull(); // still following
      child.kill("SIGINT"); // to the client only, as `kill -INT <pid>` would
      expect(await child.exited).toBe(130);
      expect(child.signalCode).toBeNull(); // dusty exited by itself, with docker's code
    } finally {
      clearTimeout(timer);
    }
  });

  test("logs --tail with a word is refused in the client", async () => {
    const result = await env.run(["logs", "--tail=lots", "app_one"]);
    expect(result.stderr).toContain('Invalid value for --tail: "lots"');
    expect(result.code).toBe(1);
  });
});

describe("dusty shell", () => {
  test("shell runs piped commands in the container and passes their exit code through", async () => {
    const result = await env.run(["shell", "app_one"], { stdin: "tty; echo hi; echo $((6*7)); exit 3\n" });
    expect(result.stdout).toBe("not a tty\nhi\n42\n");
    expect(result.code).toBe(3);
  });

  test("shell runs in the container of the named app", async () => {
    const id = await env.containerId("app_two");
    const result = await env.run(["shell", "app_two"], { stdin: "hostname\n" });
    expect(id.startsWith(result.stdout.trim())).toBe(true);
    expect(result.code).toBe(0);
  });

  test.skipIf(!Bun.which("script"))("shell on a terminal gets a TTY in the container and passes the exit code through", async () => {
    // util-linux `script` gives the client a pseudo-terminal as stdin and stdout, as a user's terminal would.
    const quoted = ["env", ...Object.entries(env.daemon.env).map(([k, v]) => `${k}=${v}`), ...dustyArgv(["shell", "app_one"])];
    const command = quoted.map((arg) => `'${arg.replaceAll("'", `'\\''`)}'`).join(" ");
    const child = Bun.spawn(["script", "--quiet", "--return", "--command", command, "/dev/null"], {
      stdin: new TextEncoder().encode("tty; exit 5\n"),
      stdout: "pipe",
      stderr: "pipe",
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    try {
      const stdout = await new Response(child.stdout).text();
      expect(stdout).toMatch(/\/dev\/pts\/\d+\r?\n/);
      expect(await child.exited).toBe(5);
    } finally {
      clearTimeout(timer);
    }
  });

  test("shell of an app that is not running exits 1 with a message", async () => {
    const result = await env.run(["shell", "idle"], { stdin: "echo never\n" });
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("No running container found for idle: start it with `dusty up`");
    expect(result.code).toBe(1);
  });
});

describe("dusty exec", () => {
  test("exec runs one command in the container and passes its exit code through", async () => {
    const result = await env.run(["exec", "app_one", "--", "sh", "-c", "echo out; echo err >&2; exit 4"]);
    expect(result.stdout).toBe("out\n");
    expect(result.stderr).toBe("err\n");
    expect(result.code).toBe(4);
  });

  test("exec hands the command its own flags, -h included, and reads piped input without a terminal", async () => {
    const flags = await env.run(["exec", "app_two", "--", "printf", "[%s]", "-h", "--rm"]);
    expect(flags).toEqual({ code: 0, stdout: "[-h][--rm]", stderr: "" });
    const piped = await env.run(["exec", "-T", "app_two", "--", "sh", "-c", "tty; cat"], { stdin: "piped\n" });
    expect(piped.stdout).toBe("not a tty\npiped\n");
    expect(piped.code).toBe(0);
  });

  test.skipIf(!Bun.which("script"))("exec -T on a terminal gives the command no TTY; without it, a TTY", async () => {
    const runOnTerminal = async (args: string[]) => {
      const quoted = ["env", ...Object.entries(env.daemon.env).map(([k, v]) => `${k}=${v}`), ...dustyArgv(args)];
      const command = quoted.map((arg) => `'${arg.replaceAll("'", `'\\''`)}'`).join(" ");
      const child = Bun.spawn(["script", "--quiet", "--return", "--command", command, "/dev/null"], { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      try {
        return { stdout: await new Response(child.stdout).text(), code: await child.exited };
      } finally {
        clearTimeout(timer);
      }
    };
    expect((await runOnTerminal(["exec", "app_one", "--", "tty"])).stdout).toMatch(/\/dev\/pts\/\d+/);
    const plain = await runOnTerminal(["exec", "-T", "app_one", "--", "sh", "-c", "tty; exit 6"]);
    expect(plain.stdout).toContain("not a tty");
    expect(plain.code).toBe(6);
  });

  test("exec of a misspelt app names the closest one and exits 1", async () => {
    const result = await env.run(["exec", "app_on", "--", "true"]);
    expect(result.stderr).toContain('No app or service found named app_on in your specs (did you mean "app_one"?)');
    expect(result.code).toBe(1);
  });

  test("exec of an app that is not running exits 1 with how to start it", async () => {
    const result = await env.run(["exec", "idle", "--", "true"]);
    expect(result.stderr).toContain("No running container found for idle: start it with `dusty up`");
    expect(result.code).toBe(1);
  });
});

describe("dusty scripts", () => {
  test("scripts APP lists the app's scripts sorted by name", async () => {
    const result = await env.run(["scripts", "app_one"]);
    expect(result.stdout).toBe(
      [
        "Script     Description",
        "---------  -------------------------------",
        "fail       Exit with code 7",
        "show_args  Print each argument in brackets",
        "",
      ].join("\n"),
    );
    expect(result.code).toBe(0);
  });

  test("scripts APP says so when the app has no scripts", async () => {
    const result = await env.run(["scripts", "app_two"]);
    expect(result.stdout).toBe("No scripts registered for app app_two\n");
    expect(result.code).toBe(0);
  });

  test("scripts with an unknown app exits 1 and suggests a close name", async () => {
    const result = await env.run(["scripts", "app_on"]);
    expect(result.stderr).toContain('No app found named app_on in specs (did you mean "app_one"?)');
    expect(result.code).toBe(1);
  });

  test("scripts with an unknown script exits 1 and lists the app's scripts", async () => {
    const result = await env.run(["scripts", "app_one", "nope"]);
    expect(result.stderr).toContain("No script found named nope in specs for app app_one. Its scripts: show_args, fail");
    expect(result.code).toBe(1);
  });

  test("scripts APP SCRIPT ARGS passes every argument, spaces and flags included, to the last line", async () => {
    const result = await env.run(["scripts", "app_one", "show_args", "a b", "-v", "--x=1", "", "it's"]);
    expect(result.stdout).toBe("first-line-gets-no-args\n[a b]\n[-v]\n[--x=1]\n[]\n[it's]\n");
    expect(result.code).toBe(0);
  });

  test("scripts passes the script's exit code through", async () => {
    const result = await env.run(["scripts", "app_one", "fail"]);
    expect(result.code).toBe(7);
  });

  test("scripts of an app whose container is not running exits 1", async () => {
    const result = await env.run(["scripts", "idle", "hello"]);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("No running container found for idle: start it with `dusty up`");
    expect(result.code).toBe(1);
  });
});
