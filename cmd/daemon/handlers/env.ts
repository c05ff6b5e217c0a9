/**
 * `env.list`, `env.set`, `env.unset` (test/env.test.ts): environment overrides per app or service, kept
 * in the config's `dusty_env_overrides` and applied at the next `dusty up`.
 * Args: list `name?`; set `name`, `vars` ({VAR: value or null}), `file?` (the path the client read
 * them from, for the message); unset `name` and `all: true` or `variable`.
 */
import { assembleSpecs } from "../../../core/assemble.ts";
import type { DustyConfig } from "../../../core/config.ts";
import { renderTable } from "../../../core/table.ts";
import { formatSuggestion } from "../../../core/validate-suggest.ts";
import { updateConfig } from "../../../platform/config-file.ts";
import { UserError } from "../../../platform/errors.ts";
import { outputJson } from "./_read-format.ts";
import { requireSetup } from "./_setup-gate.ts";
import { readConfiguredSpecs, readState } from "./_state.ts";
import type { CommandContext, Handler } from "./_types.ts";

type EnvVars = Record<string, string | null>;

/** `dusty env list [NAME]`: one app's or service's overrides, or those of every activated one. */
export const list: Handler<"env.list"> = {
  async run(ctx, args) {
    const { name, json } = args;
    const { config, specs } = await readSpecs(ctx);
    const overrides = config.dusty_env_overrides;
    if (name !== undefined) checkName(name, specs, "list");
    if (json) {
      const assembled = assembleSpecs(specs, config.bundles);
      const active = new Set([...Object.keys(assembled.apps), ...Object.keys(assembled.services)]);
      const rows = sortedEntries(overrides)
        .filter(([who]) => name === undefined || who === name)
        .flatMap(([who, vars]) => sortedEntries(vars).map(([variable, value]) => ({ name: who, variable, value: value ?? "", active: active.has(who) })));
      return outputJson(ctx, { overrides: rows });
    }
    if (name !== undefined) {
      const vars = sortedEntries(overrides[name] ?? {});
      if (vars.length === 0) ctx.output(`No environment overrides specified for ${name}`);
      else ctx.output(renderTable(["Variable", "Value"], vars.map(([v, value]) => [v, value ?? ""])).trimEnd());
      return 0;
    }
    const named = sortedEntries(overrides).filter(([, vars]) => Object.keys(vars).length > 0);
    if (named.length === 0) {
      ctx.output("No environment overrides specified");
      return 0;
    }
    const assembled = assembleSpecs(specs, config.bundles);
    const active = new Set([...Object.keys(assembled.apps), ...Object.keys(assembled.services)]);
    const rows = named
      .filter(([who]) => active.has(who))
      .flatMap(([who, vars]) => sortedEntries(vars).map(([v, value]) => [who, v, value ?? ""]));
    ctx.output("Listing environment overrides for activated apps and services:");
    if (rows.length > 0) ctx.output(renderTable(["App or Service", "Variable", "Value"], rows).trimEnd());
    else ctx.output("(none of the activated apps and services has overrides)");
    const inactive = named.map(([who]) => who).filter((who) => !active.has(who));
    if (inactive.length > 0) ctx.output(`Also set for apps or services not activated: ${inactive.join(", ")} (see \`dusty env list <name>\`)`);
    return 0;
  },
};

/** `dusty env set NAME VAR VALUE` and `dusty env set NAME --file FILE` (the client sends the file's variables). */
export const set: Handler<"env.set"> = {
  async run(ctx, args) {
    const { name, vars, file } = args;
    const { specs } = await readSpecs(ctx);
    checkName(name, specs, "set");
    await updateConfig(ctx.locations.configFile, (config) => withVars(config, name, { ...(config.dusty_env_overrides[name] ?? {}), ...vars }));
    if (file !== undefined) {
      ctx.output(`Successfully saved environment from file ${file} for ${name}: ${takesEffect(name)}`);
    } else {
      const [variable, value] = Object.entries(vars)[0]!;
      ctx.output(`Successfully saved ${variable}=${value ?? ""} for ${name}: ${takesEffect(name)}`);
    }
    return 0;
  },
};

/** `dusty env unset NAME --all` and `dusty env unset NAME VAR`. */
export const unset: Handler<"env.unset"> = {
  async run(ctx, args) {
    const { name, all, variable } = args;
    if (all === (variable !== undefined)) {
      throw new UserError("Cannot unset environment overrides: give either --all or one variable name, as in `dusty env unset <name> <var>`");
    }
    const { specs } = await readSpecs(ctx);
    checkName(name, specs, "unset");
    let found = false;
    await updateConfig(ctx.locations.configFile, (config) => {
      const vars = { ...(config.dusty_env_overrides[name] ?? {}) };
      if (all) return withVars(config, name, {});
      found = Object.hasOwn(vars, variable!);
      delete vars[variable!];
      return withVars(config, name, vars);
    });
    if (all) ctx.output(`Removed all environment overrides for ${name}: ${takesEffect(name)}`);
    else if (found) ctx.output(`Successfully deleted variable ${variable} from ${name}: ${takesEffect(name)}`);
    else ctx.output(`Variable ${variable} isn't set for ${name}`);
    return 0;
  },
};

async function readSpecs(ctx: CommandContext) {
  const state = await readState(ctx);
  requireSetup(state.config);
  const { loaded } = await readConfiguredSpecs(state, ctx);
  return { config: state.config, specs: loaded.specs };
}

// Names come from all specs, not only the active ones: overrides may be set before a bundle is activated.
function checkName(name: string, specs: { apps: object; services: object }, verb: string): void {
  if (Object.hasOwn(specs.apps, name) || Object.hasOwn(specs.services, name)) return;
  const known = [...Object.keys(specs.apps), ...Object.keys(specs.services)].sort();
  throw new UserError(
    `Cannot ${verb} environment overrides: no app or service named ${name}${formatSuggestion(name, known)}. ` +
      (known.length > 0 ? `Apps and services: ${known.join(", ")}` : "The specs define no apps or services"),
  );
}

// An empty map is removed, so the config keeps only what is really set.
function withVars(config: DustyConfig, name: string, vars: EnvVars): DustyConfig {
  const overrides = { ...config.dusty_env_overrides };
  if (Object.keys(vars).length === 0) delete overrides[name];
  else overrides[name] = vars;
  return { ...config, dusty_env_overrides: overrides };
}

function sortedEntries<T>(record: Record<string, T>): [string, T][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** When a container sees a changed override: compose puts the environment in at creation, and `up` recreates changed ones. */
function takesEffect(name: string): string {
  return `it takes effect at the next \`dusty up\`, which recreates ${name}'s container (\`dusty restart\` keeps the old environment)`;
}
