import type { Command } from 'commander';
import { expandLocalZone } from './local-zone.js';

/** Shells `logscope completion SHELL` writes a script for. */
export const COMPLETION_SHELLS = ['bash', 'zsh'] as const;
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

interface OptionSpec {
  flags: string[];
  takesValue: boolean;
  description: string;
}

interface CommandSpec {
  name: string;
  description: string;
  options: OptionSpec[];
}

/** The visible commands and options of the program, read from commander's table so the scripts never drift from it. */
function listCommands(program: Command): CommandSpec[] {
  return program.commands
    .filter((c) => !(c as unknown as { _hidden?: boolean })._hidden)
    .map((c) => ({
      name: c.name(),
      description: c.description(),
      options: [
        ...c.options.filter((o) => !o.hidden).map((o) => ({ flags: [o.long, o.short].filter((f): f is string => f !== undefined), takesValue: o.required || o.optional, description: expandLocalZone(o.description ?? '') })),
        { flags: ['--help', '-h'], takesValue: false, description: 'display help for command' },
      ],
    }));
}

/**
 * A completion script for `shell`, generated from the program's command table.
 *
 * @example logscope completion bash > ~/.local/share/bash-completion/completions/logscope
 */
export function createCompletionScript(program: Command, shell: CompletionShell): string {
  return shell === 'bash' ? createBashScript(program) : createZshScript(program);
}

function createBashScript(program: Command): string {
  const commands = listCommands(program);
  const cases = commands.map((c) => `      ${c.name}) words="${c.options.flatMap((o) => o.flags).join(' ')}" ;;`);
  return `# bash completion for logscope, written by \`logscope completion bash\` from its command table.
# Load it with: source <(logscope completion bash)
_logscope() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" words=""
  if [ "$COMP_CWORD" -eq 1 ]; then
    words="${commands.map((c) => c.name).join(' ')} --help --version"
  elif [[ "$cur" == -* ]]; then
    case "\${COMP_WORDS[1]}" in
${cases.join('\n')}
    esac
  fi
  # Anything else (inputs, option values) falls back to file names (complete -o default).
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
}
complete -o default -F _logscope logscope
`;
}

/** Text inside a single-quoted zsh word, with the characters _arguments and _describe treat specially escaped. */
function quoteZsh(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/([[\]:])/g, '\\$1').replace(/'/g, `'\\''`);
}

function createZshScript(program: Command): string {
  const commands = listCommands(program);
  const described = commands.map((c) => `    '${quoteZsh(c.name)}:${quoteZsh(c.description)}'`);
  const cases = commands.map((c) => {
    const specs = c.options.map((o) => {
      const names = o.flags.length > 1 ? `'(${o.flags.join(' ')})'{${o.flags.join(',')}}` : o.flags[0];
      return `        ${names}'[${quoteZsh(o.description)}]${o.takesValue ? ':value:_files' : ''}'`;
    });
    return `    (${c.name})\n      _arguments -s \\\n${[...specs, `        '*:file:_files'`].join(' \\\n')}\n      ;;`;
  });
  return `#compdef logscope
# zsh completion for logscope, written by \`logscope completion zsh\` from its command table.
# Load it with: source <(logscope completion zsh)   (after compinit)
_logscope() {
  local -a commands
  commands=(
${described.join('\n')}
  )
  if (( CURRENT == 2 )); then
    _describe -t commands 'logscope command' commands
    return
  fi
  case \${words[2]} in
${cases.join('\n')}
  esac
}
if [ "\${funcstack[1]}" = "_logscope" ]; then
  _logscope "$@"
else
  compdef _logscope logscope
fi
`;
}
