/** The `test` request as the daemon accepts it: the client's args come from the wire, so check every field. */
import type { TestRequest } from "../../../core/command-args.ts";
import { UserError } from "../../../platform/errors.ts";

/** Checks the wire args of `test`; a bad field throws a UserError naming it. */
export function parseTestRequest(args: Record<string, unknown>): TestRequest {
  const text = (key: string): string | undefined => {
    const value = args[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "string" || value === "") throw badField(key, "a non-empty string");
    return value;
  };
  const flag = (key: string, fallback: boolean): boolean => {
    const value = args[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== "boolean") throw badField(key, "true or false");
    return value;
  };
  const list = args.args ?? [];
  if (!Array.isArray(list) || !list.every((a) => typeof a === "string")) throw badField("args", "a list of strings");
  const request: TestRequest = { name: text("name"), suite: text("suite"), args: list, recreate: flag("recreate", false), pull: flag("pull", true), json: flag("json", false), quiet: flag("quiet", false) };
  if (request.suite !== undefined && request.name === undefined) throw badField("name", "an app or lib name when a suite is given");
  if ((request.json || request.quiet) && request.suite !== undefined) {
    throw new UserError(`Cannot run suite ${request.suite} with ${request.json ? "--json" : "--quiet"}: those list the suites. Leave out the suite name to list them`);
  }
  return request;
}

function badField(key: string, expected: string): UserError {
  return new UserError(`Cannot run test: the request's "${key}" must be ${expected}. Update the dusty client to the daemon's version`);
}
