"""`asr-guard completion bash|zsh|fish`: a shell completion script, generated from the
command line's own parser (as `pip completion` prints one), so it names every command, option
and choice value this version has, with no completion package to install.

    asr-guard completion bash > ~/.local/share/bash-completion/completions/asr-guard
    source <(asr-guard completion zsh)        # in ~/.zshrc
    asr-guard completion fish > ~/.config/fish/completions/asr-guard.fish

Completed: commands; each command's options; the values of options with choices (`--format`,
`--fail-on`, `--engine`, ...) and rule ids for `--rule`, `--skip-rule` and `--explain`; file
names for options and arguments that name files, directory names for those that name
directories. zsh runs the bash function through its bashcompinit.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass

SHELLS = ("bash", "zsh", "fish")
PROGRAM = "asr-guard"
_FILE_METAVARS = frozenset({"FILE", "PATH", "TEMPLATE", "[TEMPLATE=]FILE", "PLAN"})
_WORD = re.compile(r"^[A-Za-z0-9_.:=/+@-]+$")


# The rule ids each rule option completes to (argparse dest -> ids).
RuleIds = dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Option:
    names: tuple[str, ...]
    takes_value: bool
    values: tuple[str, ...]  # the words its value may be (choices, rule ids)
    files: str  # "file", "dir" or "" (what its value names)
    help: str


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    options: tuple[Option, ...]
    arguments: bool  # it takes positional arguments
    argument_values: tuple[str, ...]  # the words they may be (choices), else files


def _files(action: argparse.Action) -> str:
    metavar = action.metavar if isinstance(action.metavar, str) else ""
    if metavar == "DIR":
        return "dir"
    return "file" if metavar in _FILE_METAVARS else ""


def _option(action: argparse.Action, rule_ids: RuleIds) -> Option:
    takes_value = action.nargs != 0
    if action.choices is not None:
        values = tuple(str(choice) for choice in action.choices)
    elif action.dest in rule_ids:
        values = rule_ids[action.dest]
    else:
        values = ()
    return Option(
        names=tuple(action.option_strings),
        takes_value=takes_value,
        values=values,
        files="" if values else _files(action),
        help=_first_sentence(action.help or ""),
    )


def _first_sentence(text: str) -> str:
    text = " ".join(text.replace("%%", "%").split())
    for stop in ("; ", ": ", " (", ", e.g."):
        text = text.split(stop)[0]
    return text[:80]


def commands(
    parser: argparse.ArgumentParser, rule_ids: RuleIds
) -> tuple[tuple[Option, ...], tuple[Command, ...]]:
    """The parser's top-level options and its commands with their options."""
    top: list[Option] = []
    found: list[Command] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
            for name, sub in action.choices.items():
                options = tuple(_option(a, rule_ids) for a in sub._actions if a.option_strings)
                positionals = [a for a in sub._actions if not a.option_strings]
                words = tuple(str(c) for a in positionals for c in (a.choices or ()))
                help_text = _first_sentence(helps.get(name, ""))
                found.append(Command(name, help_text, options, bool(positionals), words))
        elif action.option_strings:
            top.append(_option(action, rule_ids))
    return tuple(top), tuple(found)


def _words(words: tuple[str, ...]) -> str:
    for word in words:
        if not _WORD.match(word):
            raise ValueError(f"not a completion word: {word!r}")
    return " ".join(words)


def _bash_options(options: tuple[Option, ...], indent: str) -> list[str]:
    """`case "$prev"` arms for the options that take a value, then the option names."""
    lines = [f'{indent}case "$prev" in']
    for option in options:
        if not option.takes_value:
            continue
        pattern = "|".join(option.names)
        if option.values:
            action = f'_asr_guard_reply < <(compgen -W "{_words(option.values)}" -- "$cur"); return'
        elif option.files == "dir":
            action = '_asr_guard_reply < <(compgen -d -- "$cur"); return'
        elif option.files == "file":
            action = '_asr_guard_reply < <(compgen -f -- "$cur"); return'
        else:
            action = "return"  # free text: nothing to offer
        lines.append(f"{indent}    {pattern}) {action} ;;")
    lines.append(f"{indent}esac")
    names = _words(tuple(name for option in options for name in option.names))
    lines += [
        f'{indent}if [[ "$cur" == -* ]]; then',
        f'{indent}    _asr_guard_reply < <(compgen -W "{names}" -- "$cur"); return',
        f"{indent}fi",
    ]
    return lines


