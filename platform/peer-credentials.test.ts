import { afterAll, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readPeerCredentials, type PeerCredentials } from "./peer-credentials.ts";

const dir = mkdtempSync(join(tmpdir(), "dusty-peer-"));
chmodSync(dir, 0o755);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Listens on a fresh socket and resolves with the credentials of the first peer. */
function acceptOnce(path: string): { peer: Promise<PeerCredentials | null>; stop(): void } {
  let resolve!: (value: PeerCredentials | null) => void;
  const peer = new Promise<PeerCredentials | null>((r) => (resolve = r));
  const listener = Bun.listen({
    unix: path,
    socket: {
      open(socket) {
        resolve(readPeerCredentials((socket as unknown as { fd?: number }).fd));
        socket.end();
      },
      data() {},
    },
  });
  chmodSync(path, 0o777);
  return { peer, stop: () => listener.stop(true) };
}

test.skipIf(process.platform !== "linux")("readPeerCredentials() reports this process when it connects to itself", async () => {
  const server = acceptOnce(join(dir, "self.sock"));
  try {
    await Bun.connect({ unix: join(dir, "self.sock"), socket: { data() {} } });
    expect(await server.peer).toEqual({ pid: process.pid, uid: process.getuid!(), gid: process.getgid!() });
  } finally {
    server.stop();
  }
});

test.skipIf(process.platform !== "linux" || process.getuid?.() !== 0 || !Bun.which("setpriv"))(
  "readPeerCredentials() reports another user's process by its uid and pid",
  async () => {
    const path = join(dir, "other.sock");
    const server = acceptOnce(path);
    try {
      const script = `await Bun.connect({ unix: ${JSON.stringify(path)}, socket: { data() {}, close() { process.exit(0) }, error() { process.exit(0) } } })`;
      const child = Bun.spawn(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, "-e", script], {
        env: { PATH: process.env.PATH, HOME: "/" },
        stderr: "ignore",
      });
      expect(await server.peer).toEqual({ pid: child.pid, uid: 65534, gid: 65534 });
      await child.exited;
    } finally {
      server.stop();
    }
  },
);

test("readPeerCredentials() returns null for a descriptor that is not a socket", () => {
  expect(readPeerCredentials(undefined)).toBeNull();
  expect(readPeerCredentials(0 - 1)).toBeNull();
  expect(readPeerCredentials(2 ** 20)).toBeNull();
});
