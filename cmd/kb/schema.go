package main

import (
	"context"
	"fmt"

	"github.com/kb-legal/kb/internal/site"
	"github.com/kb-legal/kb/internal/sitefs"
)

// runSchema prints the JSON Schema of front matter, with the site's
// vocabulary when run in a site, for editors' YAML completion.
func runSchema(_ context.Context, args []string, std stdio) int {
	fs := flags("schema", std)
	source := fs.String("source", ".", "the site `directory` whose kb.yaml vocabulary to use")
	if code, ok := parseFlags(fs, args, std); !ok {
		return code
	}
	v := site.DefaultVocabulary()
	if src, err := sitefs.Open(*source); err == nil { // else no folder: the defaults
		cfg, probs := site.LoadConfig(src)
		src.Close()
		if len(probs) > 0 {
			fmt.Fprintln(std.err, probs.Error())
			return exitProblems
		}
		v = cfg.Vocabulary
	}
	if err := writeJSON(std.out, site.Schema(v)); err != nil {
		return fail(std.err, "kb schema", err, exitProblems)
	}
	return exitOK
}
