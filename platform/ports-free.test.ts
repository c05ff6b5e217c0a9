import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { describePortHolder, findTakenPorts, formatTakenPorts, portBindProblem, portSockets } from "./ports-free.ts";

function listen(): { port: number; stop(): void } {
  const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  return { port: listener.port, stop: () => listener.stop(true) };
}

test("portBindProblem() is undefined for a free port and EADDRINUSE for one a listener holds", async () => {
  const held = listen();
  try {
    expect(await portBindProblem("127.0.0.1", held.port)).toBe("EADDRINUSE");
  } finally {
    held.stop();
  }
  expect(await portBindProblem("127.0.0.1", held.port)).toBeUndefined();
  expect(await portBindProblem("127.0.0.1", 0)).toBeUndefined();
});

test("findTakenPorts() names this process as the holder of a port it listens on, and skips free ports", async () => {
  const held = listen();
  const free = listen();
  free.stop();
  try {
    const taken = await findTakenPorts("127.0.0.1", [free.port, held.port]);
    const comm = readFileSync("/proc/self/comm", "utf8").trim();
    expect(taken).toEqual([{ port: held.port, code: "EADDRINUSE", holder: `${comm} (pid ${process.pid})` }]);
    expect(formatTakenPorts(taken)).toBe(`${held.port} (held by ${comm} (pid ${process.pid}))`);
  } finally {
    held.stop();
  }
  expect(await describePortHolder(held.port)).toBeUndefined();
});

test("formatTakenPorts() says 'another program' when the holder is unknown, and the code for other problems", () => {
  expect(formatTakenPorts([{ port: 80, code: "EADDRINUSE" }, { port: 81, code: "EADDRNOTAVAIL" }])).toBe("80 (held by another program), 81 (EADDRNOTAVAIL)");
});

test("portSockets() reads the owned sockets of one local port from a /proc/net/tcp table, listening or not", () => {
  const table = [
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
    "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1111 1 0 100 0 0 10 0",
    "   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 2222 1 0 20 4 30 10 -1",
    "   2: 00000000:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3333 1 0 100 0 0 10 0",
    "   3: 0100007F:C350 0100007F:1F90 06 00000000:00000000 03:00000000 00000000     0        0 0 3 0000000000000000",
  ].join("\n");
  expect(portSockets(table, 8080)).toEqual([{ inode: "1111", listening: true }, { inode: "2222", listening: false }]);
  expect(portSockets(table, 8081)).toEqual([{ inode: "3333", listening: true }]);
  // TIME_WAIT (06) has no owner: inode 0.
  expect(portSockets(table, 50000)).toEqual([]);
  expect(portSockets(table, 80)).toEqual([]);
});

test("a port that is the local end of an open connection is taken, and the connection's process is named", async () => {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const client = await Bun.connect({ hostname: "127.0.0.1", port: server.port, socket: { data() {} } });
  try {
    const local = client.localPort;
    const comm = readFileSync("/proc/self/comm", "utf8").trim();
    expect(await findTakenPorts("127.0.0.1", [local])).toEqual([{ port: local, code: "EADDRINUSE", holder: `a connection of ${comm} (pid ${process.pid})` }]);
  } finally {
    client.end();
    server.stop(true);
  }
});
