/**
 * Shell completions for bash, zsh and fish, rendered from the command tree (core/command-tree.ts):
 * commands, subcommands and flags are written into the script; names (apps, bundles, repos, suites,
 * scripts, config keys) are asked of the daemon while completing, through `dusty completion --names
 * KIND [APP]`, which prints nothing when the daemon does not answer.
 */
import { commandPaths, flagWords, KINDS_AFTER_APP, type CommandNode } from "./command-tree.ts";

/** The shells `dusty completion` writes a script for. */
export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

/** The completion script for `shell`. */
export function renderCompletion(root: CommandNode, shell: Shell): string {
  if (shell === "fish") return renderFish(root);
  const data = dataFunctions(root);
  return shell === "bash" ? renderBash(data) : renderZsh(data);
}

// The tree as four shell functions, each a `case` on the command path ("", "bundles", "bundles list").
// The syntax is the same in bash and zsh.
function dataFunctions(root: CommandNode): string {
  const paths = commandPaths(root);
  const fn = (name: string, value: (node: CommandNode) => string[]) => {
    const cases = paths
      .map(([path, node]) => [path.join(" "), value(node)] as const)
      .filter(([, words]) => words.length > 0)
      .map(([path, words]) => `    ${shellQuote(path)}) echo ${shellQuote(words.join(" "))} ;;`);
    return [`${name}() {`, '  case "$1" in', ...cases, "  esac", "}"].join("\n");
  };
  return [
    fn("_dusty_subcommands", (node) => node.subcommands.map((s) => s.name)),
    fn("_dusty_flags", (node) => node.flags.flatMap(flagWords)),
    fn("_dusty_value_flags", (node) => node.flags.filter((f) => f.takesValue).flatMap(flagWords)),
    // One word per positional: its kind ("-" for none), "..." after a positional that takes the rest.
    fn("_dusty_positionals", (node) => node.positionals.map((p) => `${p.kind ?? "-"}${p.variadic ? "..." : ""}`)),
  ].join("\n");
}

// Walks the words typed so far: subcommand words extend the command path until the first positional;
// a flag that takes a value swallows the next word.
function renderBash(data: string): string {
  return `# bash completion for dusty, generated from its command definitions by \`dusty completion bash\`.
# Install: dusty completion bash > /etc/bash_completion.d/dusty (or source it from ~/.bashrc).
${data}
_dusty() {
  local cur=\${COMP_WORDS[COMP_CWORD]} cmdpath="" word i skip=0 subs kind n before=""
  local -a positionals=() kinds=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=\${COMP_WORDS[i]}
    if ((skip)); then skip=0; continue; fi
    case "$word" in
      --*=*) continue ;;
      -*) [[ " $(_dusty_value_flags "$cmdpath") " == *" $word "* ]] && skip=1; continue ;;
    esac
    if ((\${#positionals[@]} == 0)) && [[ " $(_dusty_subcommands "$cmdpath") " == *" $word "* ]]; then
      cmdpath=\${cmdpath:+$cmdpath }$word
    else
      positionals+=("$word")
    fi
  done
  COMPREPLY=()
  if ((skip)); then COMPREPLY=($(compgen -f -- "$cur")); return 0; fi
  if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$(_dusty_flags "$cmdpath")" -- "$cur")); return 0; fi
  subs=$(_dusty_subcommands "$cmdpath")
  if [[ -n $subs ]] && ((\${#positionals[@]} == 0)); then COMPREPLY=($(compgen -W "$subs" -- "$cur")); return 0; fi
  kinds=($(_dusty_positionals "$cmdpath"))
  ((\${#kinds[@]} == 0)) && return 0
  n=\${#positionals[@]}
  if ((n < \${#kinds[@]})); then kind=\${kinds[n]}; else kind=\${kinds[\${#kinds[@]} - 1]}; [[ $kind == *... ]] || kind=-; fi
  kind=\${kind%...}
  ((n > 0)) && before=\${positionals[n - 1]}
  case "$kind" in
    -) ;;
    files) COMPREPLY=($(compgen -f -- "$cur")) ;;
    *) COMPREPLY=($(compgen -W "$("\${COMP_WORDS[0]}" completion --names "$kind" $before 2>/dev/null)" -- "$cur")) ;;
  esac
  return 0
}
complete -F _dusty dusty
`;
}

