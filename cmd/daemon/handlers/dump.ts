/**
 * `dump` (test/dump.test.ts): diagnostics for a bug report, adapted to Linux. Each section prints
 * `COMMAND: <what>`, `OUTPUT:`, the output and a blank line; a command that fails prints what it said and
 * the dump goes on, since a broken machine is exactly when a dump is wanted. Environment override values
 * in the config are masked: they are often secrets, and dumps get pasted into issues.
 * On the ssh driver it also says which host, how dusty reaches it and what that host's engine is (_dump-ssh.ts).
 * Args: `sshAuthSock` (the client's SSH_AUTH_SOCK, for `ssh-add -l`); `daemonProblem` when the client
 * runs it because no daemon answers (cmd/dump.ts).
 */
import { defaultConfig, renderConfig, type DustyConfig } from "../../../core/config.ts";
import { formatDiagnostic } from "../../../core/diagnostics.ts";
import { detectCompose } from "../../../platform/compose.ts";
import { loadConfig } from "../../../platform/config-file.ts";
import { readFileIfAny } from "../../../platform/saved-files.ts";
import { runForReport } from "../../../platform/report-run.ts";
import { formatArgv } from "../../../platform/run.ts";
import { sshHostSections } from "./_dump-ssh.ts";
import { isCompiledBinary } from "../../_binary.ts";
import { VERSION } from "../../_version.ts";
import { engineInUse, formatEngine } from "./_engine.ts";
import { dockerHostFor } from "./_environment.ts";
import { agentSocketFor } from "../../../platform/agent-socket.ts";
import type { CommandContext, Handler } from "./_types.ts";
import { errorMessage } from "../../../platform/errors.ts";

/** What a masked secret reads as. */
export const MASK = "********";

// Long enough for a slow Docker Engine, short enough that a hung one does not hang the dump.
const COMMAND_TIMEOUT_MS = 20_000;

const handler: Handler<"dump"> = {
  async run(ctx, args) {
    const { config, warnings, configText } = await readConfigForDump(ctx.locations.configFile);
    const section = (title: string, output: string) => ctx.output(formatSection(title, output));

    section("Dusty Version", VERSION);
    section("Dusty Binary", describeBinary());
    if (args.daemonProblem !== undefined) section("Dusty Daemon", `${ctx.locations.socketPath} ${args.daemonProblem}`);
    section("Daemon Warnings", warnings.length > 0 ? warnings.join("\n") : "None");
    for (const argv of [["uname", "-a"], ["which", "rsync"], ["git", "--version"]]) {
      section(formatArgv(argv), await runForDump(argv, ctx));
    }
    const engine = await engineForDump(ctx, config);
    section("Docker Engine", engine.text);
    section("docker version", engine.env === undefined ? "Not run: the engine cannot be used (above)" : await runForDump(["docker", "version"], ctx, engine.env));
    section(...(await composeVersion(config, ctx)));
    section(formatArgv(["cat", ctx.locations.hostsFile]), await runForDump(["cat", ctx.locations.hostsFile], ctx));
    section(`cat ${ctx.locations.configFile} (environment override values masked)`, configText);
    const agent = await agentSocketFor(ctx, args.sshAuthSock);
    for (const [title, output] of await sshHostSections({ config, locations: ctx.locations, sshAuthSock: agent }, (argv, env) => runForDump(argv, ctx, env))) section(title, output);
    section(
      "ssh-add -l",
      agent === undefined
        ? "Not run: the client sent no usable SSH_AUTH_SOCK (git over SSH will not have your keys)"
        : await runForDump(["ssh-add", "-l"], ctx, { SSH_AUTH_SOCK: agent }),
    );
    return 0;
  },
};

export default handler;

/** One section of the dump: title, output, blank line. */
export function formatSection(title: string, output: string): string {
  const text = output.trimEnd();
  return `COMMAND: ${title}\nOUTPUT:\n${text === "" ? "" : `${text}\n`}\n`;
}

/** The config as YAML with every environment override value and every password in a URL replaced by MASK. */
export function maskConfig(config: DustyConfig): string {
  const overrides = Object.fromEntries(
    Object.entries(config.dusty_env_overrides).map(([name, vars]) => [
      name,
      Object.fromEntries(Object.entries(vars).map(([variable, value]) => [variable, value === null ? null : MASK])),
    ]),
  );
  return maskUrlPasswords(renderConfig({ ...config, dusty_env_overrides: overrides }));
}

/** `https://user:secret@host/…` → `https://user:********@host/…`. */
export function maskUrlPasswords(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/]+:)[^\s@/]+@/gi, `$1${MASK}@`);
}

/** The config, its warnings (including keys setup has not set) and its masked text; an unusable config is reported, never thrown. */
async function readConfigForDump(path: string): Promise<{ config?: DustyConfig; warnings: string[]; configText: string }> {
  try {
    const { config, warnings, exists } = await loadConfig(path);
    const unset = (["mac_username", "specs_repo"] as const)
      .filter((key) => config[key] === undefined)
      .map((key) => `Configuration key ${key} is not set: run \`dusty setup\`, or \`dusty config set ${key} <value>\``);
    const text = exists ? maskConfig(config) : `No config file at ${path}: dusty uses the defaults`;
    return { config, warnings: [...warnings.map(formatDiagnostic), ...unset], configText: text };
  } catch (error) {
    const message = errorMessage(error);
    // The file cannot be parsed, so its secrets cannot be masked: show only where it is broken.
    const text = (await readFileIfAny(path))?.toString("utf8");
    const size = text === undefined ? "unreadable" : `${text.length} characters, not shown`;
    return { warnings: [message], configText: `${message}\n(the file: ${size})` };
  }
}

/** Which engine the daemon uses for this client, and the variables that reach it; a refused one is described, never thrown. */
async function engineForDump(ctx: CommandContext, config: DustyConfig | undefined): Promise<{ text: string; env?: Record<string, string> }> {
  const state = { config: config ?? defaultConfig(), locations: ctx.locations, clientEngine: ctx.clientEngine, caller: ctx.caller };
  try {
    const host = dockerHostFor(state);
    const text = formatEngine(await engineInUse(state, host));
    try {
      return { text, env: await host.dockerEnv() };
    } catch (error) {
      return { text: `${text}\n${errorMessage(error)}` };
    }
  } catch (error) {
    return { text: errorMessage(error) };
  }
}

function describeBinary(): string {
  return isCompiledBinary() ? `${process.execPath} (compiled binary)` : `${process.execPath} ${Bun.main} (running from source)`;
}

async function composeVersion(config: DustyConfig | undefined, ctx: CommandContext): Promise<[string, string]> {
  try {
    const runner = await detectCompose(config?.compose_command ?? "auto");
    const argv = [...runner.command, "version"];
    return [formatArgv(argv), await runForDump(argv, ctx)];
  } catch (error) {
    return ["docker compose version", errorMessage(error)];
  }
}

/** Runs a program and returns stdout and stderr interleaved as printed; a failure is described, never thrown. */
function runForDump(argv: string[], ctx: CommandContext, env?: Record<string, string>): Promise<string> {
  return runForReport(argv, { env, signal: ctx.signal, timeoutMs: COMMAND_TIMEOUT_MS });
}
