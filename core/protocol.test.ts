import { describe, expect, test } from "bun:test";
import {
  encodeFrame,
  FrameDecoder,
  MAX_REQUEST_BYTES,
  parseDaemonMessage,
  parseRequest,
  PROTOCOL_VERSION,
  splitText,
  type DaemonMessage,
  type RequestMessage,
} from "./protocol.ts";

const REQUEST: RequestMessage = {
  type: "request",
  command: "version",
  args: { name: "wéb ✓" },
  clientVersion: "1.2.3",
  protocol: PROTOCOL_VERSION,
  cwd: "/home/me",
};

function requestDecoder(maxFrameBytes = MAX_REQUEST_BYTES) {
  return new FrameDecoder({ maxFrameBytes, parse: (value) => parseRequest(value, "1.2.3") });
}

function rawFrame(body: string): Uint8Array {
  const bytes = new TextEncoder().encode(body);
  const frame = new Uint8Array(4 + bytes.length);
  new DataView(frame.buffer).setUint32(0, bytes.length);
  frame.set(bytes, 4);
  return frame;
}

describe("FrameDecoder", () => {
  test("FrameDecoder.push() reassembles a frame fed one byte at a time", () => {
    const decoder = requestDecoder();
    const frame = encodeFrame(REQUEST);
    const results = [];
    for (let i = 0; i < frame.length; i++) results.push(...decoder.push(frame.subarray(i, i + 1)));
    expect(results).toEqual([{ ok: true, value: REQUEST }]);
    expect(decoder.pendingBytes).toBe(0);
  });

  test("FrameDecoder.push() returns every frame of one chunk in order and keeps the partial tail", () => {
    const decoder = new FrameDecoder<DaemonMessage>({ maxFrameBytes: 1000, parse: parseDaemonMessage });
    const messages: DaemonMessage[] = [
      { type: "log", text: "one\n" },
      { type: "output", text: "two\n" },
      { type: "done", exitCode: 3 },
    ];
    const frames = messages.map(encodeFrame);
    const joined = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
    let at = 0;
    for (const f of frames) joined.set(f, (at += f.length) - f.length);
    const cut = joined.length - 5;
    expect(decoder.push(joined.subarray(0, cut)).map((r) => r.ok && r.value)).toEqual(messages.slice(0, 2));
    expect(decoder.pendingBytes).toBe(frames[2]!.length - 5);
    expect(decoder.push(joined.subarray(cut))).toEqual([{ ok: true, value: messages[2]! }]);
  });

  test("FrameDecoder.push() reads frames from a Buffer view into a larger pool and keeps no reference to it", () => {
    const decoder = new FrameDecoder<DaemonMessage>({ maxFrameBytes: 1000, parse: parseDaemonMessage });
    const output = encodeFrame({ type: "output", text: "result\n" });
    const done = encodeFrame({ type: "done", exitCode: 0 });
    // Node and Bun hand out Buffers that are views at an offset into a shared pool.
    const pool = Buffer.concat([Buffer.from("junk"), Buffer.from(output), Buffer.from(done)]);
    const chunk = pool.subarray(4, pool.length - 2);
    const first = decoder.push(chunk);
    pool.fill(0xff);
    const rest = decoder.push(Buffer.from(done.subarray(done.length - 2)));
    expect([...first, ...rest]).toEqual([
      { ok: true, value: { type: "output", text: "result\n" } },
      { ok: true, value: { type: "done", exitCode: 0 } },
    ]);
  });

  test("FrameDecoder.push() refuses an oversize frame from its header alone, then ignores the rest", () => {
    const decoder = requestDecoder(100);
    const header = new Uint8Array(4);
    new DataView(header.buffer).setUint32(0, 101);
    expect(decoder.push(header)).toEqual([
      { ok: false, error: "Bad message: a frame of 101 bytes is over the limit of 100 bytes", fatal: true },
    ]);
    expect(decoder.pendingBytes).toBe(0);
    expect(decoder.push(encodeFrame(REQUEST))).toEqual([]);
  });

  test("FrameDecoder.push() treats garbage bytes as a huge length and refuses them", () => {
    const results = requestDecoder().push(new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n"));
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ ok: false, fatal: true });
  });

  test("FrameDecoder.push() reports bad JSON and bad UTF-8 as errors of that frame only", () => {
    const decoder = requestDecoder();
    const badUtf8 = new Uint8Array([0, 0, 0, 2, 0xc3, 0x28]);
    const results = [...decoder.push(rawFrame("{not json")), ...decoder.push(badUtf8), ...decoder.push(encodeFrame(REQUEST))];
    expect(results.map((r) => (r.ok ? "ok" : `${r.fatal}: ${r.error.slice(0, 27)}`))).toEqual([
      "false: Bad message: not UTF-8 JSON",
      "false: Bad message: not UTF-8 JSON",
      "ok",
    ]);
  });

  test("FrameDecoder.push() reports a wrong shape as a decode error", () => {
    const results = requestDecoder().push(rawFrame(JSON.stringify({ ...REQUEST, args: [1] })));
    expect(results).toEqual([{ ok: false, error: "Bad message: args: expected an object", fatal: false }]);
  });
});

describe("parseRequest", () => {
  test("parseRequest() accepts a well-formed request and drops unknown keys", () => {
    expect(parseRequest({ ...REQUEST, extra: 1 }, "1.2.3")).toEqual({ ok: true, value: REQUEST });
  });

  test("parseRequest() refuses another client version before looking at the shape", () => {
    const result = parseRequest({ clientVersion: "0.9.0", whatever: true }, "1.2.3");
    expect(result.ok || result.error).toStartWith(
      "Dusty daemon is running version 1.2.3, and client is running version 0.9.0: restart the daemon",
    );
  });

  test("parseRequest() refuses another protocol version", () => {
    const result = parseRequest({ ...REQUEST, protocol: PROTOCOL_VERSION + 1 }, "1.2.3");
    expect(result.ok || result.error).toStartWith(`Protocol mismatch: the client speaks protocol ${PROTOCOL_VERSION + 1} and the daemon protocol 1:`);
  });

  test("parseRequest() names the first missing field", () => {
    const { command: _, ...noCommand } = REQUEST;
    expect(parseRequest(noCommand, "1.2.3")).toEqual({ ok: false, error: "Bad message: command: expected a non-empty string" });
    expect(parseRequest([REQUEST], "1.2.3")).toEqual({ ok: false, error: "Bad message: expected a JSON object" });
  });
});

describe("parseDaemonMessage", () => {
  test("parseDaemonMessage() refuses unknown types and out-of-range exit codes", () => {
    expect(parseDaemonMessage({ type: "progress", text: "x" })).toEqual({ ok: false, error: 'Bad message: unknown message type "progress"' });
    expect(parseDaemonMessage({ type: "done", exitCode: 256 }).ok).toBe(false);
    expect(parseDaemonMessage({ type: "warning", text: 5 }).ok).toBe(false);
    expect(parseDaemonMessage({ type: "waiting", text: "w" })).toEqual({ ok: true, value: { type: "waiting", text: "w" } });
  });
});

describe("splitText", () => {
  test("splitText() cuts long texts into pieces that join back, never inside a surrogate pair", () => {
    const text = "ab😀cd😀e";
    const pieces = splitText(text, 3);
    expect(pieces.join("")).toBe(text);
    expect(pieces).toEqual(["ab", "😀c", "d😀", "e"]);
    expect(splitText("short", 10)).toEqual(["short"]);
  });
});