// The same walk as bash's, over zsh's 1-based \`words\`; \`path\` is zsh's PATH array, hence cmdpath.
function renderZsh(data: string): string {
  return `#compdef dusty
# zsh completion for dusty, generated from its command definitions by \`dusty completion zsh\`.
# Install: dusty completion zsh > "\${fpath[1]}/_dusty" (then start a new shell).
${data}
_dusty() {
  local cur=\${words[CURRENT]} cmdpath="" word i skip=0 subs kind n before=""
  local -a positionals kinds
  for ((i = 2; i < CURRENT; i++)); do
    word=\${words[i]}
    if ((skip)); then skip=0; continue; fi
    case "$word" in
      --*=*) continue ;;
      -*) [[ " $(_dusty_value_flags "$cmdpath") " == *" $word "* ]] && skip=1; continue ;;
    esac
    if ((\${#positionals} == 0)) && [[ " $(_dusty_subcommands "$cmdpath") " == *" $word "* ]]; then
      cmdpath=\${cmdpath:+$cmdpath }$word
    else
      positionals+=("$word")
    fi
  done
  if ((skip)); then _files; return; fi
  if [[ $cur == -* ]]; then compadd -- \${=$(_dusty_flags "$cmdpath")}; return; fi
  subs=$(_dusty_subcommands "$cmdpath")
  if [[ -n $subs ]] && ((\${#positionals} == 0)); then compadd -- \${=subs}; return; fi
  kinds=(\${=$(_dusty_positionals "$cmdpath")})
  ((\${#kinds} == 0)) && return 1
  n=\${#positionals}
  if ((n < \${#kinds})); then kind=\${kinds[n + 1]}; else kind=\${kinds[-1]}; [[ $kind == *... ]] || kind=-; fi
  kind=\${kind%...}
  ((n > 0)) && before=\${positionals[n]}
  case "$kind" in
    -) return 1 ;;
    files) _files ;;
    *) compadd -- \${(f)"$(\${words[1]} completion --names $kind $before 2>/dev/null)"} ;;
  esac
}
_dusty "$@"
`;
}

function renderFish(root: CommandNode): string {
  const paths = commandPaths(root);
  const lines = [
    "# fish completion for dusty, generated from its command definitions by `dusty completion fish`.",
    "# Install: dusty completion fish > ~/.config/fish/completions/dusty.fish",
    "function __dusty_subcommands",
    '  switch "$argv[1]"',
    ...paths
      .filter(([, node]) => node.subcommands.length > 0)
      .flatMap(([path, node]) => [`    case ${fishQuote(path.join(" "))}`, `      printf '%s\\n' ${node.subcommands.map((s) => fishQuote(s.name)).join(" ")}`]),
    "  end",
    "end",
    "# The command path typed so far: subcommand words up to the first other word.",
    "function __dusty_path",
    "  set -l words (commandline -opc)",
    "  set -e words[1]",
    "  set -l cmdpath",
    "  for word in $words",
    "    string match -q -- '-*' $word; and continue",
    '    contains -- $word (__dusty_subcommands "$cmdpath"); or break',
    "    set cmdpath $cmdpath $word",
    "  end",
    '  string join " " -- $cmdpath',
    "end",
    "# The first word after the command path: the app whose suites or scripts are completed.",
    "function __dusty_first_arg",
    "  set -l words (commandline -opc)",
    "  set -l depth (count (string split -n ' ' -- (__dusty_path)))",
    "  for word in $words[(math $depth + 2)..-1]",
    "    string match -q -- '-*' $word; and continue",
    "    echo $word",
    "    return",
    "  end",
    "end",
    "function __dusty_at",
    '  test "$(__dusty_path)" = "$argv[1]"',
    "end",
    "complete -c dusty -f",
  ];
  for (const [path, node] of paths) {
    const at = `-n ${fishQuote(`__dusty_at ${fishQuote(path.join(" "))}`)}`;
    for (const sub of node.subcommands) lines.push(`complete -c dusty ${at} -a ${fishQuote(sub.name)} -d ${fishQuote(sub.description)}`);
    for (const flag of node.flags) {
      const short = flag.aliases.filter((a) => a.length === 1).map((a) => ` -s ${a}`).join("");
      const value = flag.takesValue ? " -r" : "";
      lines.push(`complete -c dusty ${at} -l ${flag.name}${short}${value} -d ${fishQuote(flag.description)}`);
      if (flag.negatable) lines.push(`complete -c dusty ${at} -l no-${flag.name} -d ${fishQuote(flag.negativeDescription ?? `Not --${flag.name}`)}`);
    }
    for (const positional of node.positionals) {
      if (!positional.kind) continue;
      if (positional.kind === "files") {
        lines.push(`complete -c dusty ${at} -F`);
        continue;
      }
      const app = KINDS_AFTER_APP.includes(positional.kind) ? " (__dusty_first_arg)" : "";
      const condition = KINDS_AFTER_APP.includes(positional.kind) ? `-n ${fishQuote(`__dusty_at ${fishQuote(path.join(" "))}; and test -n "$(__dusty_first_arg)"`)}` : at;
      lines.push(`complete -c dusty ${condition} -a ${fishQuote(`(dusty completion --names ${positional.kind}${app} 2>/dev/null)`)}`);
    }
  }
  return lines.join("\n") + "\n";
}

/** One word for a POSIX shell (bash and zsh read single quotes alike). */
function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** One word for fish: inside single quotes only \\ and ' are special. */
function fishQuote(text: string): string {
  return `'${text.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
}
