/**
 * Reads `dusty env set NAME --file FILE` files the way Compose reads `env_file`: one VAR=value per line,
 * blank lines and `#` comments skipped, split at the first "=", a line without "=" names a variable
 * taken from the environment (null). Like Compose v2 it also accepts `export VAR=…` and strips one pair
 * of matching quotes around a value, so a file written for Compose gives the same values here.
 */

/** Variables of an env file, in file order; a later line wins over an earlier one. */
export function parseEnvFile(text: string): Record<string, string | null> {
  const vars: Record<string, string | null> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const body = /^export\s+/.test(line) ? line.replace(/^export\s+/, "") : line;
    const equals = body.indexOf("=");
    if (equals === -1) {
      vars[body] = null;
      continue;
    }
    vars[body.slice(0, equals).trim()] = unquote(body.slice(equals + 1).trim());
  }
  return vars;
}

function unquote(value: string): string {
  const first = value[0];
  if (value.length >= 2 && (first === '"' || first === "'") && value.endsWith(first)) return value.slice(1, -1);
  return value;
}
