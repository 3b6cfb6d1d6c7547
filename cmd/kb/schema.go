package main

import (
	"fmt"
	"io"

	"github.com/kb-legal/kb/internal/site"
	"github.com/kb-legal/kb/internal/sitefs"
)

// runSchema prints the JSON Schema of front matter, with the site's
// vocabulary when run in a site, for editors' YAML completion.
func runSchema(args []string, stdout, stderr io.Writer) int {
	fs := flags("schema", stderr)
	source := fs.String("source", ".", "the site `directory` whose kb.yaml vocabulary to use")
	if !parseFlags(fs, args) {
		return exitUsage
	}
	v := site.DefaultVocabulary()
	if src, err := sitefs.Open(*source); err == nil { // else no folder: the defaults
		cfg, probs := site.LoadConfig(src)
		src.Close()
		if len(probs) > 0 {
			fmt.Fprintln(stderr, probs.Error())
			return exitProblems
		}
		v = cfg.Vocabulary
	}
	if err := writeJSON(stdout, site.Schema(v)); err != nil {
		return fail(stderr, "kb schema", err, exitProblems)
	}
	return exitOK
}
