/**
 * `dusty env list [NAME] | set NAME (VAR VALUE | --file FILE) | unset NAME (--all | VAR)`: environment
 * overrides for apps and services, applied at the next `dusty up`. A --file is read here, as the user:
 * the daemon runs as root and must not read files on a user's behalf.
 */
import { defineCommand } from "citty";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { JSON_FLAG, readFlags } from "./_args.ts";
import { parseEnvFile } from "./_env-file.ts";
import { runClientCommand, writeToTerminal } from "./client/call.ts";

const NAME = { type: "positional", required: true, description: "App or service" } as const;

async function fail(message: string): Promise<void> {
  await writeToTerminal("stderr", `${message}\n`);
  process.exitCode = 1;
}

export default defineCommand({
  meta: { name: "env", description: "Set environment variable overrides in containers" },
  subCommands: {
    list: defineCommand({
      meta: { name: "list", description: "List the overrides of one app or service, or of every activated one" },
      args: { app_or_service: { ...NAME, required: false }, ...JSON_FLAG },
      run: ({ args }) => runClientCommand("env.list", { name: args.app_or_service, ...readFlags(args) }),
    }),
    set: defineCommand({
      meta: { name: "set", description: "Set a variable, or every variable of an env file, for an app or service" },
      args: {
        app_or_service: NAME,
        var_name: { type: "positional", required: false, description: "Variable to set" },
        value: { type: "positional", required: false, description: "Its value" },
        file: { type: "string", description: "Read VAR=value lines from this file (as Compose reads env_file)", valueHint: "local_file" },
      },
      async run({ args }) {
        const [name, variable, value, ...extra] = args._.map(String);
        if (args.file !== undefined) {
          if (variable !== undefined) return fail("Cannot set environment overrides: give either VAR VALUE or --file FILE, not both");
          const path = resolve(process.cwd(), args.file);
          const text = await readFile(path, "utf8").catch(() => undefined);
          if (text === undefined) return fail(`Path ${path} does not exist or is not readable`);
          const vars = parseEnvFile(text);
          if (Object.keys(vars).length === 0) return fail(`Cannot set environment overrides: ${path} holds no VAR=value lines`);
          return runClientCommand("env.set", { name, vars, file: path });
        }
        if (variable === undefined || value === undefined || extra.length > 0) {
          return fail("Cannot set environment overrides: give a variable and one value (quote it if it has spaces), or --file FILE");
        }
        return runClientCommand("env.set", { name, vars: { [variable]: value } });
      },
    }),
    unset: defineCommand({
      meta: { name: "unset", description: "Remove one variable, or all of them, from an app or service" },
      args: {
        app_or_service: NAME,
        var_name: { type: "positional", required: false, description: "Variable to remove" },
        all: { type: "boolean", description: "Remove every variable of the app or service" },
      },
      run: ({ args }) => {
        const [name, variable] = args._.map(String);
        return runClientCommand("env.unset", { name, variable, all: args.all === true });
      },
    }),
  },
});
