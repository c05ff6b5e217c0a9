/**
 * Runs a command body in the client: its number becomes the exit code, an error goes to the one printer
 * (`reportFailure` in call.ts).
 */
import { reportFailure } from "./call.ts";

/** Runs a command body; its number, if any, becomes the exit code. */
export async function runGuarded(body: () => Promise<number | void>): Promise<void> {
  try {
    const code = await body();
    if (typeof code === "number" && code !== 0) process.exitCode = code;
  } catch (error) {
    await reportFailure(error);
  }
}
