/**
 * What a daemon command handler sees and returns. A handler runs inside the daemon (as root) for one
 * client connection; everything it prints goes back to that client as it happens.
 */
import type { CommandArgs } from "../../../core/command-args.ts";
import type { CommandName } from "../../../core/commands.ts";
import type { Diagnostic } from "../../../core/diagnostics.ts";
import type { ClientEngine } from "../../../core/docker-engine.ts";
import type { Locations } from "../../../platform/locations.ts";

/** The client's side of one command, as the daemon knows it. */
export interface CommandContext {
  /** Progress for the user (the client's stderr); also written to the daemon's log. */
  log(text: string): void;
  /** A warning for the user, unless the daemon runs with --suppress-warnings; printed as `formatWarning()` words it. */
  warn(warning: string | Diagnostic): void;
  /** The command's result (the client's stdout). */
  output(text: string): void;
  /**
   * Resolves once the client has taken most of what was sent. A command printing a lot awaits it now and
   * then (or returns it from run()'s onLine), so a paused client slows that command instead of growing
   * the daemon's buffer. Absent outside the daemon.
   */
  drained?(): Promise<void>;
  locations: Locations;
  /** The connecting process as the kernel reports it; null where the platform cannot tell. */
  caller: { uid: number; gid: number; pid: number } | null;
  /**
   * Aborted when the daemon stops, and when the client disconnects from a read-only command. A mutating
   * command that has started runs to its end without its client, so it never stops halfway. Every
   * run() inside the command applies it by itself.
   */
  signal: AbortSignal;
  /** The client's working folder, for relative paths in args. */
  cwd: string;
  /** The client's SSH agent socket, already checked to be the caller's (platform/agent-socket.ts); undefined when none or unusable. */
  sshAuthSock?: string;
  /** The engine the client would use itself (its DOCKER_HOST or Docker context), sent with commands that reach the engine. */
  clientEngine?: ClientEngine;
}

/**
 * The handler of command `C`: it gets the arguments the table has checked (core/command-args.ts), typed.
 * Whether it mutates is the table's to say (core/commands.ts), not the handler's.
 */
export interface Handler<C extends CommandName = CommandName> {
  /** Runs the command and returns its exit code; an expected error thrown here reaches the user as its message, exit 1. */
  run: (ctx: CommandContext, args: CommandArgs<C>) => Promise<number>;
}

/** What the daemon's connection runs: a handler with its table entry, checking the raw request's args itself. */
export interface CheckedHandler {
  /** True when it changes state (config, hosts file, containers): such commands run one at a time. */
  mutates: boolean;
  /**
   * Checks the request's raw args against the command's schema: the command ready to run with the
   * parsed args, or what is wrong with them in the user's words. Needs no world, so the connection
   * refuses bad args before a mutating command joins the queue.
   */
  check(args: unknown): CheckedCommand;
}

/** A request whose args passed the table's check (`run`), or was refused (`problem`). */
export type CheckedCommand = { problem: string } | { run(ctx: CommandContext): Promise<number> };
