package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

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
	if info, err := os.Stat(*source); err == nil && info.IsDir() {
		if src, err := sitefs.Open(*source); err == nil {
			cfg, probs := site.LoadConfig(src)
			src.Close()
			if len(probs) > 0 {
				for _, p := range probs {
					fmt.Fprintln(stderr, p.String())
				}
				return exitProblems
			}
			v = cfg.Vocabulary
		}
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(site.Schema(v)); err != nil {
		fmt.Fprintf(stderr, "kb schema: %v\n", err)
		return exitProblems
	}
	return exitOK
}
