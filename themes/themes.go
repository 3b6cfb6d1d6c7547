// Package themes embeds kb's default theme into the binary, so kb works
// from any directory. A site's own themes/<name>/ overrides it file by file.
package themes

import (
	"embed"
	"io/fs"
)

//go:embed default
var embedded embed.FS

// Default returns the default theme: layouts/ (html/template) and assets/.
func Default() fs.FS {
	sub, err := fs.Sub(embedded, "default")
	if err != nil {
		panic(err) // the directory is embedded above; it cannot be missing
	}
	return sub
}
