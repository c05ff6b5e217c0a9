import { afterAll, expect, test } from "bun:test";
import { symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "../test/git-fixtures.ts";
import { agentSocketFor, checkAgentSocket } from "./agent-socket.ts";

const temp = makeTempDir("dusty-ssh-agent-test-");
const socketPath = join(temp.path, "agent.sock");
const listener = Bun.listen({ unix: socketPath, socket: { data() {} } });
const me = { uid: process.getuid!() };
afterAll(() => {
  listener.stop(true);
  temp.remove();
});

test("checkAgentSocket() accepts the caller's own socket", async () => {
  expect(await checkAgentSocket(socketPath, me)).toBeUndefined();
  expect(await checkAgentSocket(socketPath, null)).toBeUndefined();
});

test("checkAgentSocket() refuses another user's socket unless the caller is root", async () => {
  const other = { uid: me.uid + 4242 };
  expect(await checkAgentSocket(socketPath, other)).toBe(`it belongs to uid ${me.uid}, not to you (uid ${other.uid})`);
  expect(await checkAgentSocket(socketPath, { uid: 0 })).toBeUndefined();
});

test("checkAgentSocket() refuses relative paths, missing paths, plain files and symlinks", async () => {
  const file = join(temp.path, "file");
  writeFileSync(file, "");
  const link = join(temp.path, "link.sock");
  symlinkSync(socketPath, link);
  expect(await checkAgentSocket("agent.sock", me)).toBe("it is not an absolute path");
  expect(await checkAgentSocket(join(temp.path, "missing"), me)).toBe("no such socket");
  expect(await checkAgentSocket(file, me)).toBe("it is not a socket");
  expect(await checkAgentSocket(link, me)).toBe("it is a symlink, not the socket itself");
});

test("agentSocketFor() passes a usable socket on, and warns and drops an unusable one", async () => {
  const warnings: string[] = [];
  const ctx = { caller: me, warn: (text: string) => void warnings.push(text) };
  expect(await agentSocketFor(ctx, socketPath)).toBe(socketPath);
  expect(await agentSocketFor(ctx, undefined)).toBeUndefined();
  expect(warnings).toEqual([]);
  expect(await agentSocketFor(ctx, "/nonexistent/agent")).toBeUndefined();
  expect(warnings).toEqual(["Not using your SSH agent at /nonexistent/agent: no such socket. git over SSH may fail; check SSH_AUTH_SOCK and `ssh-add -l`"]);
  await expect(agentSocketFor(ctx, 42)).rejects.toThrow("`sshAuthSock` must be a path");
});
