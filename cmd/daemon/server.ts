/**
 * The daemon's listening side: takes over the socket path safely, accepts connections, and on shutdown
 * stops accepting, lets running commands finish for a moment, and removes the socket.
 */
import { lstatSync, unlinkSync } from "node:fs";
import { UserError } from "../../platform/errors.ts";
import { readPeerCredentials } from "../../platform/peer-credentials.ts";
import { describeSocketError, findGroupId, listenOnSocket, probeSocket } from "../../platform/socket.ts";
import { CommandQueue } from "./queue.ts";
import { DaemonConnection, type DaemonShared } from "./connection.ts";
import { logDaemon } from "./log.ts";

/** The group whose members may use the daemon without sudo, unless the config's socket_group names another. */
export const SOCKET_GROUP = "dusty";

/** A running daemon socket. */
export interface DaemonServer {
  /** Open connections. */
  readonly connections: ReadonlySet<DaemonConnection>;
  /** Stops accepting, waits up to `graceMs` for running commands, interrupts the rest, removes the socket. */
  stop(graceMs: number): Promise<void>;
}

/** Listens on the socket path, replacing a stale socket file but never a live daemon's socket or another file. */
export async function startServer(state: Omit<DaemonShared, "queue">, socketGroup = SOCKET_GROUP): Promise<DaemonServer> {
  const path = state.locations.socketPath;
  await claimSocketPath(path);
  const daemon: DaemonShared = { ...state, queue: new CommandQueue() };
  const connections = new Set<DaemonConnection>();
  const gid = process.getuid?.() === 0 ? findGroupId(socketGroup) : undefined;
  let listener;
  try {
    listener = listenOnSocket<DaemonConnection | undefined>(path, {
      gid,
      socket: {
        open(socket) {
          // The kernel recorded the peer at connect(); Bun does not expose it, so ask it directly by fd.
          const fd = (socket as unknown as { fd?: number }).fd;
          const connection = new DaemonConnection(socket, readPeerCredentials(fd), daemon);
          socket.data = connection;
          connections.add(connection);
        },
        data: (socket, chunk) => socket.data?.receive(chunk),
        drain: (socket) => socket.data?.drain(),
        close(socket) {
          socket.data?.close();
          if (socket.data) connections.delete(socket.data);
        },
        error(socket, error) {
          logDaemon(`#${socket.data?.id ?? "?"} socket error: ${describeSocketError(error)}`);
          socket.data?.close();
        },
      },
    });
  } catch (error) {
    throw new UserError(`Cannot listen on ${path}: ${describeSocketError(error)}`);
  }
  const inode = lstatSync(path).ino;
  if (gid === undefined && process.getuid?.() === 0) {
    logDaemon(`Only root can use ${path}: create the group "${socketGroup}" and add users to it to let them run dusty without sudo`);
  }

  return {
    connections,
    async stop(graceMs) {
      listener.stop(false);
      removeOwnSocket(path, inode);
      for (const connection of connections) if (connection.state === "awaiting-request") connection.terminate();
      const running = () => [...connections].filter((c) => c.state === "running");
      if (running().length > 0) {
        logDaemon(`Waiting up to ${graceMs} ms for ${running().map((c) => c.command).join(", ")}`);
        await settleWithin(running().map((c) => c.finished), graceMs);
      }
      for (const connection of running()) connection.interrupt();
      await settleWithin(running().map((c) => c.finished), graceMs);
      for (const connection of connections) connection.terminate();
      listener.stop(true);
    },
  };
}

async function claimSocketPath(path: string): Promise<void> {
  const state = await probeSocket(path);
  switch (state.kind) {
    case "missing":
      return;
    case "stale":
      // Nobody answers: a daemon died without cleaning up. Only then is removing the file safe.
      unlinkSync(path);
      logDaemon(`Removed the stale socket ${path} left by a daemon that did not stop cleanly`);
      return;
    case "answering":
      throw new UserError(
        `Another dusty daemon is already running on ${path}: stop it first, or set DUSTY_SOCKET_PATH to run a second one elsewhere`,
      );
    case "not-a-socket":
      throw new UserError(`Cannot listen on ${path}: a file that is not a socket is in the way. Move it away and start again`);
    case "unknown":
      throw new UserError(`Cannot tell whether a daemon is running on ${path}: ${state.reason}`);
  }
}

// Another daemon may have replaced our socket after a forced takeover; leave its socket alone.
function removeOwnSocket(path: string, inode: number): void {
  try {
    if (lstatSync(path).ino === inode) unlinkSync(path);
  } catch {
    // Already gone: Bun removes the socket file when the listener stops.
  }
}

async function settleWithin(promises: Promise<unknown>[], ms: number): Promise<void> {
  if (promises.length === 0) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([Promise.allSettled(promises), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
