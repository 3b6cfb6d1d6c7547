package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// greeter is a program of two commands, to run the frame as a program
// built on it runs.
func greeter() *Program {
	return &Program{
		Name:   "greet",
		Title:  "greet — says hello",
		Footer: "Exit codes: 0, 1, 2.\n",
		Commands: []Command{
			{Name: "hello", Summary: "say hello to someone", Run: hello},
			{Name: "pair", Args: "A B", Summary: "greet two people", More: "A and B are names.", Run: pair},
			{Name: "twice", Summary: "say hello twice, through hello", Run: twice},
		},
		Aliases: map[string]string{"--hi": "hello"},
	}
}

func hello(_ context.Context, inv *Invocation) int {
	name := inv.Flags.String("name", "world", "who to greet")
	if code, ok := inv.Parse(); !ok {
		return code
	}
	if *name == "nobody" {
		return inv.Fail(errors.New("nobody to greet"), Problems)
	}
	fmt.Fprintf(inv.Out, "hello, %s\n", *name)
	return OK
}

func pair(_ context.Context, inv *Invocation) int {
	if code, ok := inv.Parsed(inv.Flags.Parse(inv.Args)); !ok {
		return code
	} else if inv.Flags.NArg() != 2 {
		return inv.UsageError()
	}
	fmt.Fprintf(inv.Out, "hello, %s and %s\n", inv.Flags.Arg(0), inv.Flags.Arg(1))
	return OK
}

func twice(ctx context.Context, inv *Invocation) int {
	var quiet bytes.Buffer
	hello(ctx, inv.Step("hello", []string{"--name", "quiet"}, &quiet))
	if quiet.String() != "hello, quiet\n" {
		return inv.Fail(fmt.Errorf("step wrote %q", quiet.String()), Problems)
	}
	return hello(ctx, inv.Step("hello", inv.Args, inv.Out))
}

func TestRun(t *testing.T) {
	t.Parallel()
	const usage = "greet — says hello\n\nUsage: greet COMMAND [flags]\n\nCommands:\n" +
		"  hello    say hello to someone\n  pair     greet two people\n  twice    say hello twice, through hello\n\n" +
		"Run \"greet COMMAND -h\" for a command's flags.\nExit codes: 0, 1, 2.\n"
	const pairHelp = "Usage: greet pair [flags] A B\n\nGreet two people.\n\nA and B are names.\n\nFlags:\n"
	const helloHelp = "Usage: greet hello [flags]\n\nSay hello to someone.\n\nFlags:\n  -name string\n    \twho to greet (default \"world\")\n"
	tests := []struct {
		desc                string
		give                []string
		wantCode            int
		wantStdout, wantErr string
	}{
		{desc: "no command", give: nil, wantCode: Usage, wantErr: usage},
		{desc: "help", give: []string{"help"}, wantCode: OK, wantStdout: usage},
		{desc: "-h", give: []string{"-h"}, wantCode: OK, wantStdout: usage},
		{desc: "help about a command", give: []string{"help", "hello"}, wantCode: OK, wantStdout: helloHelp},
		{desc: "help about no command", give: []string{"help", "helo"}, wantCode: Usage, wantErr: "greet: unknown command \"helo\"\n\n" + usage},
		{desc: "unknown command", give: []string{"helo"}, wantCode: Usage, wantErr: "greet: unknown command \"helo\"\n\n" + usage},
		{desc: "runs", give: []string{"hello", "--name", "Ada"}, wantCode: OK, wantStdout: "hello, Ada\n"},
		{desc: "alias", give: []string{"--hi"}, wantCode: OK, wantStdout: "hello, world\n"},
		{desc: "a command's help is no error", give: []string{"hello", "-h"}, wantCode: OK, wantStdout: helloHelp},
		{desc: "--help too", give: []string{"pair", "--help"}, wantCode: OK, wantStdout: pairHelp},
		{desc: "unknown flag: error, then help", give: []string{"hello", "--nme", "x"}, wantCode: Usage,
			wantErr: "flag provided but not defined: -nme\n" + helloHelp},
		{desc: "stray argument", give: []string{"hello", "Ada"}, wantCode: Usage, wantErr: "greet hello: unexpected argument \"Ada\"\n"},
		{desc: "the command's own usage error", give: []string{"pair", "Ada"}, wantCode: Usage, wantErr: pairHelp},
		{desc: "arguments", give: []string{"pair", "Ada", "Alan"}, wantCode: OK, wantStdout: "hello, Ada and Alan\n"},
		{desc: "failure names the command", give: []string{"hello", "--name", "nobody"}, wantCode: Problems, wantErr: "greet hello: nobody to greet\n"},
		{desc: "a step runs another command", give: []string{"twice", "--name", "Ada"}, wantCode: OK, wantStdout: "hello, Ada\n"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			var out, errOut bytes.Buffer
			code := greeter().Run(context.Background(), tt.give, strings.NewReader(""), &out, &errOut)
			if code != tt.wantCode || out.String() != tt.wantStdout || !strings.HasPrefix(errOut.String(), tt.wantErr) {
				t.Errorf("Run(%q) = %d\nstdout: %q\nwant:   %q\nstderr: %q\nwant prefix: %q", tt.give, code, out.String(), tt.wantStdout, errOut.String(), tt.wantErr)
			}
			if tt.wantErr == "" && errOut.Len() > 0 {
				t.Errorf("Run(%q) wrote to stderr: %q", tt.give, errOut.String())
			}
		})
	}
}

// TestStepUnknown: a step naming no command is a programming error, not
// a run that silently does nothing.
func TestStepUnknown(t *testing.T) {
	t.Parallel()
	p := greeter()
	inv, ok := p.invocation("hello", nil, nil, io.Discard, io.Discard)
	if !ok {
		t.Fatal("no hello")
	}
	defer func() {
		if recover() == nil {
			t.Error("Step(\"nope\") did not panic")
		}
	}()
	inv.Step("nope", nil, io.Discard)
}

func TestCode(t *testing.T) {
	t.Parallel()
	if Code(false) != OK || Code(true) != Problems {
		t.Errorf("Code(false), Code(true) = %d, %d", Code(false), Code(true))
	}
}
