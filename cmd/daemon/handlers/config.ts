/**
 * `config.list`, `config.listvalues`, `config.set` (test/config.test.ts). Args of set: `key`, `value` (strings).
 * None of them needs specs, so they work before `dusty setup` (to inspect or repair a fresh install).
 */
import { CONFIG_SETTINGS, renderConfig, setConfigValue } from "../../../core/config.ts";
import { renderTable } from "../../../core/table.ts";
import { updateConfig } from "../../../platform/config-file.ts";
import { UserError } from "../../../platform/errors.ts";
import { findUser } from "../../../platform/users.ts";
import { outputJson, outputNames } from "./_read-format.ts";
import { readState } from "./_state.ts";
import type { Handler } from "./_types.ts";

/** `dusty config list`: every user-facing key with its description and value. */
export const list: Handler<"config.list"> = {
  async run(ctx, args) {
    const format = args;
    const { config } = await readState(ctx);
    const values = config as Record<string, unknown>;
    if (format.quiet) return outputNames(ctx, CONFIG_SETTINGS.map((setting) => setting.key));
    if (format.json) {
      const settings = CONFIG_SETTINGS.map(({ key, description }) => ({ key, description, value: values[key] ?? null }));
      return outputJson(ctx, { settings });
    }
    const rows = CONFIG_SETTINGS.map((setting) => [setting.key, setting.description, formatValue(values[setting.key])]);
    ctx.output(renderTable(["Key", "Description", "Value"], rows).trimEnd());
    return 0;
  },
};

/** `dusty config listvalues`: the whole config as YAML, for scripts. */
export const listValues: Handler<"config.listvalues"> = {
  async run(ctx) {
    const { config } = await readState(ctx);
    // Without the file's comment header: the output is data, and the header speaks of the file.
    ctx.output(renderConfig(config).replace(/^(#.*\n)+/, "").trimEnd());
    return 0;
  },
};

/** `dusty config set KEY VALUE`: sets one single-value key; `mac_username` must name a user of this machine. */
export const set: Handler<"config.set"> = {
  async run(ctx, args) {
    const { key, value } = args;
    await readState(ctx);
    if (key === "mac_username") await checkUserExists(value);
    await updateConfig(ctx.locations.configFile, (config) => {
      const result = setConfigValue(config, key, value);
      if ("error" in result) throw new UserError(result.error);
      return result.config;
    });
    const effect = CONFIG_SETTINGS.find((s) => s.key === key)?.takesEffect;
    ctx.output(`Set ${key} to ${value} in your config${effect ? `: ${effect}` : ""}`);
    return 0;
  },
};

/** Throws the original's message when no account on this machine has the name. */
export async function checkUserExists(name: string): Promise<void> {
  if (!(await findUser(name))) {
    throw new UserError(`No user found named ${name}: mac_username must be a user of this machine (see \`getent passwd\`)`);
  }
}

/** A config value as one table cell: lists joined by commas, maps one `key: value` line per entry. */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.map(formatValue).join(", ");
  if (typeof value === "object") {
    return Object.entries(value)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, item]) => `${key}: ${isMap(item) ? formatEnv(item) : formatValue(item)}`)
      .join("\n");
  }
  return String(value);
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

// dusty_env_overrides: `web: A=1, B=2`, as a user would write them.
function formatEnv(vars: Record<string, unknown>): string {
  return Object.entries(vars)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => (value === null ? name : `${name}=${String(value)}`))
    .join(", ");
}
