package main

import (
	"context"
	"fmt"
	"github.com/kb-legal/kb/internal/cli"

	"github.com/kb-legal/kb/internal/site"
	"github.com/kb-legal/kb/internal/sitefs"
)

// runSchema prints the JSON Schema of front matter, with the site's
// vocabulary when run in a site, for editors' YAML completion.
func runSchema(_ context.Context, inv *cli.Invocation) int {
	source := inv.Flags.String("source", ".", "the site `directory` whose kb.yaml vocabulary to use")
	if code, ok := inv.Parse(); !ok {
		return code
	}
	v := site.DefaultVocabulary()
	if src, err := sitefs.Open(*source); err == nil { // else no folder: the defaults
		cfg, probs := site.LoadConfig(src)
		src.Close()
		if len(probs) > 0 {
			fmt.Fprintln(inv.Err, probs.Error())
			return cli.Problems
		}
		v = cfg.Vocabulary
	}
	if err := writeJSON(inv.Out, site.Schema(v)); err != nil {
		return inv.Fail(err, cli.Problems)
	}
	return cli.OK
}
