// End-to-end: the real daemon as its own process, the real client binary, and raw sockets for what the
// real client never sends. Each daemon lives in its own temp folder (see test/harness.ts).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { VERSION } from "../cmd/_version.ts";
import { encodeFrame, MAX_REQUEST_BYTES } from "../core/protocol.ts";
import { ROOT, RawClient, clientVersionPattern, dustyArgv, exchangeRaw, runDusty, startDaemon, waitUntil, type DaemonHandle } from "./harness.ts";

const scratch = mkdtempSync(join(tmpdir(), "dusty-daemon-test-"));
let daemon: DaemonHandle;

beforeAll(async () => {
  daemon = await startDaemon({ env: { DUSTY_DEBUG_COMMANDS: "1", DUSTY_IDLE_TIMEOUT_MS: "300" } });
});
afterAll(async () => {
  await daemon?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** Leaves a socket file nobody listens on at `path`, as a process that died does. */
async function leaveSocket(path: string): Promise<void> {
  const child = Bun.spawn([process.execPath, "-e", `Bun.listen({ unix: ${JSON.stringify(path)}, socket: { data() {} } }); process.kill(process.pid, "SIGKILL")`]);
  await child.exited;
  expect(statSync(path).isSocket()).toBe(true);
}

const textOf = (type: string) => (message: { type: string }) => message.type === type;

describe("dusty version", () => {
  test("dusty version prints the client's and the daemon's versions", async () => {
    const result = await daemon.run(["version"]);
    expect(result).toEqual({
      code: 0,
      stdout: expect.stringMatching(new RegExp(`^${clientVersionPattern()}Dusty daemon version: ${VERSION.replaceAll(".", "\\.")}\n$`)),
      stderr: "",
    });
  });

  test("dusty version without a daemon prints one line saying how to start it, and exits 1", async () => {
    const socketPath = join(scratch, "nobody-home.sock");
    const result = await runDusty(["version"], { env: { DUSTY_SOCKET_PATH: socketPath } });
    expect(result).toEqual({
      code: 1,
      stdout: expect.stringMatching(new RegExp(`^${clientVersionPattern()}$`)),
      stderr: `Cannot connect to the dusty daemon at "${socketPath}": no such file. Start it with \`sudo dusty -d\`\n`,
    });
  });

  test("dusty version reports a refused connection when nothing listens on the path", async () => {
    const socketPath = join(scratch, "plain-file.sock");
    writeFileSync(socketPath, "");
    const result = await runDusty(["version"], { env: { DUSTY_SOCKET_PATH: socketPath } });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`Cannot connect to the dusty daemon at "${socketPath}": connection refused. Start it with \`sudo dusty -d\`\n`);
  });

  test.skipIf(process.getuid?.() !== 0 || !Bun.which("setpriv"))(
    "dusty version as a user outside the socket's group is told about the dusty group",
    async () => {
      const result = await runAsNobody(["version"], daemon.env);
      expect(result.code).toBe(1);
      expect(result.stderr).toStartWith(`Cannot connect to the dusty daemon at "${daemon.socketPath}": permission denied.`);
      expect(result.stderr).toContain('the group "dusty"');
      expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    },
  );
});

describe("the daemon's socket", () => {
  test("the socket is mode 0660: never world-writable", () => {
    expect((statSync(daemon.socketPath).mode & 0o777).toString(8)).toBe("660");
  });

  test("the daemon logs each command with the caller's uid and pid from the kernel", async () => {
    const client = await RawClient.connect(daemon.socketPath);
    client.request("version");
    await client.collect();
    await daemon.waitForLog(new RegExp(`#\\d+ uid ${process.getuid!()} pid ${process.pid}: version\\n`));
  });

  test("a second daemon on the same socket refuses to start and the first keeps serving", async () => {
    const second = await runDusty(["-d", "--allow-non-root"], { env: daemon.env, timeoutMs: 20_000 });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`Another dusty daemon is already running on ${daemon.socketPath}: stop it first`);
    expect((await daemon.run(["version"])).code).toBe(0);
  });

  test("two daemons with different DUSTY_SOCKET_PATH run side by side", async () => {
    const other = await startDaemon();
    try {
      expect(other.socketPath).not.toBe(daemon.socketPath);
      const [first, second] = await Promise.all([daemon.run(["version"]), other.run(["version"])]);
      expect([first.code, second.code]).toEqual([0, 0]);
      await other.waitForLog(/: version\n/);
    } finally {
      await other.stop();
    }
    expect((await daemon.run(["version"])).code).toBe(0);
  });

  test("a daemon replaces the socket left by a daemon that was killed", async () => {
    const crashed = await startDaemon();
    process.kill(crashed.pid, "SIGKILL");
    await crashed.exited;
    expect(statSync(crashed.socketPath).isSocket()).toBe(true);
    const next = await startDaemon({ env: { DUSTY_SOCKET_PATH: crashed.socketPath } });
    try {
      expect(next.log()).toContain(`Removed the stale socket ${crashed.socketPath}`);
      expect((await next.run(["version"])).code).toBe(0);
    } finally {
      await next.stop();
      await crashed.stop();
    }
  });

  test("a daemon removes the per-user Docker sockets of remote hosts a killed daemon left, and its own when it stops; nothing else there", async () => {
    const crashed = await startDaemon();
    process.kill(crashed.pid, "SIGKILL");
    await crashed.exited;
    const run = dirname(crashed.socketPath);
    const clients = { ssh: join(run, "ssh-clients"), vm: join(run, "vm-ssh-clients") };
    for (const dir of Object.values(clients)) mkdirSync(dir, { mode: 0o711 });
    const stale = [join(clients.ssh, "0123456789abcdef.1000.sock"), join(clients.vm, "fedcba9876543210.1001.sock")];
    for (const path of stale) await leaveSocket(path);
    await leaveSocket(join(clients.ssh, "other.sock"));
    writeFileSync(join(clients.ssh, "notes.txt"), "keep me");
    symlinkSync(join(clients.ssh, "notes.txt"), join(clients.ssh, "0123456789abcdef.7.sock"));
    const next = await startDaemon({ env: { DUSTY_SOCKET_PATH: crashed.socketPath } });
    try {
      expect(next.log()).toContain(`Removed the per-user Docker sockets ${stale.join(", ")}`);
      expect(readdirSync(clients.ssh).sort()).toEqual(["0123456789abcdef.7.sock", "notes.txt", "other.sock"]);
      expect(readdirSync(clients.vm)).toEqual([]);
      const during = join(clients.vm, "fedcba9876543210.1002.sock");
      await leaveSocket(during);
      process.kill(next.pid, "SIGTERM");
      expect(await next.exited).toBe(0);
      expect(existsSync(during)).toBe(false);
      expect(readFileSync(join(clients.ssh, "notes.txt"), "utf8")).toBe("keep me");
    } finally {
      await next.stop();
      await crashed.stop();
    }
  });

  test("a daemon never deletes a file that is not a socket at its path", async () => {
    const path = join(scratch, "important.txt");
    writeFileSync(path, "keep me");
    const result = await runDusty(["-d", "--allow-non-root"], { env: { ...daemon.env, DUSTY_SOCKET_PATH: path }, timeoutMs: 20_000 });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Cannot listen on ${path}: a file that is not a socket is in the way`);
    expect(readFileSync(path, "utf8")).toBe("keep me");
  });
});

describe("requests the real client never sends", () => {
  test("a client of another version gets the mismatch message, which the daemon logs too", async () => {
    const client = await RawClient.connect(daemon.socketPath);
    client.request("version", {}, { clientVersion: "0.0.1-other" });
    const mismatch = `Dusty daemon is running version ${VERSION}, and client is running version 0.0.1-other: restart the daemon`;
    const messages = await client.collect();
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatchObject({ type: "error" });
    expect((messages[0] as { text: string }).text).toStartWith(mismatch);
    expect(messages[1]).toEqual({ type: "done", exitCode: 1 });
    expect(daemon.log()).toContain(mismatch);
  });

  test("an unknown command, even one named like an Object property, gets an error", async () => {
    for (const command of ["no.such.command", "constructor", "__proto__"]) {
      const client = await RawClient.connect(daemon.socketPath);
      client.request(command);
      expect(await client.collect()).toEqual([
        { type: "error", text: `No such command: "${command}". The dusty daemon (version ${VERSION}) does not have it\n` },
        { type: "done", exitCode: 1 },
      ]);
    }
  });

  test("garbage bytes and a frame of bad JSON get an error, and the daemon keeps serving", async () => {
    const garbage = await exchangeRaw(daemon.socketPath, new TextEncoder().encode("GET / HTTP/1.1\r\nHost: dusty\r\n\r\n"));
    expect(garbage[0]).toMatchObject({ type: "error" });
    expect((garbage[0] as { text: string }).text).toStartWith("Bad message: a frame of 1195725856 bytes is over the limit");
    expect(garbage[1]).toEqual({ type: "done", exitCode: 1 });

    const badJson = new Uint8Array([0, 0, 0, 5, ...new TextEncoder().encode("{oops")]);
    const replies = await exchangeRaw(daemon.socketPath, badJson);
    expect((replies[0] as { text: string }).text).toStartWith("Bad message: not UTF-8 JSON");

    expect((await daemon.run(["version"])).code).toBe(0);
  });

  test("an oversize request is refused with an error before it is read, and the daemon keeps serving", async () => {
    const client = await RawClient.connect(daemon.socketPath);
    client.request("version", { blob: "x".repeat(MAX_REQUEST_BYTES) });
    const messages = await client.collect();
    expect(messages[0]).toMatchObject({ type: "error" });
    expect((messages[0] as { text: string }).text).toContain(`is over the limit of ${MAX_REQUEST_BYTES} bytes`);
    expect(messages[1]).toEqual({ type: "done", exitCode: 1 });
    expect((await daemon.run(["version"])).code).toBe(0);
  });

  test("a request split across several writes is read whole", async () => {
    const frame = encodeFrame({ type: "request", command: "version", args: {}, clientVersion: VERSION, protocol: 1, cwd: ROOT });
    const client = await RawClient.connect(daemon.socketPath);
    for (const cut of [[0, 2], [2, 9], [9, frame.length]] as const) {
      client.send(frame.subarray(...cut));
      await Bun.sleep(20);
    }
    expect(await client.collect()).toEqual([
      { type: "output", text: `Dusty daemon version: ${VERSION}\n` },
      { type: "done", exitCode: 0 },
    ]);
  });

  test("a silent connection does not block other clients and is closed after the idle timeout", async () => {
    const silent = await RawClient.connect(daemon.socketPath);
    expect((await daemon.run(["version"])).code).toBe(0);
    expect(await silent.collect()).toEqual([
      { type: "error", text: "Request refused: nothing arrived within 300 ms of connecting\n" },
      { type: "done", exitCode: 1 },
    ]);
  });
});

/** A client process running one command: the real client code, started by bun, its stderr collected. */
function startClient(command: string, args: Record<string, unknown>, stdout: "pipe" | ReturnType<typeof Bun.file> = "pipe") {
  const script = `import { callDaemon } from ${JSON.stringify(join(ROOT, "cmd", "client", "call.ts"))};
process.exitCode = await callDaemon(${JSON.stringify(command)}, ${JSON.stringify(args)});`;
  const child = Bun.spawn([process.execPath, "-e", script], { env: { ...process.env, ...daemon.env }, stdout, stderr: "pipe" });
  let text = "";
  const reading = (async () => {
    for await (const chunk of child.stderr) text += new TextDecoder().decode(chunk);
  })();
  return { child, stderr: () => text, reading };
}

describe("concurrency", () => {
  test("a second mutating command waits its turn and says so; a read-only one does not wait", async () => {
    const holder = await RawClient.connect(daemon.socketPath);
    holder.request("debug.sleep", { ms: 3000 });
    await holder.waitFor((m) => m.type === "log" && m.text === "Sleeping for 3000 ms\n");

    const waiter = await RawClient.connect(daemon.socketPath);
    waiter.request("debug.sleep", { ms: 0 });
    expect(await waiter.waitFor(textOf("waiting"))).toEqual({
      type: "waiting",
      text: "Waiting for another dusty command to finish: debug.sleep\n",
    });
    const leaver = await RawClient.connect(daemon.socketPath);
    leaver.request("debug.sleep", { ms: 0 });
    await leaver.waitFor(textOf("waiting"));

    const version = await daemon.run(["version"]);
    expect(version.code).toBe(0);
    expect(version.stderr).toBe("");
    expect(waiter.messages.some(textOf("done"))).toBe(false);

    // A client that hangs up before its command's turn: the command leaves the queue, never started.
    leaver.close();
    await daemon.waitForLog(/client disconnected: stopping debug\.sleep\n/);
    // The holder's client hangs up mid-command: a mutating command runs to its end (stopping it
    // halfway would leave things half-changed), and then the waiter gets its turn.
    holder.close();
    await daemon.waitForLog(/client disconnected: debug\.sleep goes on until it finishes, as stopping it halfway would leave things half-changed\n/);
    expect(await waiter.collect()).toEqual([
      { type: "waiting", text: "Waiting for another dusty command to finish: debug.sleep\n" },
      { type: "log", text: "Sleeping for 0 ms\n" },
      { type: "output", text: "Slept for 0 ms\n" },
      { type: "done", exitCode: 0 },
    ]);
    expect(daemon.log()).toMatch(/debug\.sleep: exit code 0 in [\d.]+ s \(its client had left\)\n/);
    expect(daemon.log()).toMatch(/debug\.sleep: exit code 130 in [\d.]+ s \(stopped\)\n/);
  });

  test("a mutating request with malformed args is refused at once, not after the command holding the queue", async () => {
    const holder = await RawClient.connect(daemon.socketPath);
    holder.request("debug.sleep", { ms: 3000 });
    await holder.waitFor((m) => m.type === "log" && m.text === "Sleeping for 3000 ms\n");

    const malformed = await RawClient.connect(daemon.socketPath);
    malformed.request("debug.sleep", { ms: -1 });
    // Refused without joining the queue: no "waiting", and its answer is complete while the holder still sleeps.
    expect(await malformed.collect()).toEqual([
      { type: "error", text: "debug: ms must be 0 or more\n" },
      { type: "done", exitCode: 1 },
    ]);
    expect(holder.messages.some(textOf("done"))).toBe(false);
    expect((await holder.collect()).at(-1)).toEqual({ type: "done", exitCode: 0 });
  });

  test("Ctrl-C in the client stops a read-only command in the daemon, and says so", async () => {
    const { child, stderr, reading } = startClient("debug.read", { ms: 60000 });
    try {
      // The log line arrives while the command still runs: the client streams, it does not buffer.
      await waitUntil(() => stderr().includes("Sleeping for 60000 ms\n"), 10_000, () => `client stderr: ${stderr()}`);
      child.kill("SIGINT");
      expect(await child.exited).toBe(130);
      await reading;
      expect(stderr()).toBe("Sleeping for 60000 ms\n\nInterrupted: the daemon stops the command, unless it changes things (up, stop …): those run to their end\n");
    } finally {
      child.kill("SIGKILL");
    }
    await daemon.waitForLog(/client disconnected: stopping debug\.read\n(.|\n)*debug\.read: exit code 130/);
  });
});

describe("slow readers", () => {
  test("a client paused (SIGSTOP) for longer than the linger time still gets the whole answer, and others are served meanwhile", async () => {
    const out = join(scratch, "paused-client.out");
    const lines = 131_072; // 8 MiB of output: far more than the socket's kernel buffers hold
    const { child, stderr, reading } = startClient("debug.read", { ms: 300, bytes: lines * 64 }, Bun.file(out));
    try {
      await waitUntil(() => stderr().includes("Sleeping for 300 ms\n"), 10_000, () => `client stderr: ${stderr()}`);
      process.kill(child.pid, "SIGSTOP"); // Ctrl-Z, before the output starts
      await daemon.waitForLog(/debug\.read: exit code 0/);
      // Longer than the 5 s a client gets to hang up after its answer, with the answer still unread.
      await Bun.sleep(6000);
      const version = await daemon.run(["version"]);
      expect(version.code).toBe(0);
      process.kill(child.pid, "SIGCONT");
      expect(await child.exited).toBe(0);
      await reading;
      expect(stderr()).toBe("Sleeping for 300 ms\n");
      const text = readFileSync(out, "utf8").split("\n");
      expect(text.length).toBe(lines + 2);
      expect(text[lines - 1]).toBe(`line ${String(lines - 1).padStart(58, "0")}`);
      expect(text[lines]).toBe("Slept for 300 ms");
    } finally {
      child.kill("SIGKILL");
    }
  });
});

describe("dusty -d", () => {
  test("dusty -d -h prints the daemon's usage", async () => {
    const result = await runDusty(["-d", "-h"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toStartWith("Run the dusty daemon (as root)");
    expect(result.stdout).toContain("--preflight-only");
  });

  test("dusty -d refuses an unknown option", async () => {
    const result = await runDusty(["-d", "--allow-non-root", "--frobnicate"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toStartWith("Unknown option for dusty -d: --frobnicate\n");
  });

  test("dusty -d refuses to start as non-root without --allow-non-root, saying why", async () => {
    const result = process.getuid?.() === 0 ? await runAsNobody(["-d"], {}) : await runDusty(["-d"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toStartWith("The dusty daemon must run as root: it edits the hosts file");
  });

  test("dusty -d --preflight-only passes here, creates the folders and does not listen", async () => {
    const dir = join(scratch, "preflight-ok");
    const env = {
      DUSTY_CONFIG_DIR: join(dir, "etc"),
      DUSTY_SOCKET_PATH: join(dir, "run", "dusty.sock"),
      DUSTY_HOSTS_FILE: join(scratch, "hosts"),
      DUSTY_PERSIST_DIR: join(dir, "persist"),
    };
    writeFileSync(env.DUSTY_HOSTS_FILE, "");
    const result = await runDusty(["-d", "--allow-non-root", "--preflight-only"], { env });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("Completed preflight check successfully");
    expect(existsSync(env.DUSTY_CONFIG_DIR)).toBe(true);
    expect(existsSync(join(dir, "run"))).toBe(true);
    expect(existsSync(env.DUSTY_SOCKET_PATH)).toBe(false);
  });

  test("dusty -d --preflight-only lists every problem and exits 1", async () => {
    const hosts = join(scratch, "missing-folder", "hosts");
    const env = { PATH: join(scratch, "empty-path"), DUSTY_CONFIG_DIR: join(scratch, "pf-etc"), DUSTY_HOSTS_FILE: hosts, DUSTY_PERSIST_DIR: join(scratch, "pf-persist") };
    const result = await runDusty(["-d", "--allow-non-root", "--preflight-only"], { env });
    expect(result.code).toBe(1);
    for (const name of ["git", "rsync", "docker"]) expect(result.stderr).toContain(`Executable not found: ${name}.`);
    expect(result.stderr).toContain(`The folder of the hosts file, ${join(scratch, "missing-folder")}, is not writable: no such file or folder`);
  });

  test("SIGTERM lets a running command finish, removes the socket and exits 0", async () => {
    const own = await startDaemon({ env: { DUSTY_DEBUG_COMMANDS: "1" } });
    try {
      const client = await RawClient.connect(own.socketPath);
      client.request("debug.sleep", { ms: 300 });
      await client.waitFor(textOf("log"));
      process.kill(own.pid, "SIGTERM");
      expect(await client.collect()).toEqual([
        { type: "log", text: "Sleeping for 300 ms\n" },
        { type: "output", text: "Slept for 300 ms\n" },
        { type: "done", exitCode: 0 },
      ]);
      expect(await own.exited).toBe(0);
      expect(existsSync(own.socketPath)).toBe(false);
      expect(own.log()).toContain("Received SIGTERM: stopping");
    } finally {
      await own.stop();
    }
  });
});

/** Runs dusty as the user nobody (the test runs as root), with only the given environment. */
function runAsNobody(args: string[], env: Record<string, string>) {
  // setpriv execs dusty itself, so the process really runs as nobody, with no supplementary groups.
  const argv = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", ...dustyArgv(args)];
  return runCommand(argv, { ...env, PATH: process.env.PATH ?? "", HOME: "/" });
}

async function runCommand(argv: string[], env: Record<string, string>) {
  const child = Bun.spawn(argv, { env, cwd: "/", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { code, stdout, stderr };
}

test.skipIf(process.getuid?.() !== 0)("the socket belongs to the config's socket_group when that group exists", async () => {
  const configDir = mkdtempSync(join(tmpdir(), "dusty-socket-group-"));
  writeFileSync(join(configDir, "config.yml"), "socket_group: nogroup\n");
  const handle = await startDaemon({ env: { DUSTY_CONFIG_DIR: configDir } });
  try {
    const nogroup = readFileSync("/etc/group", "utf8").split("\n").find((l) => l.startsWith("nogroup:"))?.split(":")[2];
    expect(String(statSync(handle.socketPath).gid)).toBe(nogroup!);
    expect((statSync(handle.socketPath).mode & 0o777).toString(8)).toBe("660");
  } finally {
    await handle.stop();
    rmSync(configDir, { recursive: true, force: true });
  }
});
