/**
 * Help text for every command. citty's own usage line loses the root name two levels down
 * (`bundles activate` instead of `dusty bundles activate`), so the name is put back here.
 */
import { renderUsage, type ArgsDef, type CommandDef } from "citty";
import { forStream } from "./_color.ts";

async function nameOf<T extends ArgsDef>(cmd: CommandDef<T> | undefined): Promise<string | undefined> {
  const meta = typeof cmd?.meta === "function" ? await cmd.meta() : await cmd?.meta;
  return meta?.name;
}

/** Renders a command's help with its full name, as `dusty <group> <command>`. */
export async function renderFullUsage<T extends ArgsDef = ArgsDef>(cmd: CommandDef<T>, parent?: CommandDef<T>): Promise<string> {
  const text = await renderUsage(cmd, parent);
  const [name, parentName] = [await nameOf(cmd), await nameOf(parent)];
  if (!name || !parentName || parentName === "dusty") return text;
  // citty writes "<group> <command>" where the user typed "dusty <group> <command>".
  return text.replace(new RegExp(`(?<!dusty )\\b${parentName} ${name}\\b`, "g"), `dusty ${parentName} ${name}`);
}

/** Prints a command's help (citty's showUsage, with the full name). */
export async function showFullUsage<T extends ArgsDef = ArgsDef>(cmd: CommandDef<T>, parent?: CommandDef<T>): Promise<void> {
  process.stdout.write(forStream("stdout", await renderFullUsage(cmd, parent)) + "\n");
}