def bash(parser: argparse.ArgumentParser, rule_ids: RuleIds) -> str:
    top, found = commands(parser, rule_ids)
    names = _words(tuple(command.name for command in found))
    lines = [
        f"# {PROGRAM} completion for bash (generated by `{PROGRAM} completion bash`)",
        "# The candidates, one a line (file names may hold spaces).",
        "_asr_guard_reply() {",
        "    local line",
        "    COMPREPLY=()",
        '    while IFS= read -r line; do COMPREPLY+=("$line"); done',
        "}",
        "_asr_guard() {",
        "    local cur prev command word i",
        '    cur="${COMP_WORDS[COMP_CWORD]}"',
        '    prev=""',
        '    (( COMP_CWORD > 0 )) && prev="${COMP_WORDS[COMP_CWORD-1]}"',
        '    command=""',
        "    for (( i = 1; i < COMP_CWORD; i++ )); do",
        '        word="${COMP_WORDS[i]}"',
        '        case "$word" in',
        f'            {names.replace(" ", "|")}) command="$word"; break ;;',
        "        esac",
        "    done",
        "    COMPREPLY=()",
        '    case "$command" in',
    ]
    for command in found:
        lines.append(f"        {command.name})")
        lines += _bash_options(command.options, " " * 12)
        if command.argument_values:
            words = _words(command.argument_values)
            lines.append(f'            _asr_guard_reply < <(compgen -W "{words}" -- "$cur")')
        elif command.arguments:
            lines.append('            _asr_guard_reply < <(compgen -f -- "$cur")')
        lines.append("            ;;")
    lines.append('        "")')
    lines += _bash_options(top, " " * 12)
    lines += [
        f'            _asr_guard_reply < <(compgen -W "{names}" -- "$cur")',
        "            ;;",
        "    esac",
        "}",
        f"complete -o bashdefault -o default -F _asr_guard {PROGRAM}",
    ]
    return "\n".join(lines) + "\n"


def zsh(parser: argparse.ArgumentParser, rule_ids: RuleIds) -> str:
    return (
        f"# {PROGRAM} completion for zsh (generated by `{PROGRAM} completion zsh`): the bash\n"
        "# completion, run by zsh's bashcompinit. Source it: source <(asr-guard completion zsh)\n"
        "autoload -U +X compinit && { (( $+functions[compdef] )) || compinit; }\n"
        "autoload -U +X bashcompinit && bashcompinit\n" + bash(parser, rule_ids)
    )


def _fish_text(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _fish_option(condition: str, option: Option) -> str:
    parts = [f"complete -c {PROGRAM} -n {_fish_text(condition)}"]
    for name in option.names:
        parts.append(f"-l {name[2:]}" if name.startswith("--") else f"-s {name[1:]}")
    if option.values:
        parts.append(f"-x -a {_fish_text(_words(option.values))}")
    elif option.files == "dir":
        parts.append("-x -a '(__fish_complete_directories)'")
    elif option.files == "file":
        parts.append("-r -F")
    elif option.takes_value:
        parts.append("-x")
    if option.help:
        parts.append(f"-d {_fish_text(option.help)}")
    return " ".join(parts)


def fish(parser: argparse.ArgumentParser, rule_ids: RuleIds) -> str:
    top, found = commands(parser, rule_ids)
    lines = [f"# {PROGRAM} completion for fish (generated by `{PROGRAM} completion fish`)"]
    for command in found:
        lines.append(
            f"complete -c {PROGRAM} -f -n '__fish_use_subcommand' -a {command.name} "
            f"-d {_fish_text(command.help)}"
        )
    for option in top:
        lines.append(_fish_option("__fish_use_subcommand", option))
    for command in found:
        seen = f"__fish_seen_subcommand_from {command.name}"
        for option in command.options:
            lines.append(_fish_option(seen, option))
        if command.argument_values:
            words = _fish_text(_words(command.argument_values))
            lines.append(f"complete -c {PROGRAM} -f -n {_fish_text(seen)} -a {words}")
        elif command.arguments:
            lines.append(f"complete -c {PROGRAM} -F -n {_fish_text(seen)}")
    return "\n".join(lines) + "\n"


def script(shell: str, parser: argparse.ArgumentParser, rule_ids: RuleIds) -> str:
    """The completion script for `shell` (one of SHELLS)."""
    return {"bash": bash, "zsh": zsh, "fish": fish}[shell](parser, rule_ids)
