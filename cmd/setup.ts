/**
 * `dusty setup`: asks for what the flags did not give (only at a terminal; otherwise it takes sensible
 * defaults), then sends everything to the daemon in one request, which saves it and pulls the specs.
 */
import { defineCommand } from "citty";
import { totalmem } from "node:os";
import { createInterface } from "node:readline";
import { findUser, invokingUserName } from "../platform/users.ts";
import { absoluteRepoArg } from "./_repo-arg.ts";
import { runClientCommand, writeToTerminal } from "./client/call.ts";

/** Memory for the VM from the machine's total: 6144 MB from 16 GB, 4096 from 8 GB, else 2048. */
export function recommendVmMemory(totalMb: number): number {
  if (totalMb >= 16384) return 6144;
  if (totalMb >= 8192) return 4096;
  return 2048;
}

/** True for the answers that mean yes: y, Y, or just Enter. */
export function isYes(answer: string): boolean {
  return ["", "y", "Y"].includes(answer.trim());
}

const say = (text: string) => writeToTerminal("stderr", `${text}\n`);

export default defineCommand({
  meta: { name: "setup", description: "Configure Dusty after installation" },
  args: {
    mac_username: { type: "string", description: "User who runs Dusty (VM, Docker and Compose commands run as this user)", valueHint: "user" },
    default_specs_repo: { type: "string", description: "Specs repo: a URL or an absolute path (empty: the built-in example)", valueHint: "specs_repo" },
    vm_memory: { type: "string", description: "Memory of the Docker VM, in MB", valueHint: "memory_mb" },
    boot2docker_vm_memory: { type: "string", description: "Same as --vm_memory (Dusty 0.4's name)", valueHint: "memory_mb" },
    update: { type: "boolean", default: true, description: "Pull the specs repo once set up", negativeDescription: "Do not pull the specs repo" },
  },
  async run({ args }) {
    const interactive = process.stdin.isTTY === true;
    const prompt = interactive ? openPrompt() : undefined;
    try {
      await say("We just need to verify a few settings before we get started.\n");
      const macUsername = await chooseUser(args.mac_username, prompt);
      const specsRepo = await chooseSpecsRepo(args.default_specs_repo, prompt);
      const vmMemory = await chooseVmMemory(args.vm_memory ?? args.boot2docker_vm_memory, prompt);
      prompt?.close();
      await runClientCommand("setup", {
        mac_username: macUsername,
        specs_repo: specsRepo,
        vm_memory_size: vmMemory,
        update: args.update !== false,
        // The daemon has no SSH agent of its own: git uses the caller's to pull the specs repo.
        sshAuthSock: process.env.SSH_AUTH_SOCK || undefined,
      });
    } catch (error) {
      if (error instanceof SetupInputError) await say(error.message);
      else if (error instanceof PromptClosedError) await say("\nSetup cancelled: nothing was changed");
      else throw error;
      process.exitCode = 1;
    } finally {
      prompt?.close();
    }
  },
});

/** Input ended (Ctrl-D) before every question had an answer. */
class PromptClosedError extends Error {}
/** Setup cannot go on without an answer the user must give. */
class SetupInputError extends Error {}

/** Reads answers line by line from a terminal; lines typed ahead wait for their question. */
export interface Prompt {
  lines: AsyncIterator<string>;
  close(): void;
}

// terminal: false leaves editing and echo to the terminal's own line discipline, and the iterator
// buffers lines typed (or pasted) ahead, which readline's question() would drop.
function openPrompt(): Prompt {
  const reader = createInterface({ input: process.stdin, terminal: false });
  return { lines: reader[Symbol.asyncIterator](), close: () => reader.close() };
}

/** Asks one question; rejects with PromptClosedError when input ends (Ctrl-D) before an answer. */
async function ask(prompt: Prompt, question: string): Promise<string> {
  await writeToTerminal("stderr", question);
  const next = await prompt.lines.next();
  if (next.done) throw new PromptClosedError();
  return next.value;
}

async function chooseUser(flag: string | undefined, prompt: Prompt | undefined): Promise<string> {
  if (flag !== undefined) {
    await say(`Setting mac_username to ${flag} based on flag`);
    return flag;
  }
  // os.userInfo() says "unknown" under bun when USER is unset, so the passwd entry of our uid decides.
  const proposed = await invokingUserName(process.env, process.getuid?.());
  if (!prompt) {
    if (proposed === undefined) throw new SetupInputError("Cannot tell which user runs dusty: pass --mac_username=<user>");
    await say(`Setting mac_username to ${proposed}: the user running dusty setup`);
    return proposed;
  }
  await say("mac_username: the user who runs Dusty; VM, Docker and Compose commands run as this user.");
  let name =
    proposed !== undefined && isYes(await ask(prompt, `Is ${proposed} the username under which you'll primarily use Dusty? (y/n): `))
      ? proposed
      : (await ask(prompt, "Enter your actual mac_username: ")).trim();
  while (!(await findUser(name))) {
    name = (await ask(prompt, `No user found named ${name}. Enter your actual mac_username: `)).trim();
  }
  return name;
}

async function chooseSpecsRepo(flag: string | undefined, prompt: Prompt | undefined): Promise<string> {
  let repo = flag;
  if (repo !== undefined && repo.trim() !== "") {
    repo = absoluteRepoArg(repo.trim(), process.cwd());
    await say(`Setting specs_repo to ${repo} based on flag`);
    return repo;
  }
  if (repo === undefined && prompt) {
    await say("specs_repo: the repo holding your specs, managed like other repos.");
    await say("Repos may be specified with a URL (e.g. github.com/org/repo) or an absolute file path to a local repository");
    repo = (await ask(prompt, "Input the path to your specs repo, or leave blank to start with the example specs: ")).trim();
    if (repo !== "") return absoluteRepoArg(repo, process.cwd());
  }
  await say("Using the built-in example specs");
  return "";
}

async function chooseVmMemory(flag: string | undefined, prompt: Prompt | undefined): Promise<string> {
  if (flag !== undefined) {
    await say(`Setting vm_memory_size to ${flag} based on flag`);
    return flag;
  }
  const totalMb = Math.floor(totalmem() / 1024 / 1024);
  const recommended = String(recommendVmMemory(totalMb));
  if (!prompt) {
    await say(`Setting vm_memory_size to ${recommended}: this machine has ${totalMb} megabytes of memory`);
    return recommended;
  }
  const question = `Your system seems to have ${totalMb} megabytes of memory. We would like to allocate ${recommended} to your vm. Is that ok? (y/n) `;
  if (isYes(await ask(prompt, question))) return recommended;
  for (;;) {
    const answer = (await ask(prompt, "Please input the number of megabytes to allocate to the vm: ")).trim();
    if (/^[1-9]\d*$/.test(answer)) return answer;
    await say(`${answer || "(nothing)"} is not a whole number of megabytes`);
  }
}
