/** Whether dusty colors a stream, from the environment and whether the stream is a terminal. */

/** NO_COLOR (any value but empty) never colors; FORCE_COLOR always does ("0" or "false": never); else only a terminal that is not TERM=dumb. */
export function wantsColor(env: Readonly<Record<string, string | undefined>>, isTerminal: boolean): boolean {
  if ((env.NO_COLOR ?? "") !== "") return false;
  if (env.FORCE_COLOR !== undefined) return !["0", "false"].includes(env.FORCE_COLOR);
  return isTerminal && env.TERM !== "dumb";
}
