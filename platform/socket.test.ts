import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeSocketError, findGroupId, listenOnSocket, probeSocket, SocketWriter } from "./socket.ts";

const dir = mkdtempSync(join(tmpdir(), "dusty-socket-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const IGNORE = { data() {} };

describe("probeSocket", () => {
  test("probeSocket() tells a missing path, a plain file and a live listener apart", async () => {
    const file = join(dir, "plain");
    writeFileSync(file, "not a socket");
    const live = join(dir, "live.sock");
    const listener = Bun.listen({ unix: live, socket: IGNORE });
    try {
      expect(await probeSocket(join(dir, "none.sock"))).toEqual({ kind: "missing" });
      expect(await probeSocket(file)).toEqual({ kind: "not-a-socket" });
      expect(await probeSocket(live)).toEqual({ kind: "answering" });
    } finally {
      listener.stop(true);
    }
  });

  test("probeSocket() calls the socket of a killed process stale", async () => {
    const path = join(dir, "stale.sock");
    // A real crash: the process dies by SIGKILL while listening, so nothing removes the socket file.
    const child = Bun.spawn([process.execPath, "-e", `Bun.listen({ unix: ${JSON.stringify(path)}, socket: { data() {} } }); process.kill(process.pid, "SIGKILL")`]);
    await child.exited;
    expect(statSync(path).isSocket()).toBe(true);
    expect(await probeSocket(path)).toEqual({ kind: "stale" });
  });
});

describe("listenOnSocket", () => {
  test("listenOnSocket() creates the socket with mode 0660", () => {
    const path = join(dir, "mode.sock");
    const listener = listenOnSocket(path, { socket: IGNORE });
    try {
      expect((statSync(path).mode & 0o777).toString(8)).toBe("660");
    } finally {
      listener.stop(true);
    }
  });

  test("listenOnSocket() gives the socket to the group it is told", () => {
    const path = join(dir, "group.sock");
    const gid = (process.getgid?.() ?? 0) === 0 ? 12345 : process.getgid!();
    const listener = listenOnSocket(path, { gid, socket: IGNORE });
    try {
      expect(statSync(path).gid).toBe(gid);
    } finally {
      listener.stop(true);
    }
  });

  test("listenOnSocket() refuses a path that is in use", () => {
    const path = join(dir, "busy.sock");
    const listener = listenOnSocket(path, { socket: IGNORE });
    try {
      let error: unknown;
      try {
        listenOnSocket(path, { socket: IGNORE }).stop(true);
      } catch (caught) {
        error = caught;
      }
      expect(describeSocketError(error)).toBe("address in use");
    } finally {
      listener.stop(true);
    }
  });
});

test("findGroupId() reads a group's id from a group file", () => {
  const file = join(dir, "group");
  writeFileSync(file, "root:x:0:\ndusty:x:998:alice,bob\nbroken:x:abc:\n");
  expect(findGroupId("dusty", file)).toBe(998);
  expect(findGroupId("root", file)).toBe(0);
  expect(findGroupId("broken", file)).toBeUndefined();
  expect(findGroupId("dust", file)).toBeUndefined();
  expect(findGroupId("dusty", join(dir, "no-such-file"))).toBeUndefined();
});

test("SocketWriter delivers a write larger than the kernel buffer whole and in order, then ends", async () => {
  const path = join(dir, "writer.sock");
  // Larger than a Unix socket buffer (about 200 KiB), so write() has to take it in parts.
  const payload = new Uint8Array(2 * 1024 * 1024);
  for (let i = 0; i < payload.length; i++) payload[i] = i % 251;
  let writer!: SocketWriter;
  const listener = Bun.listen({
    unix: path,
    socket: {
      open(socket) {
        writer = new SocketWriter(socket);
        writer.write(payload.subarray(0, 1000));
        writer.write(payload.subarray(1000));
        writer.end();
      },
      drain: () => writer.drain(),
      data() {},
    },
  });
  try {
    const received: Uint8Array[] = [];
    await new Promise<void>((resolve, reject) => {
      Bun.connect({ unix: path, socket: { data: (_s, chunk) => void received.push(new Uint8Array(chunk)), close: () => resolve(), error: (_s, e) => reject(e) } }).catch(reject);
    });
    const joined = Buffer.concat(received);
    expect(joined.length).toBe(payload.length);
    expect(joined.equals(Buffer.from(payload))).toBe(true);
    expect(writer.pendingBytes).toBe(0);
    expect(writer.write(new Uint8Array(1))).toBe(false);
  } finally {
    listener.stop(true);
  }
});

/** A socket stand-in that takes `room` bytes per write() until given more. */
function fakeSocket(room: number) {
  const socket = {
    room,
    written: 0,
    ended: false,
    write(data: Uint8Array) {
      const n = Math.min(data.length, socket.room);
      socket.room -= n;
      socket.written += n;
      return n;
    },
    end() {
      socket.ended = true;
    },
  };
  return socket;
}

test("SocketWriter.whenBelow() resolves once the reader has taken enough, and at once when the peer is gone", async () => {
  const socket = fakeSocket(10);
  const writer = new SocketWriter(socket);
  writer.write(new Uint8Array(1000)); // 10 taken, 990 pending
  let below500 = false;
  void writer.whenBelow(500).then(() => (below500 = true));
  await Bun.sleep(1);
  expect(below500).toBe(false);
  socket.room = 400;
  writer.drain(); // 590 pending: still above
  await Bun.sleep(1);
  expect(below500).toBe(false);
  socket.room = 100;
  writer.drain(); // 490 pending
  await Bun.sleep(1);
  expect(below500).toBe(true);

  const gone = writer.whenBelow(0);
  writer.markClosed();
  await gone; // a closed socket never holds a writer back
});

test("SocketWriter calls onEnded only once the last byte is written and the socket ended", () => {
  const socket = fakeSocket(0);
  let ended = 0;
  const writer = new SocketWriter(socket, { onEnded: () => ended++ });
  writer.write(new Uint8Array(100));
  writer.end();
  expect(ended).toBe(0); // a paused reader: nothing has gone out yet
  expect(socket.ended).toBe(false);
  socket.room = 100;
  writer.drain();
  expect(socket.ended).toBe(true);
  expect(ended).toBe(1);
});
