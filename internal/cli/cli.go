// Package cli is the frame of a command line made of commands, as
// cmd/go's base package is go's: a table of commands, each given its own
// flag set and streams when it runs, one way to print help, and one
// convention for exit codes. It knows none of kb's commands; cmd/kb fills
// the table.
//
// Help asked for ("-h", "--help", "PROGRAM help [COMMAND]") is printed on stdout
// and exits OK; a usage error is said on stderr, followed by the
// command's help, and exits Usage.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Exit codes.
const (
	OK       = 0 // done, no problems
	Problems = 1 // done, and it found problems (in the content, the index…)
	Usage    = 2 // not done: the command line was wrong
)

// Program is a command line: its name, what it is, and its commands.
type Program struct {
	Name     string            // as typed: "kb"
	Title    string            // what it is, the first line of its usage
	Footer   string            // the last lines of its usage, if any
	Commands []Command         // in the order its usage lists them
	Aliases  map[string]string // other names of commands ("--version": "version")
}

// Command is one of a program's commands.
type Command struct {
	Name    string
	Args    string // its arguments other than flags, for its usage line
	Summary string // what it does, in a line
	More    string // the rest of its help, if any
	Run     func(context.Context, *Invocation) int
}

// Invocation is one run of a command: its arguments, its streams and the
// flag set it declares its flags on before it parses them.
type Invocation struct {
	Args  []string
	In    io.Reader
	Out   io.Writer
	Err   io.Writer
	Flags *flag.FlagSet

	prog *Program
	cmd  *Command
}

// Run runs the command args names with the rest of args and returns its
// exit code.
func (p *Program) Run(ctx context.Context, args []string, in io.Reader, out, errOut io.Writer) int {
	if len(args) == 0 {
		p.WriteUsage(errOut)
		return Usage
	}
	name := args[0]
	switch name {
	case "help", "-h", "--help":
		if len(args) > 1 && name == "help" { // "kb help build" is "kb build -h"
			return p.Run(ctx, []string{args[1], "-h"}, in, out, errOut)
		}
		p.WriteUsage(out)
		return OK
	}
	if alias, ok := p.Aliases[name]; ok {
		name = alias
	}
	inv, ok := p.invocation(name, args[1:], in, out, errOut)
	if !ok {
		fmt.Fprintf(errOut, "%s: unknown command %q\n\n", p.Name, name)
		p.WriteUsage(errOut)
		return Usage
	}
	return inv.cmd.Run(ctx, inv)
}

// invocation prepares a run of the command name.
func (p *Program) invocation(name string, args []string, in io.Reader, out, errOut io.Writer) (*Invocation, bool) {
	i := slices.IndexFunc(p.Commands, func(c Command) bool { return c.Name == name })
	if i < 0 {
		return nil, false
	}
	fs := flag.NewFlagSet(p.Name+" "+name, flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.Usage = func() {} // Parsed prints the help, on the stream it belongs on
	return &Invocation{Args: args, In: in, Out: out, Err: errOut, Flags: fs, prog: p, cmd: &p.Commands[i]}, true
}

// WriteUsage writes the program's usage: its commands, a line each.
func (p *Program) WriteUsage(w io.Writer) {
	fmt.Fprintf(w, "%s\n\nUsage: %s COMMAND [flags]\n\nCommands:\n", p.Title, p.Name)
	for _, c := range p.Commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.Name, c.Summary)
	}
	fmt.Fprintf(w, "\nRun \"%s COMMAND -h\" for a command's flags.\n%s", p.Name, p.Footer)
}

// Parse parses the invocation's flags from its arguments, allowing no
// other arguments. When not ok, it has said why (or printed the help
// asked for) and code is the exit code.
func (inv *Invocation) Parse() (code int, ok bool) {
	if code, ok := inv.Parsed(inv.Flags.Parse(inv.Args)); !ok {
		return code, false
	}
	if inv.Flags.NArg() > 0 {
		fmt.Fprintf(inv.Err, "%s: unexpected argument %q\n", inv.Flags.Name(), inv.Flags.Arg(0))
		return Usage, false
	}
	return OK, true
}

// Parsed tells a command that parsed its flags itself what that ended
// with (err): ok to run; or not, with the exit code: help asked for is
// printed on stdout (OK), any other error is followed by the help on
// stderr (Usage).
func (inv *Invocation) Parsed(err error) (code int, ok bool) {
	switch {
	case errors.Is(err, flag.ErrHelp):
		inv.WriteHelp(inv.Out)
		return OK, false
	case err != nil:
		return inv.UsageError(), false
	}
	return OK, true
}

// UsageError prints the command's help on stderr and returns Usage, for
// arguments the command itself finds wrong.
func (inv *Invocation) UsageError() int {
	inv.WriteHelp(inv.Err)
	return Usage
}

// Fail says that the command failed with err and returns code.
func (inv *Invocation) Fail(err error, code int) int {
	fmt.Fprintf(inv.Err, "%s: %v\n", inv.Flags.Name(), err)
	return code
}

// WriteHelp writes the command's help: its usage line, what it does and
// its flags.
func (inv *Invocation) WriteHelp(w io.Writer) {
	c := inv.cmd
	fmt.Fprintf(w, "Usage: %s\n\n%s%s.\n", strings.TrimSpace(inv.Flags.Name()+" [flags] "+c.Args), strings.ToUpper(c.Summary[:1]), c.Summary[1:])
	if c.More != "" {
		fmt.Fprintf(w, "\n%s\n", c.More)
	}
	fmt.Fprint(w, "\nFlags:\n")
	out := inv.Flags.Output()
	inv.Flags.SetOutput(w)
	inv.Flags.PrintDefaults()
	inv.Flags.SetOutput(out)
}

// Step prepares a run of the program's command name as a step of this
// invocation, with the same streams but out; the caller runs it (kb
// search --rebuild runs kb build, quieter). Naming no command is a
// programming error.
func (inv *Invocation) Step(name string, args []string, out io.Writer) *Invocation {
	next, ok := inv.prog.invocation(name, args, inv.In, out, inv.Err)
	if !ok {
		panic("cli: no command " + name)
	}
	return next
}

// Code is the exit code of a command that ran, and found problems or not.
func Code(problems bool) int {
	if problems {
		return Problems
	}
	return OK
}
