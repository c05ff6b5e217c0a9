/**
 * `dusty assets list|read|set|unset`: files that stay out of version control (keys, certificates),
 * kept by the daemon where only root can read them and copied into containers at start (test/assets.test.ts). `set` reads the file here, as the user, since it may be readable by the user alone.
 * Contents travel base64-encoded both ways, so binary files arrive byte for byte.
 */
import { defineCommand } from "citty";
import { open } from "node:fs/promises";
import { resolve } from "node:path";
import { MAX_REQUEST_BYTES } from "../core/protocol.ts";
import { JSON_FLAG, QUIET_FLAG, readFlags } from "./_args.ts";
import { callDaemon, reportFailure, runClientCommand, writeToTerminal } from "./client/call.ts";

// Room in the request for everything but the content: the key, the cwd (a path up to 4 KiB), the framing.
const REQUEST_HEADROOM_BYTES = 8 * 1024;
/** The largest asset one request can carry: base64 makes 3 bytes into 4 characters. */
export const MAX_ASSET_BYTES = Math.floor((MAX_REQUEST_BYTES - REQUEST_HEADROOM_BYTES) / 4) * 3;

const list = defineCommand({
  meta: { name: "list", description: "List the assets of the active apps and libs, or of one app or lib" },
  args: { app_or_lib: { type: "positional", required: false, description: "Show only this app's or lib's assets" }, ...JSON_FLAG, ...QUIET_FLAG },
  run: ({ args }) => runClientCommand("assets.list", { ...(args.app_or_lib ? { name: args.app_or_lib } : {}), ...readFlags(args) }),
});

const read = defineCommand({
  meta: { name: "read", description: "Print the content of an asset" },
  args: { asset_key: { type: "positional", required: true, description: "Name of the asset" } },
  run: ({ args }) => readAsset(args.asset_key),
});

const set = defineCommand({
  meta: { name: "set", description: "Set an asset to the content of a local file" },
  args: {
    asset_key: { type: "positional", required: true, description: "Name of the asset" },
    local_path: { type: "positional", required: true, description: "File whose content becomes the asset's" },
  },
  run: ({ args }) => setAsset(args.asset_key, resolve(args.local_path)),
});

const unset = defineCommand({
  meta: { name: "unset", description: "Remove an asset" },
  args: { asset_key: { type: "positional", required: true, description: "Name of the asset" } },
  run: ({ args }) => runClientCommand("assets.unset", { key: args.asset_key }),
});

export default defineCommand({
  meta: { name: "assets", description: "Manage files that don't live in version control" },
  subCommands: { list, read, set, unset },
});

/** Reads the file as the user and sends it; a file that cannot be read or is too large never reaches the daemon. */
async function setAsset(key: string, path: string): Promise<void> {
  const content = await readLocalFile(path);
  if (typeof content === "string") return fail(content);
  await runClientCommand("assets.set", { key, content: Buffer.from(content).toString("base64") });
}

async function readLocalFile(path: string): Promise<Uint8Array | string> {
  const unreadable = `Local path ${path} does not exist, or you don't have permission to access it`;
  const handle = await open(path, "r").catch(() => undefined);
  if (!handle) return unreadable;
  try {
    // One open file for the checks and the read: the path cannot be swapped in between.
    const info = await handle.stat();
    if (!info.isFile()) return `Cannot set the asset from ${path}: it is ${info.isDirectory() ? "a directory" : "not a regular file"}. Pass a file`;
    if (info.size > MAX_ASSET_BYTES) return tooLarge(path, info.size);
    const content = await handle.readFile();
    // The file may have grown since the stat.
    return content.length > MAX_ASSET_BYTES ? tooLarge(path, content.length) : content;
  } catch {
    return unreadable;
  } finally {
    await handle.close();
  }
}

function tooLarge(path: string, size: number): string {
  return (
    `Cannot set the asset from ${path}: it is ${size} bytes, and an asset can be at most ${MAX_ASSET_BYTES} bytes (${Math.floor(MAX_ASSET_BYTES / 1024)} KiB): ` +
    `the daemon takes requests of up to ${MAX_REQUEST_BYTES / 1024 / 1024} MiB, and the content travels base64-encoded. ` +
    "Keep large files in a repo or an image instead"
  );
}

/** Prints the asset's bytes exactly: the daemon sends them base64-encoded on stdout; everything else passes through. */
async function readAsset(key: string): Promise<void> {
  const chunks: string[] = [];
  try {
    const code = await callDaemon("assets.read", { key }, {
      write: (stream, text) => (stream === "stdout" ? void chunks.push(text) : writeToTerminal(stream, text)),
    });
    if (code !== 0) {
      process.exitCode = code;
      return;
    }
    await Bun.write(Bun.stdout, Buffer.from(chunks.join(""), "base64"));
  } catch (error) {
    await reportFailure(error);
  }
}

async function fail(message: string): Promise<void> {
  await writeToTerminal("stderr", `${message}\n`);
  process.exitCode = 1;
}
