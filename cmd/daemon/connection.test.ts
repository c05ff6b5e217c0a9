// The daemon's per-connection logic in this process, over a real Unix socket, with handlers made for the
// test. (test/daemon.test.ts covers the same path through the real binary.)
import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CommandName } from "../../core/commands.ts";
import { MAX_TEXT_UNITS } from "../../core/protocol.ts";
import { UserError } from "../../platform/errors.ts";
import { resolveLocations } from "../../platform/locations.ts";
import { setDaemonLogSink } from "./log.ts";
import { startServer, type DaemonServer } from "./server.ts";
import { callDaemon } from "../client/call.ts";
import type { CheckedHandler, CommandContext } from "./handlers/_types.ts";

const dir = mkdtempSync(join(tmpdir(), "dusty-connection-"));
const log: string[] = [];
const servers: DaemonServer[] = [];

/** A handler made for the test, with no args to check. */
const handlerOf = (mutates: boolean, run: (ctx: CommandContext) => Promise<number>): CheckedHandler => ({ mutates, check: () => ({ run }) });

const HANDLERS: Record<string, CheckedHandler> = {
  chatty: handlerOf(false, async (ctx) => {
    ctx.log("step one");
    ctx.warn("disk nearly full");
    ctx.warn({ file: "apps/web.yml", line: 4, col: 16, keyPath: "mount", message: "empty", severity: "warning" });
    ctx.output("result");
    return 3;
  }),
  refuses: handlerOf(true, async () => {
    throw new UserError("No bundle named wbe: run `dusty bundles list` to see them");
  }),
  crashes: handlerOf(true, async () => {
    throw new TypeError("undefined is not an object");
  }),
  "bad-code": handlerOf(false, async () => {
    return 300;
  }),
  huge: handlerOf(false, async (ctx) => {
    ctx.output("é".repeat(MAX_TEXT_UNITS * 2 + 10));
    return 0;
  }),
};

beforeAll(() => setDaemonLogSink((line) => void log.push(line)));
afterEach(() => void (log.length = 0));
afterAll(async () => {
  for (const server of servers) await server.stop(0);
  setDaemonLogSink();
  rmSync(dir, { recursive: true, force: true });
});

async function serve(name: string, options: { suppressWarnings?: boolean } = {}): Promise<string> {
  const locations = resolveLocations({ DUSTY_SOCKET_PATH: join(dir, `${name}.sock`), DUSTY_CONFIG_DIR: join(dir, "etc") });
  servers.push(
    await startServer({
      locations,
      suppressWarnings: options.suppressWarnings ?? false,
      idleTimeoutMs: 10_000,
      findHandler: (command) => (Object.hasOwn(HANDLERS, command) ? async () => HANDLERS[command]! : undefined),
    }),
  );
  return locations.socketPath;
}

/** Runs a command through the real client, collecting what it prints; the commands here are this test's own, not the table's. */
async function call(socketPath: string, command: string) {
  const printed = { stdout: "", stderr: "" };
  const code = await callDaemon(command as CommandName, {}, { socketPath, write: (stream, text) => (printed[stream] += text) });
  return { code, ...printed };
}

test("a handler's log, warning and output reach the client in order, with its exit code", async () => {
  const socketPath = await serve("chatty");
  expect(await call(socketPath, "chatty")).toEqual({
    code: 3,
    stdout: "result\n",
    // A spec diagnostic names its level itself, so it gets no "Warning: " before it.
    stderr: "step one\nWarning: disk nearly full\napps/web.yml:4:16: warning: mount: empty\n",
  });
  expect(log.join("")).toMatch(/#\d+ step one\n.*#\d+ WARNING disk nearly full\n.*#\d+ apps\/web.yml:4:16: warning: mount: empty\n/s);
});

test("--suppress-warnings keeps warnings in the daemon's log only", async () => {
  const socketPath = await serve("quiet", { suppressWarnings: true });
  expect((await call(socketPath, "chatty")).stderr).toBe("step one\n");
  expect(log.join("")).toContain("WARNING disk nearly full");
});

test("an expected error reaches the client as its message and exit code 1", async () => {
  const socketPath = await serve("refuses");
  expect(await call(socketPath, "refuses")).toEqual({
    code: 1,
    stdout: "",
    stderr: "No bundle named wbe: run `dusty bundles list` to see them\n",
  });
});

test("an unexpected error is reported as a bug and its stack goes to the daemon's log", async () => {
  const socketPath = await serve("crashes");
  const result = await call(socketPath, "crashes");
  expect(result.code).toBe(1);
  expect(result.stderr).toBe(
    "The dusty daemon failed to run crashes: undefined is not an object. This is a bug: the daemon's log has the details\n",
  );
  expect(log.join("")).toContain("ERROR #");
  expect(log.join("")).toContain("TypeError: undefined is not an object\n    at ");
  // The lock of the mutating command that crashed is released.
  expect((await call(socketPath, "refuses")).code).toBe(1);
});

test("an exit code outside 0-255 becomes 1", async () => {
  const socketPath = await serve("bad-code");
  expect((await call(socketPath, "bad-code")).code).toBe(1);
  expect(log.join("")).toContain("bad-code returned 300 instead of an exit code");
});

test("an output longer than one message arrives whole, in several frames", async () => {
  const socketPath = await serve("huge");
  const result = await call(socketPath, "huge");
  expect(result.code).toBe(0);
  expect(result.stdout.length).toBe(MAX_TEXT_UNITS * 2 + 11);
  expect(result.stdout).toBe("é".repeat(MAX_TEXT_UNITS * 2 + 10) + "\n");
});
